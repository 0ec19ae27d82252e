-- Seminars (tọa đàm): the seminar, its invitees and their answers, feedback after it, and the
-- reminder offsets organisers configure. Reminders themselves are rows in scheduled_tasks.

CREATE TABLE seminars (
    id                  INTEGER PRIMARY KEY,
    topic               TEXT NOT NULL,
    host                TEXT NOT NULL,
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    venue               TEXT NOT NULL,
    agenda              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_by          INTEGER NOT NULL REFERENCES members(id),
    created_at          TEXT NOT NULL,
    audience            TEXT NOT NULL DEFAULT '{}',
    reminder_offsets    TEXT NOT NULL DEFAULT '[]',
    attachment_blob_id  INTEGER REFERENCES blobs(id),
    version             INTEGER NOT NULL DEFAULT 0,
    nudges              INTEGER NOT NULL DEFAULT 0,
    last_nudged_at      TEXT,
    updated_at          TEXT NOT NULL
);
CREATE INDEX seminars_upcoming ON seminars(status, starts_at);

CREATE TABLE seminar_invitees (
    seminar_id    INTEGER NOT NULL REFERENCES seminars(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    rsvp          TEXT NOT NULL DEFAULT 'pending' CHECK (rsvp IN ('pending', 'yes', 'no', 'delegated')),
    responded_at  TEXT,
    invited_at    TEXT NOT NULL,
    delegate_of   INTEGER REFERENCES members(id),
    delegated_to  INTEGER REFERENCES members(id),
    PRIMARY KEY (seminar_id, member_id)
);
CREATE INDEX seminar_invitees_member ON seminar_invitees(member_id, rsvp);

CREATE TABLE seminar_feedback (
    seminar_id   INTEGER NOT NULL REFERENCES seminars(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (seminar_id, member_id)
);

CREATE TABLE seminar_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_by  INTEGER REFERENCES members(id),
    updated_at  TEXT NOT NULL
);
