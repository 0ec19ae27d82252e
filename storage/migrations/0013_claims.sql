-- Several replicas over one database: work is claimed with a lease, and the send rate is shared.

-- A claimed row names its replica (`claimed_by`) and holds until `lease_until` (UTC ISO text); the replica renews
-- the lease while it works, and another replica takes over a 'sending' row whose lease ran out (its replica died).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
CREATE INDEX outbox_chat ON outbox(channel, chat_id, status);

-- A pending task with a lease in the future is running on `claimed_by`; one whose lease ran out is due again.
ALTER TABLE scheduled_tasks ADD COLUMN claimed_by TEXT;
ALTER TABLE scheduled_tasks ADD COLUMN lease_until TEXT;

-- One token bucket per channel, shared by every replica: `tokens` as of `stamp`, and no send before
-- `paused_until` (the platform's "retry after"). Times are UNIX seconds (REAL): the bucket is arithmetic on them.
CREATE TABLE send_rate (
    channel      TEXT PRIMARY KEY,
    tokens       REAL NOT NULL,
    stamp        REAL NOT NULL,
    paused_until REAL NOT NULL DEFAULT 0
)
