"""What the Telegram and the Zalo emulators hold and answer alike: a bot token's state (long polls, faults,
recorded calls, its webhook pusher) and the server's per-token API over it (inspection, faults, stopping)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from aiohttp import web

from bot.emulator.common import (
    LoopbackServer,
    VersionedChat,
    Waiter,
    Webhook,
    WebhookDelivery,
    WebhookPusher,
    feed,
    wait_matching,
)

JSON = "application/json"


def same_name(method: str) -> str:
    return method


@dataclass
class Call:
    """One API call the bot made (getUpdates excepted), as recorded by the emulator."""

    index: int
    method: str
    params: dict
    ok: bool
    result: Any
    error_code: int | None
    description: str | None
    time: float
    chat_id: int | str | None

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Fault:
    """The next `count` calls of `method` (None: every method but getUpdates; optionally to one chat)
    misbehave: answer `error_code`, drop the connection, or wait `delay` seconds first."""

    method: str | None = None
    count: int = 1
    chat_id: int | str | None = None
    error_code: int | None = None
    description: str | None = None
    retry_after: int | None = None
    drop: bool = False
    delay: float = 0.0


def call_filter(
    method: str | None,
    chat_id: Hashable | None,
    ok: bool | None,
    method_key: Callable[[str], str] = same_name,
) -> Callable[[Call], bool]:
    """Whether a recorded call is of `method` (compared by `method_key`), to `chat_id`, and `ok`."""
    wanted = None if method is None else method_key(method)

    def match(call: Call) -> bool:
        return (
            (wanted is None or method_key(call.method) == wanted)
            and (chat_id is None or call.chat_id == chat_id)
            and (ok is None or call.ok == ok)
        )

    return match


class EmulatedBot:
    """Everything an emulator holds for one bot token that both platforms share.

    `generation` moves on when a newer long poll supersedes the parked ones (or on stop and reset), and
    `parked` lists the generations of the long polls parked now. Subclasses set `pusher` and the rest of
    their state in `clear()`.
    """

    method_key: ClassVar[Callable[[str], str]] = staticmethod(same_name)
    """How method names compare (Telegram's are case-insensitive)."""

    pusher: WebhookPusher
    chats: dict[Any, VersionedChat]

    def __init__(self, token: str) -> None:
        self.token = token
        self.generation = 0
        self.parked: list[int] = []
        self._update_event = asyncio.Event()
        self._poll_event = asyncio.Event()
        self.calls: list[Call] = []
        self.call_waiters: list[Waiter] = []
        self.faults: list[Fault] = []

    def clear_calls(self) -> None:
        """Forget the recorded calls, whoever waits for them, and the faults."""
        self.calls = []
        self.call_waiters = []
        self.faults = []

    # --- updates and long polls -------------------------------------------------------------

    def pulse_updates(self) -> None:
        """Wake the parked long polls (an update arrived, or they must end)."""
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _pulse_polls(self) -> None:
        event, self._poll_event = self._poll_event, asyncio.Event()
        event.set()

    @contextlib.contextmanager
    def parked_poll(self, generation: int) -> Iterator[None]:
        """A long poll of `generation` is parked for the time of the block."""
        self.parked.append(generation)
        self._pulse_polls()
        try:
            yield
        finally:
            self.parked.remove(generation)
            self._pulse_polls()

    async def next_pulse(self, deadline: float) -> bool:
        """Wait for the next `pulse_updates` until `deadline` (the loop's time); False once time is up."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        try:
            async with asyncio.timeout(remaining):
                await self._update_event.wait()
        except TimeoutError:
            return False
        return True

    def is_polling(self) -> bool:
        return bool(self.parked)

    async def wait_polling(self, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not self.is_polling():
                await self._poll_event.wait()

    # --- calls and faults -------------------------------------------------------------------

    def record(self, call: Call) -> None:
        self.calls.append(call)
        feed(self.call_waiters, call)

    def start_index(self, since: float | None) -> int:
        """The index of the first call at or after `since`: a call index, or a monotonic time."""
        if since is None:
            return 0
        if isinstance(since, int):
            return max(0, since)
        for call in self.calls:
            if call.time >= since:
                return call.index
        return len(self.calls)

    def take_fault(self, method: str, chat_id: Any) -> Fault | None:
        """The fault the call of `method` to `chat_id` meets, if any (it counts as used)."""
        key = self.method_key(method)
        for fault in self.faults:
            if fault.method is None:
                if key == self.method_key("getUpdates"):
                    continue
            elif self.method_key(fault.method) != key:
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            fault.count -= 1
            if fault.count <= 0:
                self.faults.remove(fault)
            return fault
        return None


async def fault_dropped(request: web.Request, fault: Fault) -> web.Response | None:
    """Wait out the fault's delay; when it drops the connection, do so (the response reaches no one)."""
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if not fault.drop:
        return None
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)


