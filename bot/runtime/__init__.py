"""The composition root: services, the conversation router, channels, the scheduler and the delivery worker.

    runtime = Runtime(settings)
    runtime.add_channel(TelegramChannel(runtime, settings))
    await runtime.start()          # database, services, hooks, delivery, scheduler, then the channels
    ...
    await runtime.stop()

Channels hand every input to `handle()`: one turn runs in one database transaction (the member lookup, the
flow's use cases with their audit lines, outbox messages and tasks, and the dialog state) and returns the
replies for the channel to send once it has committed. In webhook mode the input comes from the inbox
(`bot/runtime/inbox.py`) with a receipt, and the inbox row is marked handled in that same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from typing import TYPE_CHECKING, Protocol

from bot.channels.base import ApiUnreachable
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation.inputs import Input
from bot.conversation.markup import esc
from bot.conversation.replies import Output, Reply
from bot.conversation.router import Router
from bot.conversation.turn import ChannelInfo, PlainChannel, Turn
from bot.core.models import Member
from bot.i18n import I18n
from bot.logs import bind, redact
from bot.runtime.delivery import DeliveryWorker
from bot.runtime.describe import describe
from bot.runtime.inbox import Inbox, Receipt
from bot.runtime.links import FileLinks
from bot.runtime.memory import release_free_memory
from bot.runtime.pacing import SharedPacer
from bot.runtime.scheduler import Scheduler
from storage import faq
from storage.inbox import ClaimLost
from storage.rate import SendRateBucket

if TYPE_CHECKING:
    import socket

    from bot.channels.base import CardRef, Channel
    from bot.runtime.web import WebServer
    from bot.services import Services
    from storage.db import Database

logger = logging.getLogger("bot.errors")
OPS_TRACE_LIMIT = 3500
MAX_RETRY_PAUSE = 60.0


class TurnHooks(Protocol):
    """A channel's own bookkeeping inside a turn's transaction (Zalo: de-duplication, numbered lists)."""

    async def prepare(self, inp: Input, member: Member) -> Input | Reply | None:
        """Before any flow: the input to handle, a reply that answers it instead, or None to drop it."""

    async def finish(self, turn: Turn) -> None:
        """After the flow, before the commit."""


class Runtime:
    """One bot process: everything wired, started and stopped in order."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        i18n: I18n | None = None,
        router: Router | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.i18n = i18n or I18n.load(tz=settings.timezone)
        if router is None:
            import handlers

            router = Router()
            handlers.register_all(router)
        self.router = router
        self.router.prepare(self.i18n)
        self.channels: dict[str, Channel] = {}
        self.web: WebServer | None = None
        self._outages: dict[str, float] = {}
        self._background: set[asyncio.Task[object]] = set()
        self.delivery = DeliveryWorker(self)
        self.scheduler = Scheduler(self)
        self.inbox = Inbox(self)
        self._services: Services | None = None
        self._receiving = False

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the runtime has not started")
        return self._services

    @property
    def started(self) -> bool:
        return self._services is not None

    @property
    def receiving(self) -> bool:
        """Every channel has started receiving (and the runtime is not stopping)."""
        return self._receiving

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel

    def channel_info(self, name: str) -> ChannelInfo:
        channel = self.channels.get(name)
        return channel if channel is not None else PlainChannel(name)

    async def start(self, *, receive: bool = True) -> None:
        """Open the database, run start-up hooks, start delivery and the scheduler, then the channels; on a
        failure everything started is stopped again before the error is raised."""
        from bot.services import Services

        self._services = await Services.create(self.settings, self.clock, i18n=self.i18n)
        try:
            db = self._services.db
            db.listen("outbox", self.delivery.wake)
            db.listen("tasks", self.scheduler.wake)
            db.listen(faq.TOPIC, self._faq_added)
            await self._faq_catch_up()
            for hook in self.router.startup_hooks:
                await hook(self)
            if db.shared:
                self._share_pacing(db)
            await self.delivery.start()
            await self.scheduler.start(self.settings.tick_seconds)
            if self.settings.needs_web_server and self.web is None:
                self.web = self.make_web_server()
            if self.web is not None:
                await self.web.start()
            if receive:
                await self.start_channels()
                await self.inbox.start()
                self._receiving = True
            release_free_memory()  # what start-up allocated and freed goes back to the system
        except BaseException:
            await self.stop()  # a failed start leaves no worker or database thread keeping the process alive
            raise

    def _share_pacing(self, db: Database) -> None:
        """Several replicas share the database: each channel's rate and pauses are shared through it."""
        bucket = SendRateBucket(db)
        for channel in self.channels.values():
            local = channel.pacer.local if isinstance(channel.pacer, SharedPacer) else channel.pacer
            channel.pacer = SharedPacer(channel.name, local, bucket)

    async def start_channels(self) -> None:
        """Start each channel; an unreachable API is tried again with capped exponential back-off (one log
        line a try) for STARTUP_RETRY_SECONDS, then `ApiUnreachable`; a rejected token raises at once."""
        for channel in self.channels.values():
            deadline = time.monotonic() + self.settings.startup_retry_seconds
            pause = 1.0
            attempt = 1
            while True:
                try:
                    await channel.start()
                    break
                except ApiUnreachable as exc:
                    wait = min(pause, deadline - time.monotonic())
                    if wait <= 0:
                        raise
                    logger.warning(
                        "%s API unreachable at start (attempt %d: %s); trying again in %.0f s",
                        channel.name,
                        attempt,
                        exc,
                        wait,
                    )
                    await asyncio.sleep(wait)
                    pause, attempt = min(pause * 2, MAX_RETRY_PAUSE), attempt + 1

    def connection_lost(self, channel: str) -> None:
        """A channel lost its connection to its platform (one log line; the channel keeps trying)."""
        if channel not in self._outages:
            self._outages[channel] = time.monotonic()
            logger.warning("lost the connection to %s; retrying", channel)

    def connection_back(self, channel: str) -> None:
        """The connection is back: one log line, and the outage's length to the operators' chat."""
        started = self._outages.pop(channel, None)
        if started is None:
            return
        seconds = time.monotonic() - started
        logger.warning("the connection to %s is back after %.0f s", channel, seconds)
        if self.settings.ops_chat_id and "telegram" in self.channels:
            text = (
                f"Kết nối tới {channel} bị gián đoạn {seconds:.0f} giây — "
                f"{channel} was unreachable for {seconds:.0f} s."
            )
            task = asyncio.get_running_loop().create_task(
                self.post_card("telegram", str(self.settings.ops_chat_id), Reply(text))
            )
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _faq_catch_up(self) -> None:
        """Answer with the FAQ entries added in the database too; a problem with them is logged and the bot
        goes on with the knowledge base it has (it must not stop the bot: only the database holds them)."""
        try:
            await self.services.faq.catch_up()
        except Exception:
            logger.exception("could not load the FAQ entries added in the database")

    def _faq_added(self) -> None:
        """A replica sharing the database added an FAQ entry from the chat: answer with it here too."""
        task = asyncio.get_running_loop().create_task(self._faq_catch_up())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def make_web_server(
        self,
        *,
        host: str = "0.0.0.0",  # noqa: S104 - behind the host's proxy
        sock: socket.socket | None = None,
    ) -> WebServer:
        """The bot's web server: download links need PUBLIC_BASE_URL (the public address of its root); on
        `sock` (bound already) instead of host and PORT when given."""
        from bot.runtime.web import WebServer  # aiohttp costs ~10 MiB: only when a web server is needed

        settings = self.settings
        links = None
        if settings.public_base_url:
            links = FileLinks(settings.public_base_url, FileLinks.key_from(*settings.secrets))
        return WebServer(self, host=host, port=settings.port, links=links, sock=sock)

    async def stop(self) -> None:
        """Stop receiving, let turns and sends in flight finish, close the database."""
        self._receiving = False
        await self.inbox.stop()
        for channel in self.channels.values():
            try:
                await channel.stop()
            except Exception:
                logger.exception("could not stop the %s channel cleanly", channel.name)
        await self.scheduler.stop()
        await self.delivery.stop()
        if self.web is not None:
            await self.web.stop()
        for channel in self.channels.values():
            if isinstance(channel.pacer, SharedPacer):
                await channel.pacer.close()
        services, self._services = self._services, None
        if services is not None:
            await services.close()

    async def process_due_now(self) -> None:
        """Run due tasks and wake the delivery worker (after the sandbox or test clock moved)."""
        await self.scheduler.run_due()
        self.delivery.wake()

    def wake(self) -> None:
        self.scheduler.wake()
        self.delivery.wake()

    async def handle(
        self, inp: Input, hooks: TurnHooks | None = None, *, receipt: Receipt | None = None
    ) -> list[Output]:
        """Run one turn for this input, in one transaction; the replies to send once it has committed.

        With the `receipt` of an inbox row, the row is marked handled in the turn's transaction, and a turn
        that fails is tried again later (no apology until the inbox gives up on it)."""
        with bind(update=f"{inp.channel}:{inp.id or '-'}"):
            return await self._handle(inp, hooks, receipt)

    async def _handle(self, inp: Input, hooks: TurnHooks | None, receipt: Receipt | None) -> list[Output]:
        services = self.services
        turn: Turn | None = None
        try:
            async with services.db.transaction(reads_first=True):
                if receipt is not None:
                    await receipt.settle()
                sender = inp.sender
                seated = await services.dialogs.with_member(sender.channel, sender.account_id)
                found, found_state = seated if seated is not None else (None, None)
                member = await services.members.welcome(
                    found,
                    sender.channel,
                    sender.account_id,
                    chat_id=sender.chat_id if sender.private else sender.account_id,
                    display_name=sender.display_name,
                    username=sender.username,
                )
                if hooks is not None:
                    prepared = await hooks.prepare(inp, member)
                    if not isinstance(prepared, Input):
                        return [prepared] if prepared is not None else []
                    inp = prepared
                state = (
                    found_state
                    if found is not None and inp.channel == sender.channel
                    else await services.dialogs.get(member.id, inp.channel)
                )
                turn = Turn(
                    input=inp,
                    member=member,
                    services=services,
                    channel=self.channel_info(inp.channel),
                    state=state,
                    now=self.clock.now(),
                    router=self.router,
                )
                await self.router.dispatch(turn)
                if turn.state_changed:
                    await services.dialogs.save(member.id, inp.channel, turn.state, now=turn.now)
                if hooks is not None:
                    await hooks.finish(turn)
        except Exception as error:
            if isinstance(error, ClaimLost):
                logger.warning("%s was taken over by another replica: its claim ran out", describe(inp))
            else:
                logger.exception("unhandled error while handling %s", describe(inp))
            if receipt is not None and await receipt.retry_later(error):
                return []
            await self.report_error(describe(inp), error)
            member = turn.member if turn is not None else None
            return [self.apology(member)]
        return turn.outputs

    def apology(self, member: Member | None) -> Reply:
        t = self.i18n.translator(member.locale if member else None)
        return Reply(
            t.gettext(
                "Sorry, something went wrong on my side and your last action may not have been "
                "completed. Please try again in a moment."
            )
        )

    async def report_error(self, where: str, error: BaseException) -> None:
        """Tell the operators' chat (OPS_CHAT_ID, on Telegram) what failed; ids only, never people's data."""
        ops_chat = self.settings.ops_chat_id
        channel = self.channels.get("telegram")
        if not ops_chat or channel is None:
            return
        trace = redact("".join(traceback.format_exception(error)))[-OPS_TRACE_LIMIT:]
        try:
            await channel.post_card(
                str(ops_chat), Reply(f"<b>Error</b> in {esc(where)}\n<pre>{esc(trace)}</pre>")
            )
        except Exception:
            logger.exception("could not report the error to the ops chat")

    async def post_card(self, channel: str, chat_id: str, reply: Reply) -> CardRef | None:
        """Post a message now that will be updated later (a broadcast's progress); None if it failed."""
        target = self.channels.get(channel)
        return await target.post_card(chat_id, reply) if target is not None else None

    async def update_card(self, card: CardRef, reply: Reply, *, final: bool = False) -> None:
        """Show `reply` in place of the card; `final` marks its last state (what edit-less channels send)."""
        target = self.channels.get(card.channel)
        if target is not None:
            await target.update_card(card, reply, final=final)
