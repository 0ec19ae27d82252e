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

