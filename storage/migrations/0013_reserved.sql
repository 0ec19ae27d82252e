-- Reserved: migration 0013 ships with the outbox and task claims (issue 19), developed beside the inbox (0014).
-- Delete this file when that branch, with its own 0013, is merged.
SELECT 1
