-- One person, two channels: a one-time code shown by /me on one channel links the account that types it on
-- the other channel to the same member. One live code per member; it expires after a few minutes.
CREATE TABLE link_codes (
    code        TEXT PRIMARY KEY,
    member_id   INTEGER NOT NULL UNIQUE REFERENCES members(id),
    channel     TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
