-- A handled update keeps its lease until the turn's answers have gone out (then `lease_until` is cleared):
-- the chat's next update waits for it, so a chat's answers arrive in order across replicas. This index finds
-- a chat's updates still being answered.
CREATE INDEX inbox_answering ON inbox(channel, chat_key, id) WHERE status = 'done' AND lease_until IS NOT NULL;
