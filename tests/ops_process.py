"""`python -m bot` as an operator runs it: a real process, its whole output kept (tests/test_ops_*.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from storage.db import Database
from tests.backend import bot_database, database_env
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_TOKEN = "7654321:OpsTelegramSecretPart-AbCdEfGh1234"
ZALO_TOKEN = "8765432109:OpsZaloSecretPart_IjKlMnOp5678"
WEBHOOK_SECRET = "OpsWebhookSecret-QrStUvWx9012"
OPS_CHAT = -100777


def base_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """A clean environment: only what the test gives, the database in `tmp_path` (with TEST_BACKEND=postgresql
    a fresh PostgreSQL schema: tests/backend.py)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        **database_env(bot_database(tmp_path), tmp_path),
        **variables,
    }


def env_database(env: dict[str, str]) -> Path | str:
    """The database `env` points a bot process at: the PostgreSQL URL, or the SQLite file."""
    return env.get("DATABASE_URL") or Path(env["DATABASE_PATH"])


async def schema_version(env: dict[str, str], *, set_to: int | None = None) -> int:
    """The schema version of the database `env` points at (set to `set_to` first, if given)."""
    db = await Database.open(env_database(env), migrate=False)
    try:
        if set_to is not None:
            async with db.transaction() as conn:
                await db.set_schema_version(conn, set_to)
        return await db.schema_version()
    finally:
        await db.close()


def closed_url(path: str = "/bot") -> str:
    """An API address where nothing listens (a connection is refused at once)."""
    return f"http://127.0.0.1:{free_port()}{path}"


@dataclass
class Finished:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def last_lines(self, n: int) -> list[str]:
        return self.stderr.strip().splitlines()[-n:]


class BotProcess:
    """`python -m bot <args>` started in the background; its stdout and stderr are read all along."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.env = env
        self.args = args
        self.stdout = bytearray()
        self.stderr = bytearray()
        self._process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []

    async def start(self) -> BotProcess:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *self.args,
            cwd=ROOT,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            asyncio.create_task(_drain(self._process.stdout, self.stdout)),
            asyncio.create_task(_drain(self._process.stderr, self.stderr)),
        ]
        return self

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def wait_for_output(self, fragment: str, count: int = 1, timeout: float = 30) -> None:  # noqa: ASYNC109
        """Until `fragment` was written `count` times (to stdout or stderr)."""
        async with asyncio.timeout(timeout):
            while (self.stdout + self.stderr).decode(errors="replace").count(fragment) < count:
                await asyncio.sleep(0.05)

    async def finished(self, timeout: float = 60) -> Finished:  # noqa: ASYNC109
        """Wait for the process to end by itself."""
        assert self._process is not None
        try:
            await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
            raise AssertionError(
                f"still running after {timeout} s:\n{self.stderr.decode()[-3000:]}"
            ) from None
        await asyncio.gather(*self._readers)
        assert self._process.returncode is not None
        return Finished(self._process.returncode, self.stdout.decode(), self.stderr.decode())

    async def stop(self, timeout: float = 20) -> Finished:  # noqa: ASYNC109
        """SIGTERM, as a host stops a service, then what it wrote."""
        if self.running:
            assert self._process is not None
            self._process.send_signal(signal.SIGTERM)
        return await self.finished(timeout)

    def send_signal(self, signum: int) -> None:
        """SIGSTOP freezes the process where it stands, SIGCONT lets it go on."""
        assert self._process is not None
        self._process.send_signal(signum)

    async def kill(self) -> Finished:
        """kill -9: the process ends at once, without any clean-up; then what it wrote."""
        if self.running:
            assert self._process is not None
            self._process.kill()
        return await self.finished()


async def _drain(stream: asyncio.StreamReader, into: bytearray) -> None:
    while chunk := await stream.read(65536):
        into += chunk


async def run_bot(env: dict[str, str], *args: str, timeout: float = 60) -> Finished:  # noqa: ASYNC109
    """`python -m bot <args>` until it ends by itself."""
    return await (await BotProcess(env, *args).start()).finished(timeout)
