-- Organisation, members, their channel accounts, invitations, audit,
-- durable scheduled tasks and the outbound message queue.

CREATE TABLE wards (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    name_key    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

CREATE TABLE chapters (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES wards(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (ward_id, name)
);
CREATE INDEX chapters_ward ON chapters(ward_id, active);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    full_name       TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('visitor', 'pending', 'active', 'rejected', 'inactive')),
    role            TEXT CHECK (role IN ('admin', 'organiser', 'ward_lead', 'cadre')),
    ward_id         INTEGER REFERENCES wards(id),
    chapter_id      INTEGER REFERENCES chapters(id),
    phone           TEXT,
    locale          TEXT NOT NULL DEFAULT 'vi',
    requested_at    TEXT,
    decided_by      INTEGER REFERENCES members(id),
    decided_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX members_ward ON members(ward_id, status, role);
CREATE INDEX members_chapter ON members(chapter_id, status);
CREATE INDEX members_role ON members(role, status);

CREATE TABLE channel_accounts (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    username     TEXT,
    blocked_at   TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX channel_accounts_member ON channel_accounts(member_id, channel);

CREATE TABLE invites (
    token        TEXT PRIMARY KEY,
    chapter_id   INTEGER NOT NULL REFERENCES chapters(id),
    created_by   INTEGER NOT NULL REFERENCES members(id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     INTEGER REFERENCES members(id),
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT,
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

CREATE TABLE scheduled_tasks (
    key          TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    done_at      TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX scheduled_tasks_due ON scheduled_tasks(status, due_at);

CREATE TABLE blobs (
    id           INTEGER PRIMARY KEY,
    filename     TEXT NOT NULL,
    mime_type    TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    batch        TEXT NOT NULL,
    dedupe_key   TEXT NOT NULL UNIQUE,
    member_id    INTEGER REFERENCES members(id),
    channel      TEXT NOT NULL DEFAULT 'telegram',
    chat_id      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'document', 'photo')),
    text         TEXT NOT NULL DEFAULT '',
    markup       TEXT,
    blob_id      INTEGER REFERENCES blobs(id),
    status       TEXT NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unreachable', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   TEXT NOT NULL,
    sent_at      TEXT,
    message_id   INTEGER,
    error        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX outbox_ready ON outbox(status, not_before);
CREATE INDEX outbox_batch ON outbox(batch, status);
