-- What channels without buttons remember per person, and the updates a channel without offsets has handled.

-- The numbered list a person answers by number (Zalo): its lines as JSON [{"label", "token"|"typed"}].
-- `contested`: a message that arrived on its own replaced a list the person was still answering, so a number
-- typed next is ambiguous and is answered with the current list instead.
CREATE TABLE choice_lists (
    member_id   INTEGER NOT NULL REFERENCES members(id),
    channel     TEXT NOT NULL,
    items       TEXT NOT NULL,
    shown_at    TEXT NOT NULL,
    by_reply    INTEGER NOT NULL DEFAULT 1,
    contested   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, channel)
);

-- Updates already handled, for channels whose updates carry no offset (Zalo re-delivers on its own terms).
CREATE TABLE handled_updates (
    channel     TEXT NOT NULL,
    update_key  TEXT NOT NULL,
    handled_at  TEXT NOT NULL,
    PRIMARY KEY (channel, update_key)
);
CREATE INDEX handled_updates_age ON handled_updates(handled_at);
