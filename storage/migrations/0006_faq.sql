-- FAQ: every question cadres ask in free text, what the bot made of it, and the ones sent on to the
-- organisers (with their answer). Counted for the weekly summary.

CREATE TABLE faq_questions (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER REFERENCES members(id),
    text           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('answer', 'suggest', 'unconfirmed', 'none')),
    entry_id       TEXT,
    score          REAL NOT NULL,
    status         TEXT NOT NULL DEFAULT 'logged' CHECK (status IN ('logged', 'sent', 'answered')),
    asked_at       TEXT NOT NULL,
    sent_at        TEXT,
    answer         TEXT,
    answered_by    INTEGER REFERENCES members(id),
    answered_at    TEXT,
    added_entry_id TEXT
);
CREATE INDEX faq_questions_asked ON faq_questions(asked_at);
CREATE INDEX faq_questions_status ON faq_questions(status, sent_at);
