-- A queued message may replace one sent earlier (a join request decided by another approver): `replaces` is
-- the dedupe key of that message. Channels that can edit show it in place of that message.
ALTER TABLE outbox ADD COLUMN replaces TEXT
