-- Entries organisers add from the chat (/questions → add to the FAQ) live in the database, so every replica
-- sharing it answers with them (they were appended to a file beside the database, which a replica on another
-- machine never sees). `record` is the entry as JSON: id, topic, status, questions, answer, answer_en, source.
CREATE TABLE faq_added_entries (
    id          TEXT PRIMARY KEY,
    question_id INTEGER NOT NULL UNIQUE REFERENCES faq_questions(id),
    record      TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
