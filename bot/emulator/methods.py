"""The Bot API methods the emulator implements, each a function of (emulator, bot state, params)."""

from __future__ import annotations

import json
import mimetypes
import re
import struct
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.emulator.common import is_loopback
from bot.emulator.html import HtmlParseError, detect_entities, merge_entities, parse_html
from bot.emulator.state import (
    SECRET_TOKEN_RE,
    ApiError,
    BotState,
    ChatState,
    StoredFile,
    StoredMessage,
    TelegramWebhook,
    normalize_chat_id,
)

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --- helpers ----------------------------------------------------------------------------------


def format_text(
    params: dict, text_key: str, entities_key: str, limit: int, *, required: bool
) -> tuple[str, list[dict]]:
    """Apply parse_mode / entities to a text or caption and enforce Telegram's length rules."""
    raw = params.get(text_key)
    if raw is None:
        if required:
            raise bad_request("message text is empty")
        return "", []
    if not isinstance(raw, str):
        raw = str(raw)
    parse_mode = str(params.get("parse_mode") or "")
    entities: list[dict] = []
    if parse_mode.lower() == "html":
        try:
            text, entities = parse_html(raw)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        text = raw
        given = params.get(entities_key)
        if isinstance(given, list):
            entities = given
    if text and ("/" in text):
        entities = merge_entities(entities, detect_entities(text))
    if required and not text.strip():
        raise bad_request("message text is empty")
    if len(text) > limit:
        raise bad_request("message is too long" if text_key == "text" else "message caption is too long")
    return text, entities


def validate_markup(markup: Any) -> dict | None:
    """Check reply_markup like Telegram does; return it as a dict (or None)."""
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                if isinstance(button, dict) and not button.get("text"):
                    raise bad_request("BUTTON_TEXT_INVALID")
    return markup


def inline_markup(markup: dict | None) -> dict | None:
    """Only inline keyboards are part of a sent Message object."""
    return markup if markup and "inline_keyboard" in markup else None


def sniff_mime(data: bytes, filename: str | None, declared: str | None, kind: str) -> str:
    """The content type of an upload: PTB declares octet-stream for raw bytes, so look at them."""
    if declared and declared != "application/octet-stream":
        return declared
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    guessed = mimetypes.guess_type(filename)[0] if filename else None
    return guessed or ("image/jpeg" if kind == "photo" else "application/octet-stream")


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return 320, 320


def photo_sizes(file: StoredFile) -> list[dict]:
    width, height = _png_size(file.data)
    return [
        {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(file.data),
        }
    ]


def document_object(file: StoredFile) -> dict:
    data = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "mime_type": file.mime_type,
        "file_size": len(file.data),
    }
    if file.file_name:
        data["file_name"] = file.file_name
    return data


