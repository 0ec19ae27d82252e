-- Updates a channel's webhook accepted: recorded before the platform is answered 200, then handled once, by
-- whichever replica claims them, each chat's one at a time in the order they arrived.
-- `update_key`: the platform's update id (Telegram), or the event and message id (Zalo; a hash of the
-- content when there is no message id): an update delivered again is recorded once.
-- `chat_key`: whose updates are handled one at a time, in order.
-- `status`: pending → processing (by `claimed_by` until `lease_until`; an expired lease lets another replica
-- take it over) → done (in the turn's own transaction), or failed: parked after `attempts` tries, with
-- `last_error`. A pending row waits until `not_before` (a retry's pause).
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY,
    channel      TEXT NOT NULL,
    update_key   TEXT NOT NULL,
    chat_key     TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'processing', 'done', 'failed')),
    claimed_by   TEXT,
    lease_until  TEXT,
    not_before   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    done_at      TEXT,
    UNIQUE (channel, update_key)
);
CREATE INDEX inbox_open ON inbox(channel, chat_key, id) WHERE status IN ('pending', 'processing');
CREATE INDEX inbox_done ON inbox(done_at) WHERE status = 'done';
