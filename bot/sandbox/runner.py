"""The sandbox: emulators + the real bot + the web chat page, on 127.0.0.1, with its own database and clock.

The bot runs both channels, Telegram against the Bot API emulator (which also serves the page) and Zalo
against the Zalo emulator; every demo person has an account on both, and the page switches between them to
show what a Zalo user sees (numbered lists, links instead of files). The bot's own web server (signed
download links, images for Zalo) listens on another loopback port.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.background import stop_on_signals
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.clock import AdjustableClock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.emulator.zalo import ZaloEmulator, ZaloUser
from bot.runtime import Runtime
from bot.sandbox import demo
from bot.sandbox.web import add_sandbox_routes, sandbox_zalo_id
from bot.views.labels import role_label, status_label

logger = logging.getLogger(__name__)

SANDBOX_TOKEN = "777000:SANDBOX-khuyenhoc-local"
SANDBOX_ZALO_TOKEN = "777000777:SANDBOX-khuyenhoc-zalo"
ROLE_GROUPS = {"admin": 0, "organiser": 1, "ward_lead": 2, "cadre": 3}


@dataclass(frozen=True)
class SandboxOptions:
    port: int
    database_path: Path
    reset: bool = False


class Sandbox:
    """Owns the emulator (with the page) and the bot pointed at it."""

    def __init__(self, options: SandboxOptions, base: Settings) -> None:
        self.options = options
        if options.reset:
            # Before the clock is read: --reset starts afresh, moved time included.
            for suffix in ("", "-wal", "-shm", ".clock"):
                Path(f"{options.database_path}{suffix}").unlink(missing_ok=True)
        self.clock = AdjustableClock(_saved_clock(options.database_path))
        self.emu = BotApiEmulator(port=options.port, clock=self.clock)
        self.zalo = ZaloEmulator(clock=self.clock)
        self.settings = base.with_changes(
            bot_token=SANDBOX_TOKEN,
            zalo_token=SANDBOX_ZALO_TOKEN,
            zalo_webhook_secret=None,
            database_path=options.database_path,
            database_url=None,  # its own SQLite file, never the deployment's PostgreSQL database
            tick_seconds=5.0,
        )
        self.runtime: Runtime | None = None
        self.channel: TelegramChannel | None = None
        add_sandbox_routes(
            self.emu.app,
            self.emu,
            token=SANDBOX_TOKEN,
            people=self.people,
            clock=self.clock,
            on_clock_moved=self.clock_moved,
            zalo=self.zalo,
            zalo_token=SANDBOX_ZALO_TOKEN,
        )

    @property
    def url(self) -> str:
        return self.emu.origin + "/"

    async def start(self) -> None:
        fresh = not self.options.database_path.exists()
        await self.emu.start()
        await self.zalo.start()
        listener = _listener()
        port = listener.getsockname()[1]
        self.settings = self.settings.with_changes(
            api_url=self.emu.base_url,
            zalo_api_url=self.zalo.base_url,
            port=port,
            public_base_url=f"http://127.0.0.1:{port}/",
        )
        runtime = Runtime(self.settings, clock=self.clock)
        runtime.web = runtime.make_web_server(sock=listener)
        self.channel = TelegramChannel(runtime, self.settings)
        zalo_channel = ZaloChannel(runtime, self.settings)
        runtime.add_channel(self.channel)
        runtime.add_channel(zalo_channel)
        await runtime.start(receive=False)
        if fresh:
            await demo.seed(runtime.services, self.clock.now())
        await self._zalo_accounts(runtime)
        await self.channel.start()
        await zalo_channel.start()
        self.runtime = runtime

    async def _zalo_accounts(self, runtime: Runtime) -> None:
        """Every demo person also has Zalo (the same person, to compare), known to the Zalo emulator."""
        store, now = runtime.services.member_store, self.clock.now()
        for member, telegram_id in await store.accounts():
            zalo_id = sandbox_zalo_id(int(telegram_id))
            await store.add_account(member.id, "zalo", zalo_id, chat_id=zalo_id, now=now)
            self.zalo.add_user(SANDBOX_ZALO_TOKEN, ZaloUser(zalo_id, member.full_name))

    async def stop(self) -> None:
        runtime, self.runtime = self.runtime, None
        if runtime is not None:
            await runtime.stop()
        _save_clock(self.options.database_path, self.clock.now())
        await self.zalo.stop()
        await self.emu.stop()

    async def clock_moved(self) -> None:
        """The page moved time forward: run what fell due now."""
        if self.runtime is not None:
            await self.runtime.process_due_now()

    async def people(self) -> list[dict]:
        """Demo persons for the picker: people who registered here first, then members by role and ward (the
        chair marked), then the newcomers still free to try registering."""
        if self.runtime is None:
            return []
        services = self.runtime.services
        t = services.i18n.translator("vi")
        wards = {w.id: w.name for w in await services.org.wards(include_inactive=True)}
        registered, listed = [], []
        newcomers = {uid: n for n, uid in enumerate(demo.NEWCOMER_IDS, start=1)}
        for member, telegram_id in await services.member_store.accounts():
            user_id = int(telegram_id)
            if user_id in newcomers:
                newcomers.pop(user_id)
                if member.status.value in ("visitor", "inactive"):
                    newcomers[user_id] = -1  # wrote, but has not registered: still a newcomer
                    continue
                label = role_label(t, member.role) if member.is_active else status_label(t, member.status)
                registered.append(
                    {
                        "user_id": user_id,
                        "name": member.full_name,
                        "role": label,
                        "group": t.gettext("just registered"),
                    }
                )
                continue
            if not member.is_active:
                continue
            role = role_label(t, member.role)
            if user_id == demo.CHAIR_ID:
                role = t.gettext("{role} · chair of the association").format(role=role)
            group = role_label(t, member.role)
            if member.role is not None and member.role.value in ("ward_lead", "cadre") and member.ward_id:
                group = f"{group} · {wards.get(member.ward_id, '')}"
            listed.append(
                {
                    "user_id": user_id,
                    "name": member.full_name,
                    "role": role,
                    "group": group,
                    "order": (
                        ROLE_GROUPS.get(member.role.value if member.role else "", 9),
                        member.ward_id or 0,
                        user_id != demo.CHAIR_ID,
                    ),
                }
            )
        listed.sort(key=lambda p: (p.pop("order"), p["name"]))
        waiting = [
            {
                "user_id": uid,
                "name": f"Người mới {demo.NEWCOMER_IDS.index(uid) + 1}",
                "role": t.gettext("not registered"),
                "group": t.gettext("not registered"),
            }
            for uid in demo.NEWCOMER_IDS
            if uid in newcomers
        ]
        return registered + listed + waiting


async def serve(options: SandboxOptions, base: Settings) -> None:
    """Run until Ctrl+C / SIGTERM."""
    sandbox = Sandbox(options, base)
    await sandbox.start()
    print(
        f"Sandbox ready: open {sandbox.url} (database {options.database_path}). Ctrl+C to stop.", flush=True
    )
    stop = stop_on_signals()
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


def _listener() -> socket.socket:
    """The socket of the bot's own web server (download links, Zalo's images), on a loopback port the
    system chose: bound now, its port goes into the settings and nothing takes it before the server starts."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def _clock_file(database_path: Path) -> Path:
    return Path(f"{database_path}.clock")


def _saved_clock(database_path: Path) -> datetime | None:
    """The sandbox's time when it last stopped, so moved-forward time is not undone by a restart."""
    try:
        saved = datetime.fromisoformat(json.loads(_clock_file(database_path).read_text())["now"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return saved if saved > datetime.now(saved.tzinfo) else None


def _save_clock(database_path: Path, now: datetime) -> None:
    with contextlib.suppress(OSError):
        _clock_file(database_path).write_text(json.dumps({"now": now.isoformat()}))