def api_response(
    payload: dict,
    status: int = 200,
    *,
    default: Callable[[Any], Any],
    headers: dict[str, str] | None = None,
) -> web.Response:
    """An API answer: JSON with non-ASCII kept; values JSON cannot hold go through `default`."""
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False, default=default).encode(),
        status=status,
        content_type=JSON,
        headers=headers,
    )


def describe_upload(value: Any) -> Any:
    """A parameter as recorded: an uploaded file becomes {filename, content_type}, not an open file."""
    if hasattr(value, "file"):
        return {"filename": value.filename, "content_type": value.content_type}
    return value


async def request_params(
    request: web.Request,
    *,
    convert: Callable[[str, Any], Any] = lambda key, value: value,
    null_body: bool = False,
) -> dict:
    """An API call's parameters: the query string and a form or multipart body (each value through
    `convert`), and a JSON object body (as sent; JSON `null` too with `null_body`). Another JSON body
    raises ValueError."""
    raw: dict[str, Any] = dict(request.query) if request.query_string else {}
    body: dict = {}
    if request.body_exists:
        content_type = request.content_type
        if content_type == JSON:
            body = await _json_body(request, null_body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raw.update(await request.post())
    return {**{key: convert(key, value) for key, value in raw.items()}, **body}


async def _json_body(request: web.Request, null_body: bool) -> dict:
    try:
        body = await request.json()
    except json.JSONDecodeError as error:
        raise ValueError("invalid JSON") from error
    if body is None and null_body:
        return {}
    if not isinstance(body, dict):
        raise ValueError("JSON body must be an object")
    return body


class EmulatorServer(LoopbackServer):
    """A loopback API server holding an `EmulatedBot` per token, with the Python API both emulators share."""

    null_body: ClassVar[bool] = False
    """Whether a JSON `null` body reads as no parameters (else it is refused)."""

    def __init__(self, host: str, port: int, *, client_max_size: int) -> None:
        super().__init__(host, port, client_max_size=client_max_size)
        self._states: dict[str, Any] = {}

    @staticmethod
    def parse_param(key: str, value: Any) -> Any:
        """A query-string or form value as the platform reads it (by default: the string as sent)."""
        return value

    async def call_params(self, request: web.Request) -> tuple[dict, dict]:
        """An API call's parameters, and the same as recorded (uploads described); ValueError when the
        body cannot be read."""
        params = await request_params(request, convert=self.parse_param, null_body=self.null_body)
        return params, {key: describe_upload(value) for key, value in params.items()}

    def new_state(self, token: str) -> Any:
        """The state of a token seen for the first time."""
        raise NotImplementedError

    def chat_key(self, chat_id: Any) -> Hashable | None:
        """A chat id as the state's chats are keyed."""
        raise NotImplementedError

    def bot_state(self, token: str) -> Any:
        state = self._states.get(token)
        if state is None:
            state = self._states[token] = self.new_state(token)
        return state

    async def stop(self) -> None:
        """Stop serving: parked long polls (the bot's and a sandbox page's) end at once, pushes stop."""
        for state in self._states.values():
            state.generation += 1
            state.pulse_updates()
            await state.pusher.stop()
            for chat in state.chats.values():
                chat.touch()
        await super().stop()

    def reset(self) -> None:
        """Forget every chat, update, call, delivery and fault of every bot (settings stay)."""
        for state in self._states.values():
            state.clear()

    # --- user-side actions ------------------------------------------------------------------

    async def send_text(self, token: str, user: Any, text: str) -> dict:
        raise NotImplementedError

    async def send_texts(self, token: str, items: list[tuple[Any, str]]) -> list[dict]:
        """Many users' texts at once (for load tests)."""
        return [await self.send_text(token, user, text) for user, text in items]

    # --- faults -----------------------------------------------------------------------------

    def inject_fault(
        self,
        token: str,
        method: str | None = None,
        *,
        count: int = 1,
        chat_id: int | str | None = None,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        drop: bool = False,
        delay: float = 0.0,
    ) -> None:
        """The next `count` calls of `method` (None: any but getUpdates) fail (error_code), drop the
        connection, or are delayed."""
        if error_code is None and not drop and not delay:
            raise ValueError("a fault needs error_code, drop or delay")
        fault = Fault(method, count, chat_id, error_code, description, retry_after, drop, delay)
        self.bot_state(token).faults.append(fault)

    # --- inspection -------------------------------------------------------------------------

    def calls(
        self,
        token: str,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        ok: bool | None = None,
    ) -> list[Any]:
        """The bot's recorded calls (all but getUpdates), oldest first, optionally filtered."""
        state = self.bot_state(token)
        match = call_filter(method, self.chat_key(chat_id), ok, state.method_key)
        return [call for call in state.calls if match(call)]

    async def wait_for(
        self,
        token: str,
        *,
        chat_id: int | str | None = None,
        method: str | None = None,
        count: int = 1,
        since: float | None = None,
        ok: bool | None = None,
        timeout: float = 10,
    ) -> list[Any]:
        """Wait until `count` matching calls exist after `since` (call index or monotonic time)."""
        state = self.bot_state(token)
        match = call_filter(method, self.chat_key(chat_id), ok, state.method_key)
        start = state.start_index(since)
        what = f"{method or 'any'} call(s) to chat {chat_id}"
        try:
            return await wait_matching(state.call_waiters, state.calls[start:], match, count, timeout, what)
        except TimeoutError as error:
            seen = ", ".join(f"{c.method}→{c.chat_id}" for c in state.calls[start:][-10:])
            raise TimeoutError(f"{error}; last calls: {seen or 'none'}") from None

    def mark(self, token: str) -> int:
        """The index the next recorded call will get; pass it as `since` to wait_for."""
        return len(self.bot_state(token).calls)

    async def wait_polling(self, token: str, timeout: float = 10) -> None:
        """Wait until the bot has a long poll parked (it is up and listening)."""
        await self.bot_state(token).wait_polling(timeout)

    def pending_updates(self, token: str) -> int:
        return len(self.bot_state(token).updates)

    def webhook(self, token: str) -> dict | None:
        """The webhook the bot set ({url, secret_token}), or None while it polls."""
        hook: Webhook | None = self.bot_state(token).pusher.webhook
        return {"url": hook.url, "secret_token": hook.secret_token} if hook else None

    def deliveries(self, token: str, since: int = 0) -> list[WebhookDelivery]:
        """Every attempt to push an update to the webhook, oldest first."""
        return self.bot_state(token).pusher.deliveries[since:]

    async def wait_deliveries(
        self, token: str, *, count: int = 1, since: int = 0, ok: bool | None = None, timeout: float = 10
    ) -> list[WebhookDelivery]:
        """Wait until `count` webhook attempts (successful ones with ok=True) exist at or after `since`."""
        pusher = self.bot_state(token).pusher
        return await pusher.wait_deliveries(count=count, since=since, ok=ok, timeout=timeout)

    def chat(self, token: str, chat_id: Any) -> Any:
        """The chat's state, or None when the chat is unknown."""
        return self.bot_state(token).chats.get(self.chat_key(chat_id))

    def chat_action(self, token: str, chat_id: int | str) -> str | None:
        """The chat action ("typing", "upload_document", ...) the bot showed since its last message."""
        chat = self.chat(token, chat_id)
        return chat.action if chat else None

    def chat_version(self, token: str, chat_id: int | str) -> int:
        chat = self.chat(token, chat_id)
        return chat.version if chat else 0
