-- Channel-neutral conversations: dialog state per person and channel; outbox rows carry neutral content.

CREATE TABLE dialog_states (
    member_id   INTEGER NOT NULL REFERENCES members(id),
    channel     TEXT NOT NULL,
    dialog      TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (member_id, channel)
);

-- Neutral content of a queued message: {"text", "choices": [[{"label", "token"|"url"}]], "suggestions", ...}.
ALTER TABLE outbox ADD COLUMN content TEXT;

-- Rows queued before this migration carried Telegram markup: keep their buttons as neutral choices.
UPDATE outbox SET content = json_object('text', text, 'choices', json_extract(markup, '$.inline_keyboard'))
 WHERE markup IS NOT NULL AND json_extract(markup, '$.inline_keyboard') IS NOT NULL;
UPDATE outbox SET content = json_object('text', text) WHERE content IS NULL;

-- Each member's preferred channel for notices: the one they last wrote from.
ALTER TABLE members ADD COLUMN channel TEXT;
UPDATE members SET channel = (SELECT a.channel FROM channel_accounts a WHERE a.member_id = members.id
                              ORDER BY a.id DESC LIMIT 1);
