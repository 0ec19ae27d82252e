-- Broadcasts: an organiser's message to part of the association, its acknowledgements.
-- Deliveries are outbox rows with batch = 'broadcast:<id>'.

CREATE TABLE broadcasts (
    id                INTEGER PRIMARY KEY,
    created_by        INTEGER NOT NULL REFERENCES members(id),
    text              TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'photo', 'document')),
    blob_id           INTEGER REFERENCES blobs(id),
    audience          TEXT NOT NULL DEFAULT '{}',
    root_id           INTEGER REFERENCES broadcasts(id),
    status            TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    scheduled_at      TEXT,
    sent_at           TEXT,
    finished_at       TEXT,
    recipients        INTEGER,
    skipped           TEXT NOT NULL DEFAULT '[]',
    report_chat_id    TEXT,
    report_message_id INTEGER,
    created_at        TEXT NOT NULL
);
CREATE INDEX broadcasts_status ON broadcasts(status, scheduled_at);
CREATE INDEX broadcasts_root ON broadcasts(root_id);

CREATE TABLE broadcast_acks (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    acked_at      TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, member_id)
);
