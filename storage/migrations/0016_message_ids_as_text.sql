-- A message's id on its channel is text: Zalo's are hexadecimal ("49e66f1ffd4e191a571e"), Telegram's numbers.
-- The columns were INTEGER, which SQLite let hold text but PostgreSQL refuses: a Zalo message sent there
-- could not be recorded as sent (and went out again after its lease), nor a broadcast's report card kept.
ALTER TABLE outbox ADD COLUMN channel_message_id TEXT;
UPDATE outbox SET channel_message_id = CAST(message_id AS TEXT) WHERE message_id IS NOT NULL;
ALTER TABLE outbox DROP COLUMN message_id;
ALTER TABLE outbox RENAME COLUMN channel_message_id TO message_id;
ALTER TABLE broadcasts ADD COLUMN channel_report_message_id TEXT;
UPDATE broadcasts SET channel_report_message_id = CAST(report_message_id AS TEXT)
    WHERE report_message_id IS NOT NULL;
ALTER TABLE broadcasts DROP COLUMN report_message_id;
ALTER TABLE broadcasts RENAME COLUMN channel_report_message_id TO report_message_id;
