-- New-member reports from every chapter: the reports, excused chapters and the reporting settings.

CREATE TABLE chapter_reports (
    id              INTEGER PRIMARY KEY,
    chapter_id      INTEGER NOT NULL REFERENCES chapters(id),
    period_key      TEXT NOT NULL,
    new_members     INTEGER NOT NULL CHECK (new_members >= 0),
    total_members   INTEGER NOT NULL CHECK (total_members >= 0),
    note            TEXT,
    photo_file_id   TEXT,
    filed_by        INTEGER REFERENCES members(id),
    on_behalf       INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    filed_at        TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      INTEGER REFERENCES members(id),
    UNIQUE (chapter_id, period_key)
);
CREATE INDEX chapter_reports_period ON chapter_reports(period_key, chapter_id);

CREATE TABLE report_excuses (
    chapter_id      INTEGER NOT NULL REFERENCES chapters(id),
    period_key      TEXT NOT NULL,
    excused_by      INTEGER REFERENCES members(id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (chapter_id, period_key)
);

-- One row: the reporting period kind and its deadline (day within the period, local time of day).
-- collecting_since: when the bot first planned reminders; chapters are chased from the first period starting then.
CREATE TABLE report_config (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    period_kind     TEXT NOT NULL DEFAULT 'month' CHECK (period_kind IN ('month', 'week', 'quarter')),
    deadline_day    INTEGER NOT NULL DEFAULT 25 CHECK (deadline_day BETWEEN 1 AND 31),
    deadline_time   TEXT NOT NULL DEFAULT '20:00',
    collecting_since TEXT,
    updated_by      INTEGER REFERENCES members(id),
    updated_at      TEXT
);
INSERT INTO report_config (id) VALUES (1);
