-- Weekly summary: who asked for it (admins get it unless they opted out) and who already got which week.

CREATE TABLE summary_subscriptions (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    subscribed  INTEGER NOT NULL CHECK (subscribed IN (0, 1)),
    updated_at  TEXT NOT NULL
);

CREATE TABLE summary_deliveries (
    week_key    TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    ward_id     INTEGER REFERENCES wards(id),
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (week_key, member_id)
);

-- The summary reads other features' agreed tables by time window. Migrations are contiguous, so
-- 0002–0006 (which create these tables) have always run before this one.
CREATE INDEX IF NOT EXISTS summary_reports_filed ON chapter_reports(filed_at);
CREATE INDEX IF NOT EXISTS summary_trainings_start ON trainings(starts_at);
CREATE INDEX IF NOT EXISTS summary_seminars_start ON seminars(starts_at);
CREATE INDEX IF NOT EXISTS summary_broadcasts_sent ON broadcasts(sent_at);
CREATE INDEX IF NOT EXISTS summary_faq_asked ON faq_questions(asked_at);
CREATE INDEX IF NOT EXISTS summary_faq_queue ON faq_questions(status, forwarded);
