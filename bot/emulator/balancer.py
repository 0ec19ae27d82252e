"""A round-robin load balancer for local runs of several replicas behind one address (tests, benchmarks).

`python -m bot.emulator.balancer --port 8443 --upstream http://127.0.0.1:8081 --upstream http://127.0.0.1:8082`
forwards each request to the next replica in turn, as a host's load balancer does; a replica that refuses the
connection or does not answer is skipped for `--eject-seconds`, and a request no replica takes is answered 502
(so Telegram or Zalo delivers it again). Not for production: use the host's load balancer (docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import time

import aiohttp
from aiohttp import web

logger = logging.getLogger(__name__)

FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token", "X-Bot-Api-Secret-Token")


class Balancer:
    """Round robin over `upstreams` (base URLs); the request's path and query are kept."""

    def __init__(self, upstreams: list[str], *, eject_seconds: float = 2.0, timeout: float = 30.0) -> None:
        self.upstreams = [u.rstrip("/") for u in upstreams]
        self.eject_seconds = eject_seconds
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.served: dict[str, int] = dict.fromkeys(self.upstreams, 0)
        self._ejected: dict[str, float] = {}
        self._turn = itertools.cycle(range(len(self.upstreams)))
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen; return the balancer's base URL."""
        self._session = aiohttp.ClientSession(timeout=self.timeout)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        return f"http://{host}:{bound}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
        for _ in range(len(self.upstreams)):
            upstream = self.upstreams[next(self._turn)]
            if self._ejected.get(upstream, 0.0) > time.monotonic():
                continue
            try:
                async with self._session.request(
                    request.method, upstream + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.served[upstream] += 1
                    return web.Response(
                        status=answer.status, body=payload, content_type=answer.content_type or None
                    )
            except (aiohttp.ClientError, TimeoutError) as exc:
                logger.warning("replica %s did not answer (%s): trying the next", upstream, exc)
                self._ejected[upstream] = time.monotonic() + self.eject_seconds
        return web.Response(status=502, text="no replica answered")


async def _serve(args: argparse.Namespace) -> None:
    balancer = Balancer(args.upstream, eject_seconds=args.eject_seconds)
    url = await balancer.start(args.host, args.port)
    print(f"balancer on {url} → {', '.join(balancer.upstreams)}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await balancer.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser("python -m bot.emulator.balancer", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--upstream", action="append", required=True, help="a replica's base URL (repeat)")
    parser.add_argument("--eject-seconds", type=float, default=2.0)
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
