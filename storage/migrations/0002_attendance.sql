-- Training sessions (tập huấn): registrations with a waiting list, check-in codes,
-- attendance, and check-ins waiting for the scanner's registration to be approved.

CREATE TABLE trainings (
    id                    INTEGER PRIMARY KEY,
    title                 TEXT NOT NULL,
    starts_at             TEXT NOT NULL,
    ends_at               TEXT NOT NULL,
    venue                 TEXT NOT NULL,
    description           TEXT,
    capacity              INTEGER CHECK (capacity IS NULL OR capacity > 0),
    audience              TEXT NOT NULL DEFAULT '{"everyone": true}',
    status                TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    checkin_opens_minutes INTEGER NOT NULL DEFAULT 60,
    late_after_minutes    INTEGER NOT NULL DEFAULT 15,
    version               INTEGER NOT NULL DEFAULT 1,
    created_by            INTEGER REFERENCES members(id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX trainings_upcoming ON trainings(status, ends_at);

CREATE TABLE training_registrations (
    training_id    INTEGER NOT NULL REFERENCES trainings(id),
    member_id      INTEGER NOT NULL REFERENCES members(id),
    status         TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'declined', 'withdrawn')),
    registered_at  TEXT,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (training_id, member_id)
);
CREATE INDEX training_registrations_status ON training_registrations(training_id, status, registered_at);

CREATE TABLE training_attendance (
    training_id    INTEGER NOT NULL REFERENCES trainings(id),
    member_id      INTEGER NOT NULL REFERENCES members(id),
    checked_in_at  TEXT,
    method         TEXT CHECK (method IS NULL OR method IN ('qr', 'code', 'manual')),
    late           INTEGER NOT NULL DEFAULT 0,
    excused        INTEGER NOT NULL DEFAULT 0,
    recorded_by    INTEGER REFERENCES members(id),
    PRIMARY KEY (training_id, member_id)
);

CREATE TABLE training_codes (
    code           TEXT PRIMARY KEY,
    training_id    INTEGER NOT NULL REFERENCES trainings(id),
    created_by     INTEGER REFERENCES members(id),
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX training_codes_training ON training_codes(training_id, revoked_at);

CREATE TABLE training_pending_checkins (
    member_id      INTEGER NOT NULL REFERENCES members(id),
    training_id    INTEGER NOT NULL REFERENCES trainings(id),
    scanned_at     TEXT NOT NULL,
    method         TEXT NOT NULL,
    PRIMARY KEY (member_id, training_id)
);
