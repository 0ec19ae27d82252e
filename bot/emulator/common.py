"""What the Telegram and the Zalo emulators share: serving on loopback, a chat's version, pushing updates to
a bot's webhook, the control API's JSON helpers and common routes, the control client's requests and waiters,
and the command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import ipaddress
import itertools
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.background import stop_on_signals

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- the server ----------------------------------------------------------------------------------


class LoopbackServer:
    """An aiohttp application served on a loopback address only; subclasses add routes to ``app``.

    Extra routes (a sandbox page) can be added to ``app`` before ``start()``.
    """

    handler_cancellation: ClassVar[bool] = False
    """Cancel a request's handler when its client disconnects."""

    def __init__(self, host: str, port: int, *, client_max_size: int) -> None:
        if not is_loopback(host):
            raise ValueError(f"the emulator only binds loopback addresses, not {host!r}")
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.app = web.Application(client_max_size=client_max_size)

    async def start(self) -> None:
        """Start serving; `port` is filled in when 0 was asked for."""
        extra = {"handler_cancellation": True} if self.handler_cancellation else {}
        self._runner = web.AppRunner(
            self.app, access_log=None, shutdown_timeout=0.5, handle_signals=False, **extra
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving (and close the emulator's own HTTP client)."""
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def http_client(self, timeout_s: float) -> aiohttp.ClientSession:
        """The emulator's own HTTP client (webhook pushes, fetches): no proxies, closed when it stops."""
        if self._http is None:
            timeout = aiohttp.ClientTimeout(total=timeout_s)
            self._http = aiohttp.ClientSession(timeout=timeout, trust_env=False)
        return self._http

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL: the token and then ``/<method>`` are appended (Zalo: ZALO_API_URL)."""
        return f"{self.origin}/bot"


# --- state ---------------------------------------------------------------------------------------


class VersionedChat:
    """A chat's version: every visible change bumps it, and whoever waits for a change wakes."""

    def __init__(self) -> None:
        self.version = 0
        self._changed = asyncio.Event()

    def touch(self) -> None:
        """Record a visible change and wake whoever waits for one."""
        self.version += 1
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_change(self, since: int, timeout: float) -> int:
        try:
            async with asyncio.timeout(timeout):
                while self.version <= since:
                    await self._changed.wait()
        except TimeoutError:
            pass
        return self.version


class _RecordedCall(Protocol):
    method: str
    error_code: int | None


def call_counts(calls: Iterable[_RecordedCall]) -> tuple[dict[str, int], dict[str, int]]:
    """Recorded calls counted per method, and the failed ones per error code."""
    per_method: dict[str, int] = {}
    errors: dict[str, int] = {}
    for call in calls:
        per_method[call.method] = per_method.get(call.method, 0) + 1
        if call.error_code:
            errors[str(call.error_code)] = errors.get(str(call.error_code), 0) + 1
    return per_method, errors


class Waiter:
    """Someone waiting until `count` items (calls, webhook pushes) match `predicate`."""

    __slots__ = ("count", "future", "matched", "predicate")

    def __init__(
        self, predicate: Callable[[Any], bool], count: int, matched: list, future: asyncio.Future
    ) -> None:
        self.predicate = predicate
        self.count = count
        self.matched = matched
        self.future = future


def feed(waiters: list[Waiter], item: Any) -> None:
    """A new item: wake the waiters it completes."""
    for waiter in list(waiters):
        if waiter.future.done():
            waiters.remove(waiter)
            continue
        if waiter.predicate(item):
            waiter.matched.append(item)
            if len(waiter.matched) >= waiter.count:
                waiter.future.set_result(list(waiter.matched))
                waiters.remove(waiter)


async def wait_matching(
    waiters: list[Waiter],
    existing: list,
    predicate: Callable[[Any], bool],
    count: int,
    timeout: float,
    what: str,
) -> list:
    """Wait until `count` items of `existing` (and items fed later) match `predicate`."""
    matched = [item for item in existing if predicate(item)]
    if len(matched) >= count:
        return matched
    future = asyncio.get_running_loop().create_future()
    waiters.append(Waiter(predicate, count, matched, future))
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        raise TimeoutError(f"waited {timeout}s for {count} {what}; matched {len(matched)}") from None


# --- webhooks ------------------------------------------------------------------------------------


@dataclass
class Webhook:
    """Where a bot asked its updates to be POSTed, and the secret every push carries in a header."""

    url: str
    secret_token: str


@dataclass
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook."""

    index: int
    url: str
    update: dict
    attempt: int
    secret_header: str | None
    status: int | None
    ok: bool
    error: str | None
    time: float

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def reachable_url(url: str, public_origins: dict[str, str]) -> str | None:
    """What an emulator may fetch for `url`: itself on loopback, mapped if a public origin, else None."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    mapped = public_origins.get(origin)
    if mapped is not None:
        return mapped + url[len(origin) :]
    if parts.hostname and is_loopback(parts.hostname):
        return url
    return None


@dataclass(frozen=True)
class PushPolicy:
    """How a platform pushes: tries per update, the pause after a failed one, where it may reach, and how
    many pushes may be under way at once (each chat's one at a time)."""

    attempts: int
    retry_s: float
    public_origins: dict[str, str]
    connections: int = 1


class WebhookPusher:
    """One bot's webhook and the pushing of its queued updates there: each chat's in order, one at a time.

    As Telegram's Bot API server does, up to `PushPolicy.connections` updates are POSTed at once, each the
    oldest queued update of a chat with none under way (`chat_of`; None: an update that waits for no other),
    looking no further than the first 2 × connections queued updates; with one connection every update waits
    for the one before it. An update is POSTed with the secret in `header`; it leaves the queue once the bot
    answers 2xx, or after `attempts` tries (each failure waits `retry_s`, its chat waiting meanwhile, and is
    kept as `last_error`). Deleting the webhook leaves the rest queued for getUpdates. `body` turns a queued
    item into the POSTed JSON, `update_of` into the update recorded with each attempt.
    """

    def __init__(
        self,
        header: str,
        *,
        body: Callable[[Any], Any],
        update_of: Callable[[Any], dict] = lambda item: item,
        chat_of: Callable[[Any], Hashable | None] = lambda item: None,
    ) -> None:
        self.header = header
        self._body = body
        self._update_of = update_of
        self._chat_of = chat_of
        self.webhook: Webhook | None = None
        self.deliveries: list[WebhookDelivery] = []
        self.waiters: list[Waiter] = []
        self.last_error: tuple[float, str] | None = None
        """(Unix time, what went wrong) of the latest failed push."""
        self._task: asyncio.Task[None] | None = None
        self._policy = PushPolicy(1, 0.0, {})
        self._changed = asyncio.Event()

    def kick(self, queue: deque, http: aiohttp.ClientSession, policy: PushPolicy) -> None:
        """Push `queue` to the webhook (a push under way takes the new updates in as well)."""
        if self.webhook is None or not queue:
            return
        self._policy = policy
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._push(queue, http))
        else:
            self._changed.set()

    def cancel(self) -> None:
        """Stop pushing (at once; pushes in flight are abandoned)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def stop(self) -> None:
        """Stop pushing and wait until the pushes in flight have ended."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _push(self, queue: deque, http: aiohttp.ClientSession) -> None:
        flying: dict[int, Hashable] = {}
        """The queued items being pushed (by identity), and their chats."""
        async with asyncio.TaskGroup() as pushes:
            while self.webhook is not None and queue:
                self._changed.clear()
                for item, chat in self._ready(queue, flying):
                    flying[id(item)] = chat
                    pushes.create_task(self._push_one(item, queue, http, flying))
                await self._changed.wait()

    def _ready(self, queue: deque, flying: dict[int, Hashable]) -> list[tuple[Any, Hashable]]:
        """Queued items to push now, oldest first: each the oldest of its chat, none of whose is in flight."""
        connections = max(1, self._policy.connections)
        free = connections - len(flying)
        waiting = set(flying.values())
        ready: list[tuple[Any, Hashable]] = []
        for item in itertools.islice(queue, 2 * connections):
            if len(ready) >= free:
                break
            if id(item) in flying:
                continue
            chat = self._chat_of(item)
            key: Hashable = ("chat", chat) if chat is not None else ("update", id(item))
            if key not in waiting:
                ready.append((item, key))
            waiting.add(key)
        return ready

    async def _push_one(self, item: Any, queue: deque, http: aiohttp.ClientSession, flying: dict) -> None:
        try:
            if await self._deliver(item, http, self._policy):
                for index, queued in enumerate(queue):
                    if queued is item:
                        del queue[index]
                        break
        finally:
            del flying[id(item)]
            self._changed.set()

    async def _deliver(self, item: Any, http: aiohttp.ClientSession, policy: PushPolicy) -> bool:
        """Push one item: True once done with (delivered or given up), False if the webhook went away."""
        body = json.dumps(self._body(item), ensure_ascii=False).encode()
        attempts = max(1, policy.attempts)
        for attempt in range(1, attempts + 1):
            hook = self.webhook
            if hook is None:
                return False
            target = reachable_url(hook.url, policy.public_origins)
            status: int | None = None
            error: str | None = None
            if target is None:
                error = "not delivered: the emulator only reaches loopback (map the origin: public_origins)"
            else:
                try:
                    headers = {"Content-Type": "application/json"}
                    if hook.secret_token:
                        headers[self.header] = hook.secret_token
                    async with http.post(target, data=body, headers=headers) as response:
                        status = response.status
                        await response.read()
                except (aiohttp.ClientError, TimeoutError) as failure:
                    error = f"{type(failure).__name__}: {failure}"
            ok = status is not None and 200 <= status < 300
            self._record(
                WebhookDelivery(
                    index=len(self.deliveries),
                    url=hook.url,
                    update=self._update_of(item),
                    attempt=attempt,
                    secret_header=hook.secret_token,
                    status=status,
                    ok=ok,
                    error=error,
                    time=time.monotonic(),
                )
            )
            if ok:
                return True
            self.last_error = (time.time(), error or f"Wrong response from the webhook: {status}")
            if attempt < attempts:
                await asyncio.sleep(policy.retry_s)
        return True

    def _record(self, delivery: WebhookDelivery) -> None:
        self.deliveries.append(delivery)
        feed(self.waiters, delivery)

    async def wait_deliveries(
        self, *, count: int = 1, since: int = 0, ok: bool | None = None, timeout: float = 10
    ) -> list[WebhookDelivery]:
        """Wait until `count` push attempts (successful ones with ok=True) exist at or after `since`."""

        def match(delivery: WebhookDelivery) -> bool:
            return ok is None or delivery.ok == ok

        existing = self.deliveries[since:]
        return await wait_matching(self.waiters, existing, match, count, timeout, "webhook push(es)")


# --- the control API -----------------------------------------------------------------------------


def bytes_as_size(value: Any) -> Any:
    """A JSON `default` that shows bytes as their size and anything else as its str()."""
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def json_ok(payload: Any, default: Callable[[Any], Any] = str) -> web.Response:
    """A control answer; values JSON cannot hold go through `default`."""
    return web.json_response(payload, dumps=lambda v: json.dumps(v, ensure_ascii=False, default=default))


def json_fail(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def guarded(handler: Handler, not_found: tuple[type[Exception], ...] = ()) -> Handler:
    """Missing or malformed fields answer 400 with a JSON explanation instead of a 500; `not_found` 404."""

    @functools.wraps(handler)
    async def guard(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as error:
            return json_fail(400, f"missing field {error}")
        except not_found as error:
            return json_fail(404, str(error))
        except (ValueError, TypeError) as error:
            return json_fail(400, str(error))

    return guard


async def json_object(request: web.Request, refuse: Callable[[str], Exception] = ValueError) -> dict:
    """The request's JSON object ({} without a body); another JSON value raises `refuse`."""
    if not request.body_exists:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise refuse("JSON object expected")
    return data


def ok_param(request: web.Request) -> bool | None:
    return {"true": True, "false": False}.get(request.query.get("ok", ""))


class ControlRoutes(web.RouteTableDef):
    """An emulator's control routes under `prefix`, with the answers and routes both emulators share.

    `user` reads a request's ``user`` object; `default` turns values JSON cannot hold into JSON; a body that
    is not a JSON object raises `refuse`; `not_found` errors answer 404 (`guarded`).
    """

    def __init__(
        self,
        emu: Any,
        prefix: str,
        *,
        user: Callable[[dict], Any],
        default: Callable[[Any], Any] = str,
        refuse: Callable[[str], Exception] = ValueError,
        not_found: tuple[type[Exception], ...] = (),
    ) -> None:
        super().__init__()
        self.emu = emu
        self.prefix = prefix
        self._user = user
        self._default = default
        self._refuse = refuse
        self._not_found = not_found

    def ok(self, payload: Any) -> web.Response:
        return json_ok(payload, self._default)

    async def body(self, request: web.Request) -> dict:
        return await json_object(request, self._refuse)

    def user(self, data: dict) -> Any:
        """The user a request's body names (``{"user": {...}}``)."""
        return self._user(data["user"])

    def mount(self, app: web.Application) -> None:
        """Add the routes to the emulator's application, each behind `guarded`."""
        for route in self:
            if isinstance(route, web.RouteDef):
                app.router.add_route(route.method, route.path, guarded(route.handler, self._not_found))

    async def history_request(self, request: web.Request) -> tuple[str, str]:
        """A history request's token and chat id, once the chat changed past `since` (if asked)."""
        token = request.match_info["token"]
        chat_id = request.query["chat_id"]
        if request.query.get("since"):
            timeout = float(request.query.get("timeout") or 25)
            await self.emu.wait_chat_change(token, chat_id, int(request.query["since"]), timeout)
        return token, chat_id

    def add_send_texts(self, message_id: Callable[[dict], Any], now: Callable[[], Any]) -> None:
        """POST {prefix}/{token}/send_texts {items: [{user, text}]}: many users write at once →
        {message_ids, time} (`now`: the emulator's clock)."""
        emu = self.emu

        @self.post(f"{self.prefix}/{{token}}/send_texts")
        async def send_texts(request: web.Request) -> web.Response:
            data = await self.body(request)
            items = [(self.user(item), str(item["text"])) for item in data["items"]]
            sent = await emu.send_texts(request.match_info["token"], items)
            return self.ok({"message_ids": [message_id(each) for each in sent], "time": now()})

    def add_calls(self) -> None:
        """GET {prefix}/{token}/calls?method&chat_id&ok&since[&count&timeout]: recorded calls (waits with
        count)."""
        emu = self.emu

        @self.get(f"{self.prefix}/{{token}}/calls")
        async def calls(request: web.Request) -> web.Response:
            token = request.match_info["token"]
            query = request.query
            method = query.get("method") or None
            chat_id = query.get("chat_id") or None
            ok = ok_param(request)
            since = int(query.get("since") or 0)
            count = int(query.get("count") or 0)
            if count:
                try:
                    found = await emu.wait_for(
                        token,
                        method=method,
                        chat_id=chat_id,
                        ok=ok,
                        count=count,
                        since=since,
                        timeout=float(query.get("timeout") or 10),
                    )
                except TimeoutError as error:
                    return json_fail(408, str(error))
            else:
                found = [c for c in emu.calls(token, method, chat_id, ok=ok) if c.index >= since]
            return self.ok({"calls": [c.to_json() for c in found], "next": emu.mark(token)})

    def add_faults(self, fault_fields: Iterable[str]) -> None:
        """POST {prefix}/{token}/faults {fault fields}: the next calls misbehave → {faults: how many}."""
        emu = self.emu
        allowed = set(fault_fields)

        @self.post(f"{self.prefix}/{{token}}/faults")
        async def faults(request: web.Request) -> web.Response:
            data = await self.body(request)
            unknown = set(data) - allowed
            if unknown:
                return json_fail(400, f"unknown fault fields: {sorted(unknown)}")
            emu.inject_fault(request.match_info["token"], **data)
            return self.ok({"faults": len(emu.bot_state(request.match_info["token"]).faults)})

    def add_wait_polling(self) -> None:
        """GET {prefix}/{token}/wait_polling?timeout: 200 once the bot has a long poll parked, else 408."""
        emu = self.emu

        @self.get(f"{self.prefix}/{{token}}/wait_polling")
        async def wait_polling(request: web.Request) -> web.Response:
            try:
                await emu.wait_polling(request.match_info["token"], float(request.query.get("timeout") or 10))
            except TimeoutError:
                return json_fail(408, "the bot is not polling")
            return self.ok({"polling": True})

    def add_reset(self) -> None:
        """POST {prefix}/reset: forget everything (settings stay)."""
        emu = self.emu

        @self.post(f"{self.prefix}/reset")
        async def reset(request: web.Request) -> web.Response:
            emu.reset()
            return self.ok({"reset": True})


# --- the control client --------------------------------------------------------------------------


def user_json(user: Any) -> dict:
    """A user for the control API: an emulator's user object (a dataclass) as its fields, a dict as is."""
    return user if isinstance(user, dict) else dataclasses.asdict(user)


class ControlClient:
    """Drive an emulator's control API (under `prefix`) over HTTP from another process."""

    prefix: ClassVar[str]
    error: ClassVar[type[Exception]]
    """Raised when the control API answers with an error (408 raises TimeoutError)."""

    def __init__(self, origin: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.origin = origin.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> Self:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None), trust_env=False)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(
        self, verb: str, path: str, *, json_body: Any = None, params: dict | None = None
    ) -> Any:
        if self._session is None:
            await self.__aenter__()
        assert self._session is not None
        clean = {
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in (params or {}).items()
            if v is not None
        }
        async with self._session.request(verb, self.origin + path, json=json_body, params=clean) as response:
            if response.content_type != "application/json":
                raise self.error(f"{response.status}: {await response.text()}")
            payload = await response.json()
            if response.status == 408:
                raise TimeoutError(payload.get("error"))
            if response.status >= 400:
                raise self.error(f"{response.status}: {payload.get('error')}")
            return payload

    # --- user-side actions ----------------------------------------------------------------------

    async def send_texts(self, token: str, items: list[tuple[Any, str]]) -> dict:
        """Inject many texts in one request (users as the emulator's user objects or their JSON); returns
        {"message_ids", "time" (the emulator's clock)}."""
        body = {"items": [{"user": user_json(user), "text": text} for user, text in items]}
        return await self._request("POST", f"{self.prefix}/{token}/send_texts", json_body=body)

    async def add_user(self, token: str, user: Any) -> None:
        await self._request("POST", f"{self.prefix}/{token}/add_user", json_body={"user": user_json(user)})

    # --- inspection -----------------------------------------------------------------------------

    async def calls(
        self,
        token: str,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        since: int = 0,
        ok: bool | None = None,
    ) -> list[dict]:
        """Recorded calls as dicts (index, method, params, ok, result, error_code, description, time,
        chat_id, ...)."""
        params = {"method": method, "chat_id": chat_id, "since": since, "ok": ok}
        return (await self._request("GET", f"{self.prefix}/{token}/calls", params=params))["calls"]

    async def wait_for(
        self,
        token: str,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        count: int = 1,
        since: int = 0,
        ok: bool | None = None,
        timeout: float = 10,
    ) -> list[dict]:
        """Long-poll until `count` matching calls exist at or after index `since`; TimeoutError otherwise."""
        params = {
            "method": method,
            "chat_id": chat_id,
            "since": since,
            "ok": ok,
            "count": count,
            "timeout": timeout,
        }
        return (await self._request("GET", f"{self.prefix}/{token}/calls", params=params))["calls"]

    async def mark(self, token: str) -> int:
        """Index of the next call (use as `since`)."""
        return (await self._request("GET", f"{self.prefix}/{token}/calls", params={"since": 1 << 62}))["next"]

    async def history(
        self, token: str, chat_id: int | str, *, since: int | None = None, timeout: float = 25
    ) -> dict:
        """Both sides of a chat: {"version", "messages", ...} (the emulator's history route).

        With `since` (a version), waits until the chat changes past it or `timeout` passes.
        """
        params = {"chat_id": chat_id, "since": since, "timeout": timeout if since is not None else None}
        return await self._request("GET", f"{self.prefix}/{token}/history", params=params)

    async def state(self, token: str) -> dict:
        return await self._request("GET", f"{self.prefix}/{token}/state")

    async def wait_polling(self, token: str, timeout: float = 10) -> None:
        await self._request("GET", f"{self.prefix}/{token}/wait_polling", params={"timeout": timeout})

    # --- settings -------------------------------------------------------------------------------

    async def configure(self, **settings: Any) -> dict:
        return await self._request("POST", f"{self.prefix}/config", json_body=settings)

    async def reset(self) -> None:
        await self._request("POST", f"{self.prefix}/reset")


# --- the command line ----------------------------------------------------------------------------


def argument_parser(prog: str, description: str | None, port: int) -> argparse.ArgumentParser:
    """A parser with --host (loopback) and --port; the emulator adds its own settings (see
    `run_command_line`)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port)
    return parser


async def serve(emulator: LoopbackServer, banner: str) -> None:
    """Serve until SIGINT or SIGTERM; `banner` (with {origin} and {base_url}) is printed once serving."""
    stop = stop_on_signals()
    async with emulator:
        print(banner.format(origin=emulator.origin, base_url=emulator.base_url), flush=True)
        await stop.wait()


def run_command_line(
    emulator: Callable[..., LoopbackServer],
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    banner: str,
) -> None:
    """Serve `emulator(**options)` until SIGINT or SIGTERM: each option's dest is one of its keywords."""
    options = vars(parser.parse_args(argv))

    async def run() -> None:
        await serve(emulator(**options), banner)

    asyncio.run(run())