class Methods:
    """Bot API method implementations bound to one emulator."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator

    def table(self) -> dict[str, tuple[str, Any]]:
        """Lower-cased method name → (canonical name, implementation)."""
        names = [
            "getMe", "logOut", "close", "setWebhook", "deleteWebhook", "getWebhookInfo", "getUpdates",
            "sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption", "deleteMessage",
            "answerCallbackQuery", "sendDocument", "sendPhoto", "getFile", "setMyCommands",
            "getMyCommands", "deleteMyCommands", "sendChatAction", "setChatMenuButton",
            "getChatMenuButton", "copyMessage", "forwardMessage", "setMyDescription",
            "setMyShortDescription", "setMyName",
        ]  # fmt: skip
        return {name.lower(): (name, getattr(self, name)) for name in names}

    # --- chats --------------------------------------------------------------------------------

    def target_chat(
        self, state: BotState, params: dict, *, sending: bool, counted: bool = False
    ) -> ChatState:
        chat_id = normalize_chat_id(params.get("chat_id"))
        if chat_id is None:
            raise bad_request("chat_id is empty")
        chat = state.chats.get(chat_id)
        if chat is None or not chat.known:
            if self.emu.config.strict_chats or isinstance(chat_id, str):
                raise bad_request("chat not found")
            if chat is None:
                chat = self.emu.ensure_chat(state, chat_id)
        if sending and chat.blocked:
            if chat.is_private:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if counted and self.emu.config.rate_limits:
            self.emu.check_rate(state, chat)
        return chat

    def stored(self, state: BotState, params: dict, *, action: str) -> tuple[ChatState, StoredMessage]:
        chat_id = normalize_chat_id(params.get("chat_id"))
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = state.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        try:
            message_id = int(params.get("message_id"))
        except (TypeError, ValueError):
            raise bad_request(f"message to {action} not found") from None
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request(f"message to {action} not found")
        return chat, message

    def new_bot_message(
        self, state: BotState, chat: ChatState, params: dict, content: dict, file: StoredFile | None = None
    ) -> dict:
        markup = validate_markup(params.get("reply_markup"))
        data = {
            "message_id": chat.new_message_id(),
            "from": state.bot_user(),
            "chat": chat.chat,
            "date": self.emu.now_ts(),
            **content,
        }
        reply_to = self._reply_target(chat, params)
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        if inline_markup(markup):
            data["reply_markup"] = markup
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.messages[data["message_id"]] = StoredMessage(data, from_bot=True, file=file)
        chat.action = None
        chat.touch()
        return data

    @staticmethod
    def _reply_target(chat: ChatState, params: dict) -> dict | None:
        reply = params.get("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is None:
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.data.items() if k != "reply_to_message"}

    def upload(self, state: BotState, params: dict, key: str, kind: str) -> StoredFile:
        value = params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if hasattr(value, "file") and hasattr(value, "filename"):
            data = value.file.read()
            mime = sniff_mime(data, value.filename, value.content_type, kind)
            return self.emu.store_file(state, data, value.filename, mime, kind)
        if isinstance(value, str) and value in state.files:
            return state.files[value]
        raise bad_request("wrong file identifier/HTTP URL specified")

    # --- methods --------------------------------------------------------------------------------

    def getMe(self, state: BotState, params: dict) -> dict:
        return {
            **state.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def logOut(self, state: BotState, params: dict) -> bool:
        return True

    close = logOut
    setMyDescription = logOut
    setMyShortDescription = logOut
    setMyName = logOut

    def setWebhook(self, state: BotState, params: dict) -> bool:
        """Push updates to `url` from now on (an empty url removes the webhook); getUpdates answers 409."""
        url = str(params.get("url") or "")
        if not url:
            return self.deleteWebhook(state, params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid webhook URL specified")
        if parts.scheme != "https" and not is_loopback(parts.hostname):
            # Telegram requires HTTPS; plain HTTP is allowed on loopback for tests only.
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if params.get("drop_pending_updates"):
            state.updates.clear()
        state.pusher.webhook = TelegramWebhook(
            url,
            str(secret or ""),
            allowed_updates=list(allowed) if isinstance(allowed, list) else None,
            max_connections=int(params.get("max_connections") or 40),
        )
        state.pulse_updates()  # a parked long poll ends (with 409)
        self.emu.kick_webhook(state)
        return True

    def deleteWebhook(self, state: BotState, params: dict) -> bool:
        if params.get("drop_pending_updates"):
            state.updates.clear()
        state.pusher.webhook = None
        return True

    def getWebhookInfo(self, state: BotState, params: dict) -> dict:
        hook = state.pusher.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(state.updates),
        }
        if isinstance(hook, TelegramWebhook):
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
        if state.pusher.last_error is not None:
            when, message = state.pusher.last_error
            info["last_error_date"], info["last_error_message"] = int(when), message
        return info

    async def getUpdates(self, state: BotState, params: dict) -> list[dict]:
        try:
            offset = int(params.get("offset") or 0)
            limit = min(100, max(1, int(params.get("limit") or 100)))
            timeout = max(0.0, float(params.get("timeout") or 0))
        except (TypeError, ValueError):
            raise bad_request("invalid getUpdates parameters") from None
        if state.pusher.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        state.confirm(offset)
        state.generation += 1
        generation = state.generation
        state.pulse_updates()  # wakes an older parked poll so that it ends with 409
        if not state.updates and timeout > 0:
            await state.wait_for_update(generation, timeout)
        if state.pusher.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        if state.generation != generation:
            raise ApiError(409, CONFLICT)
        updates = state.updates
        if len(updates) <= limit:
            return [update for _, update in updates]
        return [updates[i][1] for i in range(limit)]

    def sendMessage(self, state: BotState, params: dict) -> dict:
        chat = self.target_chat(state, params, sending=True, counted=True)
        text, entities = format_text(params, "text", "entities", TEXT_LIMIT, required=True)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self.new_bot_message(state, chat, params, content)

    def _send_media(self, state: BotState, params: dict, key: str, kind: str) -> dict:
        chat = self.target_chat(state, params, sending=True, counted=True)
        caption, entities = format_text(params, "caption", "caption_entities", CAPTION_LIMIT, required=False)
        file = self.upload(state, params, key, kind)
        content: dict[str, Any] = (
            {"photo": photo_sizes(file)} if kind == "photo" else {"document": document_object(file)}
        )
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self.new_bot_message(state, chat, params, content, file)

    def sendDocument(self, state: BotState, params: dict) -> dict:
        return self._send_media(state, params, "document", "document")

    def sendPhoto(self, state: BotState, params: dict) -> dict:
        return self._send_media(state, params, "photo", "photo")

    def _edit(self, chat: ChatState, message: StoredMessage, changes: dict, markup: dict | None) -> dict:
        data = message.data
        keys = set(changes) | {"reply_markup"}
        current = {k: data.get(k) for k in keys}
        wanted = {**{k: v or None for k, v in changes.items()}, "reply_markup": inline_markup(markup)}
        if current == wanted:
            raise bad_request(NOT_MODIFIED)
        for key, value in wanted.items():
            if value:
                data[key] = value
            else:
                data.pop(key, None)
        data["edit_date"] = self.emu.now_ts()
        chat.touch()
        return data

    def editable(self, state: BotState, params: dict) -> tuple[ChatState, StoredMessage]:
        """The bot's own message that an edit names."""
        chat, message = self.stored(state, params, action="edit")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def editMessageText(self, state: BotState, params: dict) -> dict:
        chat, message = self.editable(state, params)
        field = ("text", "entities", TEXT_LIMIT)
        return self._edit_text(chat, message, params, "text" in message.data, field, required=True)

    def editMessageCaption(self, state: BotState, params: dict) -> dict:
        chat, message = self.editable(state, params)
        field = ("caption", "caption_entities", CAPTION_LIMIT)
        return self._edit_text(chat, message, params, message.file is not None, field, required=False)

    def _edit_text(
        self,
        chat: ChatState,
        message: StoredMessage,
        params: dict,
        present: bool,
        field: tuple[str, str, int],
        *,
        required: bool,
    ) -> dict:
        """A new text or caption (`field`: its key, its entities' key, its limit) if the message has one."""
        key, entities_key, limit = field
        if not present:
            raise bad_request(f"there is no {key} in the message to edit")
        text, entities = format_text(params, key, entities_key, limit, required=required)
        markup = validate_markup(params.get("reply_markup"))
        return self._edit(chat, message, {key: text, entities_key: entities}, markup)

    def editMessageReplyMarkup(self, state: BotState, params: dict) -> dict:
        chat, message = self.editable(state, params)
        return self._edit(chat, message, {}, validate_markup(params.get("reply_markup")))

    def deleteMessage(self, state: BotState, params: dict) -> bool:
        chat, message = self.stored(state, params, action="delete")
        del chat.messages[message.data["message_id"]]
        chat.touch()
        return True

    def answerCallbackQuery(self, state: BotState, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = state.callbacks.get(query_id)
        now = self.emu.monotonic()
        if record is None or record.answered or now - record.created > self.emu.config.callback_ttl_s:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        chat = state.chats.get(record.chat_id)
        if chat is not None and text:
            chat.toasts.append(
                {
                    "callback_query_id": query_id,
                    "text": str(text),
                    "show_alert": bool(params.get("show_alert")),
                }
            )
            chat.touch()
        return True

    def getFile(self, state: BotState, params: dict) -> dict:
        file = state.files.get(str(params.get("file_id") or ""))
        if file is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": len(file.data),
            "file_path": file.file_path,
        }

    @staticmethod
    def _commands_key(params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = json.loads(scope)
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def setMyCommands(self, state: BotState, params: dict) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request(
                "BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list) else "commands are invalid"
            )
        clean = []
        for item in commands:
            command = str(item.get("command", "")).removeprefix("/")
            description = str(item.get("description", ""))
            if not _COMMAND_RE.match(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        state.commands[self._commands_key(params)] = clean
        return True

    def getMyCommands(self, state: BotState, params: dict) -> list[dict]:
        return list(state.commands.get(self._commands_key(params), []))

    def deleteMyCommands(self, state: BotState, params: dict) -> bool:
        state.commands.pop(self._commands_key(params), None)
        return True

    def sendChatAction(self, state: BotState, params: dict) -> bool:
        chat = self.target_chat(state, params, sending=True)
        chat.action = str(params.get("action") or "typing")
        chat.touch()
        return True

    def setChatMenuButton(self, state: BotState, params: dict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        state.menu_buttons[normalize_chat_id(params.get("chat_id"))] = button
        return True

    def getChatMenuButton(self, state: BotState, params: dict) -> dict:
        chat_id = normalize_chat_id(params.get("chat_id"))
        return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "commands"}

    def _source(self, state: BotState, params: dict) -> StoredMessage:
        source_chat = state.chats.get(normalize_chat_id(params.get("from_chat_id")))
        if source_chat is None:
            raise bad_request("chat not found")
        message = source_chat.messages.get(int(params.get("message_id") or 0))
        if message is None:
            raise bad_request("message to copy not found")
        return message

    _COPIED = ("text", "entities", "caption", "caption_entities", "document", "photo", "contact")

    def copyMessage(self, state: BotState, params: dict) -> dict:
        source = self._source(state, params)
        chat = self.target_chat(state, params, sending=True, counted=True)
        content = {k: source.data[k] for k in self._COPIED if k in source.data}
        if "caption" in params:
            caption, entities = format_text(
                params, "caption", "caption_entities", CAPTION_LIMIT, required=False
            )
            content.pop("caption_entities", None)
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        message = self.new_bot_message(state, chat, params, content, source.file)
        return {"message_id": message["message_id"]}

    def forwardMessage(self, state: BotState, params: dict) -> dict:
        source = self._source(state, params)
        chat = self.target_chat(state, params, sending=True, counted=True)
        content = {k: source.data[k] for k in self._COPIED if k in source.data}
        content["forward_origin"] = {
            "type": "user",
            "sender_user": source.data["from"],
            "date": source.data["date"],
        }
        return self.new_bot_message(state, chat, {}, content, source.file)
