"""Zalo as a channel: receive by long polling or webhook, answer in plain text with numbered lists.

A webhook update is recorded in the inbox before Zalo is answered 200, then handled by whichever replica
claims it (bot/runtime/inbox.py). Every update becomes a neutral input for `Runtime.handle()`. Inside the
turn's transaction the channel records the update as handled (Zalo's updates carry no offset: a re-delivered
one is dropped) and reads and stores the person's current numbered list (`choice_lists`), so after a restart
a typed "2" still means what it meant. Replies are rendered by `render.py`; files go out as signed links
under PUBLIC_BASE_URL, images by URL. One pacer paces everything sent (Zalo's limits are unpublished:
ZALO_SEND_RATE), and "Quota exceeded" (429) pauses it with a growing back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.background import cancel_and_wait
from bot.channels.base import (
    ApiUnreachable,
    BlobLoader,
    CardRef,
    RateLimited,
    Rejected,
    TokenRejected,
    TransientFailure,
    Unreachable,
    WebhookRefused,
)
from bot.channels.zalo.client import (
    ZaloApiError,
    ZaloBadRequest,
    ZaloClient,
    ZaloForbidden,
    ZaloNotFound,
    ZaloRateLimited,
    ZaloTransientError,
    ZaloUnauthorized,
    ZaloUpdate,
    parse_update,
)
from bot.channels.zalo.inputs import StaleNumber, Vocabulary, to_event
from bot.channels.zalo.render import ListItem, Message, Rendered, numbered, render
from bot.conversation.inputs import Input, Sender, Unsupported
from bot.conversation.replies import Attachment, Output, Reply
from bot.conversation.turn import Turn
from bot.core.models import Member
from bot.core.pacing import Pacer
from bot.i18n import N_, SUPPORTED_LOCALES, Translator

if TYPE_CHECKING:
    from aiohttp import web

    from bot.config import Settings
    from bot.runtime import Runtime
    from bot.runtime.inbox import Receipt
    from storage.outbox import QueuedMessage

logger = logging.getLogger(__name__)

CHANNEL = "zalo"
ACTIVE_LIST = timedelta(hours=24)
"""A list shown in answer to the person within this time is still the one they are answering."""
POLL_TIMEOUT = 30
RETRY_PAUSE = (1, 2, 4, 8, 15, 30, 60)
"""Seconds to pause sending after consecutive "Quota exceeded" answers (Zalo gives no retry hint)."""
SECRET_HEADER = "X-Bot-Api-Secret-Token"
NO_LINK = N_(
    "(This file cannot be sent on Zalo yet: the bot has no public address. Please tell the organisers.)"
)


class ZaloChannel:
    """The Zalo adapter: receive, render, deliver."""

    name = CHANNEL
    text_limit = 2000

    def __init__(self, runtime: Runtime, settings: Settings, *, client: ZaloClient | None = None) -> None:
        assert settings.zalo_token is not None
        self.runtime = runtime
        self.settings = settings
        self.client = client or ZaloClient(settings.zalo_token, api_url=settings.zalo_api_url)
        self.pacer = Pacer(
            rate=settings.zalo_send_rate, burst=max(1.0, settings.zalo_send_rate), chat_burst=5
        )
        self.vocabulary = Vocabulary({}, {})
        self._poller: asyncio.Task[None] | None = None
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(settings.concurrent_updates)
        self._tasks: set[asyncio.Task[None]] = set()
        self._backoff = 0
        self.handled = 0
        """Updates received and done with (handled, or dropped as a re-delivery)."""
        self._handled_changed = asyncio.Condition()

    # what flows may ask

    def deep_link(self, payload: str) -> str | None:
        """Zalo has no start parameter: invitations and check-in codes are typed."""
        return None

    async def fetch_file(self, ref: str, max_bytes: int) -> bytes | None:
        """A picture someone sent: Zalo gives its URL."""
        import httpx

        async with httpx.AsyncClient(timeout=20) as http, http.stream("GET", ref) as response:
            response.raise_for_status()
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > max_bytes:
                    return None
            return bytes(data)

    async def wait_handled(self, count: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until `count` updates have been handled since the start (tests and the sandbox)."""
        async with asyncio.timeout(timeout), self._handled_changed:
            await self._handled_changed.wait_for(lambda: self.handled >= count)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.zalo_webhook_secret)

    # lifecycle

    async def start(self) -> None:
        """Check the token, then poll or register the webhook."""
        try:
            await self.client.get_me()
        except (ZaloUnauthorized, ZaloNotFound):
            raise TokenRejected("Zalo rejected the bot token") from None
        except ZaloTransientError as exc:
            raise ApiUnreachable(f"Zalo's Bot API: {type(exc).__name__}") from None
        self.vocabulary = self._vocabulary()
        if self.webhook_mode:
            web = self.runtime.web
            assert web is not None and self.settings.public_base_url
            path = web.add_hook(CHANNEL, self.webhook)
            self.runtime.inbox.serve(CHANNEL, self.process_recorded)
            url = self.settings.public_base_url.rstrip("/") + "/" + path
            try:
                await self.client.set_webhook(url, self.settings.zalo_webhook_secret or "")
            except ZaloBadRequest as exc:
                raise WebhookRefused("Zalo", "PUBLIC_BASE_URL", exc.description) from None
            return
        with contextlib.suppress(ZaloApiError):
            await self.client.delete_webhook()
        self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        await cancel_and_wait(self._poller, self._tasks)
        self._poller = None
        await self.client.aclose()

    def _vocabulary(self) -> Vocabulary:
        router, i18n = self.runtime.router, self.runtime.i18n
        labels = [
            i18n.translator(locale).gettext(e.label)
            for e in router.menu_entries
            for locale in SUPPORTED_LOCALES
        ]
        return Vocabulary.build(router.commands, labels)

    # receiving

    async def _poll(self) -> None:
        """getUpdates returns one update at a time; each is handled in its own task (chats in parallel)."""
        pause = 0.5
        while True:
            try:
                update = await self.client.get_updates(timeout=POLL_TIMEOUT)
            except asyncio.CancelledError:
                raise
            except ZaloTransientError:
                self.runtime.connection_lost(self.name)
                pause = min(pause * 2, 60.0)
                await asyncio.sleep(pause)
                continue
            except Exception:
                logger.exception("Zalo polling failed; retrying")
                await asyncio.sleep(5)
                continue
            pause = 0.5
            self.runtime.connection_back(self.name)
            if update is not None:
                self.receive(update)

    async def webhook(self, request: web.Request) -> web.Response:
        """Zalo's push: refused without the secret header; 200 once the update is in the inbox (or was
        already), 503 when it could not be recorded or the bot is starting or stopping (Zalo delivers it
        again)."""
        from aiohttp import web

        from bot.runtime.web import accept_update, require_secret

        require_secret(request, SECRET_HEADER, self.settings.zalo_webhook_secret, "Zalo")
        try:
            update = parse_update(await request.json())
        except ValueError:
            raise web.HTTPBadRequest() from None
        if update is None:
            return web.json_response({"ok": True})
        return await accept_update(self.runtime, CHANNEL, update_key(update), update.chat_id, update.raw)

    async def process_recorded(self, payload: dict[str, Any], receipt: Receipt) -> None:
        """A recorded update, handled like a polled one (its turn marks it handled in the inbox)."""
        update = parse_update(payload)
        if update is not None:
            await self.handle_update(update, receipt)

    def receive(self, update: ZaloUpdate) -> asyncio.Task[None]:
        task = asyncio.create_task(self.handle_update(update), name=f"zalo-{update.message_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def handle_update(self, update: ZaloUpdate, receipt: Receipt | None = None) -> None:
        """One update, after the chat's earlier ones; at most `concurrent_updates` chats at once. With the
        `receipt` of its inbox row, that row is marked handled in the turn's transaction."""
        try:
            if not update.sender_is_bot and self.runtime.started:
                await self._handle(update, receipt)
        finally:
            async with self._handled_changed:
                self.handled += 1
                self._handled_changed.notify_all()

    async def _handle(self, update: ZaloUpdate, receipt: Receipt | None) -> None:
        lock = self._locks.setdefault(update.chat_id, asyncio.Lock())
        async with lock, self._slots:
            hooks = _Turn(self, update)
            sender = Sender(
                CHANNEL, update.sender_id, update.chat_id, update.display_name or "", None, update.is_private
            )
            inp = Input(sender, Unsupported(), update.message_id)
            outputs = await self.runtime.handle(inp, hooks, receipt=receipt)
            if not outputs:
                messages = []
            elif hooks.rendered is not None:
                messages = hooks.rendered.messages
            else:
                messages = hooks.direct(outputs)
            t = hooks.t or self.runtime.i18n.translator(None)
            for message in messages:
                try:
                    await self._answer(update.chat_id, message, t)
                except Exception:
                    logger.exception("could not answer a Zalo message")
                    break
        if not lock.locked() and len(self._locks) > 10_000:
            self._locks.pop(update.chat_id, None)

    # sending

    async def _answer(self, chat_id: str, message: Message, t: Translator) -> str:
        """A direct answer: paced, and "Quota exceeded" waited out (a few times) instead of dropping it."""
        for attempt in range(len(RETRY_PAUSE)):
            try:
                return await self._send(chat_id, message, paced=True, t=t)
            except ZaloRateLimited as exc:
                if attempt == len(RETRY_PAUSE) - 1:
                    raise
                await asyncio.sleep(exc.retry_after or RETRY_PAUSE[attempt])
        raise AssertionError("unreachable")

    async def _send(
        self,
        chat_id: str,
        message: Message,
        *,
        paced: bool,
        t: Translator,
        blobs: BlobLoader | None = None,
    ) -> str:
        if paced:
            while (wait := self.pacer.overall_wait(time.monotonic())) > 0:  # noqa: ASYNC110 - a token bucket
                await asyncio.sleep(wait)
            self.pacer.take_overall(time.monotonic())
        if message.image is not None:
            url = await self._link(message.image, blobs)
            if url is not None:
                sent = await self.client.send_photo(chat_id, url, message.text or None)
                return sent.message_id
        text = message.text
        if message.document is not None:
            url = await self._link(message.document, blobs)
            text = f"{text}\n{url or t.gettext(NO_LINK)}"
        sent = await self.client.send_message(chat_id, text)
        return sent.message_id

    async def _link(self, attachment: Attachment, blobs: BlobLoader | None) -> str | None:
        """A signed link to the file (stored first when it came with the reply itself)."""
        web = self.runtime.web
        if web is None or web.links is None:
            return None
        services = self.runtime.services
        blob_id = attachment.blob_id
        if blob_id is None:
            blob_id = await services.outbox.save_blob(
                attachment.filename,
                attachment.mime_type,
                await attachment.content(),
                now=services.clock.now(),
            )
        return web.links.url(blob_id, attachment.filename or "file", now=services.clock.now())

    async def deliver(self, message: QueuedMessage, blobs: BlobLoader) -> str | None:
        """A queued message: rendered in the recipient's language, its list remembered, then sent."""
        services = self.runtime.services
        member = await services.members.get(message.member_id) if message.member_id is not None else None
        t = self.runtime.i18n.translator(member.locale if member else None)
        rendered = render([message.reply], t)
        if member is not None and rendered.items:
            await self._remember(member.id, rendered.items, by_reply=False)
        last = None
        try:
            for part in rendered.messages:
                last = await self._send(message.chat_id, part, paced=False, t=t, blobs=blobs)
        except ZaloRateLimited as exc:
            pause = exc.retry_after or RETRY_PAUSE[self._backoff]
            self._backoff = min(self._backoff + 1, len(RETRY_PAUSE) - 1)
            raise RateLimited(pause, "429 Quota exceeded") from exc
        except ZaloForbidden as exc:
            raise Unreachable(exc.description) from exc
        except ZaloBadRequest as exc:
            if "not found" in exc.description.lower() or "never" in exc.description.lower():
                raise Unreachable("has not written to the bot on Zalo") from exc
            raise Rejected(exc.description) from exc
        except ZaloTransientError as exc:
            raise TransientFailure(str(exc)) from exc
        self._backoff = 0
        return last

    async def _remember(self, member_id: int, items: list[ListItem], *, by_reply: bool) -> None:
        """Make `items` the person's current list; a list arriving on its own while another one is being
        answered makes the next typed number ambiguous (answered with the current list)."""
        state = self.runtime.services.channel_state
        now = self.runtime.clock.now()
        contested = False
        if not by_reply:
            current = await state.current_list(member_id, CHANNEL)
            contested = current is not None and current.by_reply and now - current.shown_at < ACTIVE_LIST
        await state.show_list(
            member_id,
            CHANNEL,
            [_item_json(i) for i in items],
            by_reply=by_reply,
            contested=contested,
            now=now,
        )

    async def post_card(self, chat_id: str, reply: Reply) -> CardRef | None:
        t = self.runtime.i18n.translator(None)
        rendered = render([reply], t)
        last = ""
        try:
            for part in rendered.messages:
                last = await self._answer(chat_id, part, t)
        except Exception:
            logger.warning("could not post a message to a Zalo chat")
            return None
        return CardRef(self.name, chat_id, last)

    async def update_card(self, card: CardRef, reply: Reply, *, final: bool = False) -> None:
        """Zalo cannot edit: only the final state of a card is sent, as a new message."""
        if final:
            await self.post_card(card.chat_id, reply)


@dataclass
class _Turn:
    """Zalo's part of one turn, inside its transaction: de-duplication, the numbered list, the rendering."""

    channel: ZaloChannel
    update: ZaloUpdate
    rendered: Rendered | None = None
    member: Member | None = None
    t: Translator | None = None
    chose_from_list: bool = False
    _replies: list[Output] = field(default_factory=list)

    async def prepare(self, inp: Input, member: Member) -> Input | Reply | None:
        runtime = self.channel.runtime
        state = runtime.services.channel_state
        if not await state.first_time(CHANNEL, update_key(self.update), now=runtime.clock.now()):
            logger.info("a Zalo update was delivered again; it was handled already")
            return None
        self.member = member
        self.t = runtime.i18n.translator(member.locale)
        current = await state.current_list(member.id, CHANNEL)
        items = [_item_from(i) for i in current.items] if current else None
        in_dialog = await runtime.services.dialogs.get(member.id, CHANNEL) is not None
        event = to_event(
            self.update,
            items,
            self.channel.vocabulary,
            list_is_current=not (current and current.contested),
            in_dialog=in_dialog,
        )
        if isinstance(event, StaleNumber):
            return await self._stale(member, items)
        self.chose_from_list = items is not None and _from_list(event)
        return Input(inp.sender, event, inp.id)

    async def _stale(self, member: Member, items: list[ListItem] | None) -> Reply:
        """A number for a list that is gone or was replaced: say so and show the current list."""
        assert self.t is not None
        t = self.t
        if not items:
            return Reply(t.gettext("That list is out of date. Type what you need, or /help."))
        await self.channel.runtime.services.channel_state.settle_list(member.id, CHANNEL)
        text = numbered(t.gettext("That list is out of date. The current list is:"), items, t)
        self.rendered = Rendered([Message(text)], None)
        return Reply(text)

    async def finish(self, turn: Turn) -> None:
        assert self.t is not None and self.member is not None
        self.rendered = render(turn.outputs, turn.t)
        state = self.channel.runtime.services.channel_state
        if self.rendered.items is not None:
            await state.show_list(
                self.member.id,
                CHANNEL,
                [_item_json(i) for i in self.rendered.items],
                by_reply=True,
                contested=False,
                now=turn.now,
            )
        elif self.chose_from_list or self.rendered.messages:
            # The answer on screen has no list: a number typed next is an answer, not a choice.
            await state.show_list(self.member.id, CHANNEL, [], by_reply=True, contested=False, now=turn.now)

    def direct(self, outputs: list[Output]) -> list[Message]:
        """Replies made outside a turn's flow (an apology after an error)."""
        return render(outputs, self.t or self.channel.runtime.i18n.translator(None)).messages


def update_key(update: ZaloUpdate) -> str:
    """What identifies an update delivered again: its event and message id (as `handled_updates` keeps
    them), or a hash of its content when it has no message id (Zalo's updates carry no update id)."""
    if update.message_id:
        return "|".join(update.key)
    content = json.dumps(update.raw, ensure_ascii=False, sort_keys=True).encode()
    return "sha256:" + hashlib.sha256(content).hexdigest()


def _item_json(item: ListItem) -> dict[str, str]:
    data = {"label": item.label}
    if item.more:
        data["more"] = "1"
    if item.token is not None:
        data["token"] = item.token
    if item.typed is not None:
        data["typed"] = item.typed
    return data


def _item_from(data: dict[str, str]) -> ListItem:
    return ListItem(data.get("label", ""), data.get("token"), data.get("typed"), bool(data.get("more")))


def _from_list(event: object) -> bool:
    from bot.conversation.inputs import Chose

    return isinstance(event, Chose)
