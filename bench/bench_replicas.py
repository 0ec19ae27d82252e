"""Several bot replicas over one PostgreSQL database, each workload beside its one-replica baseline (#19).

    python bench/bench_replicas.py [--quick] [--reps 3] [--database-url postgresql://…]
                                   [--only rtt20|broadcast] [--members 10000] [--baseline-members 2000]

Every replica is a real process in Telegram webhook mode (`TELEGRAM_WEBHOOK_URL`, `DATABASE_URL`, its own
`PORT` and `REPLICA_ID`) behind the local round-robin balancer (`python -m bot.emulator.balancer`, its own
process), the one replica of a baseline too, so the replica count is the only difference. The emulator pushes
updates to the balancer as Telegram does: up to 40 at once, each chat's one at a time. Each configuration gets
a fresh schema on TEST_DATABASE_URL (or --database-url), dropped after it; every connection of the replicas
is named after it (`application_name`), so the PostgreSQL server processes serving them can be found: their
CPU is read from /proc, and pg_locks is sampled during the run for the writer lock every transaction takes
(storage/postgres.py `WRITER_LOCK`).

1. `replicas_rtt20`: bench_rtt20's workload (8 free-text messages from each of 50 cadres, injected at once;
   every Bot API call takes 20 ms) on one replica and on three, with Telegram's send-rate ceiling lifted as
   in bench_rtt20 (bench/our_bot.py). Each chat's turns must run in the order sent: checked in the FAQ log
   (each free-text question is logged in its turn's transaction). Target: three replicas ≥ 2.5 × one; 0 out
   of order. A third configuration, three replicas whose transactions skip the writer lock (`our_bot.py
   --no-writer-lock`: a diagnostic, unsafe in general), shows what serialising them costs.
2. `replicas_broadcast`: an organiser's broadcast to every cadre, sent by `python -m bot run` exactly as
   deployed (the Telegram channel's 28 messages a second, shared by the replicas through the database), with
   the emulator enforcing Telegram's limits (30/s overall, 1/s per chat; 429 with retry_after beyond them).
   Three replicas send to --members (10,000), the one-replica baseline to --baseline-members (2,000; the rate
   is what is compared). Targets: ≥ 0.95 × the configured 28/s, 0 lost, 0 doubled, no 429 left unhandled.

The machine's load is part of the result: its CPU (all processes, from /proc/stat) while each run goes, and
the CPU of each kind of process (replicas, PostgreSQL, emulator, balancer) per update.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.common import (
    PYTHON,
    REPO,
    BotProcess,
    EmulatorProcess,
    Results,
    _env,
    free_port,
    members_for,
    new_token,
    per_chat_latencies,
    percentile,
    proc_stats,
    render,
    seed_database,
    seeded_database,
    user,
    write_results,
)
from bot.core.pacing import OVERALL_PER_SECOND
from storage.postgres import WRITER_LOCK
from tests.postgres import fresh_schema

LATENCY_MS = 20
SECRET = "bench-replicas-webhook-secret"
WEBHOOK_PATH = "/telegram/webhook"
ORGANISER = 1
ONE, THREE = "1 replica (baseline)", "3 replicas"
UNLOCKED = "3 replicas, writer lock lifted (diagnostic, unsafe)"
SAMPLE_SECONDS = 0.025


# --- the processes ---------------------------------------------------------------------------------------


class ReplicaSet:
    """`count` replicas of one bot (one token) in webhook mode over `url`, behind the balancer; or one over a
    copy of the SQLite file `sqlite` (the reference)."""

    def __init__(
        self,
        emu: EmulatorProcess,
        url: str | None,
        count: int,
        *,
        kind: str,
        args: tuple[str, ...] = (),
        sqlite: Path | None = None,
    ) -> None:
        self.emu = emu
        self.token = new_token()
        self.port = free_port()
        ports = [free_port() for _ in range(count)]
        hook = f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"
        self.bots = [
            BotProcess(
                emu,
                kind,
                args=args,
                token=self.token,
                database=sqlite,
                env={
                    **({"DATABASE_URL": url} if url else {}),
                    "TELEGRAM_WEBHOOK_URL": hook,
                    "TELEGRAM_WEBHOOK_SECRET": SECRET,
                    "PORT": str(port),
                    "REPLICA_ID": f"r{n}",
                },
            )
            for n, port in enumerate(ports)
        ]
        upstreams = [arg for port in ports for arg in ("--upstream", f"http://127.0.0.1:{port}")]
        self._balancer_args = [PYTHON, "-m", "bot.emulator.balancer", "--port", str(self.port), *upstreams]
        self.balancer: subprocess.Popen | None = None

    async def start(self) -> float:
        """The balancer, then each replica in turn; the seconds until the last one serves its webhook."""
        began = time.monotonic()
        self.balancer = subprocess.Popen(
            self._balancer_args, cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for bot in self.bots:
            await bot.start()
        return time.monotonic() - began

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: each replica, the balancer, the emulator."""
        assert self.balancer is not None
        seconds = {f"r{n}": bot.stats().cpu_s for n, bot in enumerate(self.bots)}
        seconds["balancer"] = proc_stats(self.balancer.pid).cpu_s
        seconds["emulator"] = proc_stats(self.emu.pid).cpu_s
        return seconds

    def errors(self) -> int:
        """ERROR and Traceback lines in the replicas' logs (each printed, to be looked at)."""
        found = [
            f"  replica r{n}: {line}"
            for n, bot in enumerate(self.bots)
            for line in bot.log_path.read_text(errors="replace").splitlines()
            if " ERROR " in line or line.startswith("Traceback")
        ]
        for line in found:
            print(line, file=sys.stderr)
        return len(found)

    async def stop(self) -> None:
        for bot in self.bots:
            with suppress(Exception):
                await bot.stop()
        if self.balancer is not None:
            self.balancer.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.balancer.wait, 5)
            except subprocess.TimeoutExpired:
                self.balancer.kill()

    def cleanup(self) -> None:
        """Kill whatever still runs (after a failure) and remove the replicas' work folders."""
        for bot in self.bots:
            bot.cleanup()
        if self.balancer is not None and self.balancer.poll() is None:
            self.balancer.kill()
            self.balancer.wait()


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# --- PostgreSQL: a named schema, its server processes, the writer lock -----------------------------------


@asynccontextmanager
async def named_schema(server: str) -> AsyncIterator[tuple[str, str]]:
    """A fresh schema (dropped after) and a URL whose connections use it and carry its name."""
    app = f"rbench_{uuid.uuid4().hex[:10]}"
    async with fresh_schema(server) as url:
        yield f"{url}&application_name={app}", app


class Backends:
    """The server processes serving connections named `app`: their CPU, and the writer lock while sampling."""

    def __init__(self, server: str, app: str) -> None:
        self.server = server
        self.app = app
        self._conn: psycopg.AsyncConnection | None = None
        self._sampling: asyncio.Task[None] | None = None
        self.samples: list[Sample] = []

    async def __aenter__(self) -> Backends:
        self._conn = await psycopg.AsyncConnection.connect(self.server, autocommit=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_sampling()
        if self._conn is not None:
            await self._conn.close()

    async def cpu(self) -> dict[int, float]:
        assert self._conn is not None
        cursor = await self._conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.app,)
        )
        found = {}
        for (pid,) in await cursor.fetchall():
            with suppress(OSError):
                found[pid] = proc_stats(pid).cpu_s
        return found

    def start_sampling(self) -> None:
        self.samples = []
        self._sampling = asyncio.get_running_loop().create_task(self._sample())

    async def stop_sampling(self) -> None:
        if self._sampling is not None:
            self._sampling.cancel()
            with suppress(asyncio.CancelledError):
                await self._sampling
            self._sampling = None

    async def _sample(self) -> None:
        assert self._conn is not None
        while True:
            cursor = await self._conn.execute(
                "SELECT l.granted, a.state, a.query FROM pg_locks AS l JOIN pg_stat_activity AS a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objsubid = 2 "
                "AND a.application_name = %s",
                (WRITER_LOCK, self.app),
            )
            rows = await cursor.fetchall()
            holder = next(((state, query) for granted, state, query in rows if granted), None)
            waiting = sum(1 for granted, _, _ in rows if not granted)
            if holder is None:
                self.samples.append(Sample(None, False, waiting))
            else:
                self.samples.append(Sample(holder_kind(holder[1]), holder[0].startswith("idle"), waiting))
            await asyncio.sleep(SAMPLE_SECONDS)

    def lock_metrics(self) -> dict[str, float]:
        """Share of the run a replica held the writer lock (and held it while running Python: the server idle
        in its transaction), how many waited for it on average, and which transactions held it."""
        n = max(1, len(self.samples))
        kinds = Counter(s.holder for s in self.samples if s.holder is not None)
        return {
            "lock_held_pct": 100 * sum(kinds.values()) / n,
            "lock_held_in_python_pct": 100 * sum(1 for s in self.samples if s.in_python) / n,
            "lock_waiters": sum(s.waiting for s in self.samples) / n,
            **{f"lock_by_{kind}_pct": 100 * kinds[kind] / n for kind in HOLDERS},
        }


@dataclass(frozen=True)
class Sample:
    holder: str | None
    """Which transaction held the writer lock (`holder_kind`), or None."""
    in_python: bool
    """The holder's server process was idle in its transaction: its replica was running Python."""
    waiting: int


HOLDERS = ("record", "claim", "turn", "commit")


def holder_kind(query: str) -> str:
    """What the writer lock's holder was doing, from the last statement its connection ran: the webhook's
    record of an update, the inbox claim, a turn's statements (it marks its row done, then runs its queries),
    or the start or end of any of them (BEGIN, taking the lock, COMMIT with its WAL flush)."""
    text = query.strip()
    if "INSERT INTO inbox" in text or "pg_notify" in text:
        return "record"
    if "FROM inbox AS i" in text or "SET status = 'processing'" in text:
        return "claim"
    if text.upper() in ("BEGIN", "COMMIT", "ROLLBACK") or "pg_advisory" in text:
        return "commit"
    return "turn"


class Usage:
    """CPU of every process involved, and of the machine, between `start()` and `stop()`."""

    def __init__(self, replicas: ReplicaSet, backends: Backends) -> None:
        self.replicas = replicas
        self.backends = backends

    async def start(self) -> None:
        self._procs = self.replicas.cpu()
        self._pg = await self.backends.cpu()
        self._machine = machine_ticks()
        self.began = time.monotonic()
        self.backends.start_sampling()

    async def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.began
        procs = self.replicas.cpu()
        pg = await self.backends.cpu()
        busy, total = machine_ticks()
        await self.backends.stop_sampling()
        spent = {name: procs[name] - self._procs[name] for name in procs}
        replicas = [spent[f"r{n}"] for n in range(len(self.replicas.bots))]
        return {
            "wall_s": wall,
            "replicas_cpu_s": sum(replicas),
            "replica_cpu_pct": 100 * sum(replicas) / len(replicas) / wall,
            "postgres_cpu_s": sum(cpu - self._pg.get(pid, 0.0) for pid, cpu in pg.items()),
            "emulator_cpu_s": spent["emulator"],
            "balancer_cpu_s": spent["balancer"],
            "machine_busy_pct": 100 * (busy - self._machine[0]) / max(1, total - self._machine[1]),
            **self.backends.lock_metrics(),
        }


USAGE_UNITS = {
    "cpu_per_update": "ms",
    "postgres_cpu_per_update": "ms",
    "emulator_cpu_per_update": "ms",
    "balancer_cpu_per_update": "ms",
    "replica_cpu_pct": "% of a core, each",
    "machine_busy_pct": "% of 2 cores",
}


def per_unit(usage: dict[str, float], units: int) -> dict[str, float]:
    """CPU milliseconds per update (or message) of each kind of process."""
    return {
        "cpu_per_update": usage["replicas_cpu_s"] * 1000 / units,
        "postgres_cpu_per_update": usage["postgres_cpu_s"] * 1000 / units,
        "emulator_cpu_per_update": usage["emulator_cpu_s"] * 1000 / units,
        "balancer_cpu_per_update": usage["balancer_cpu_s"] * 1000 / units,
    }


# --- 1. turns at a 20 ms round trip ---------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    replicas: int
    args: tuple[str, ...] = ()
    sqlite: bool = False
    """One bot over a SQLite file instead of PostgreSQL (the reference)."""


SQLITE = "1 replica on SQLite (reference)"
CONFIGS = {
    SQLITE: Config(1, sqlite=True),
    ONE: Config(1),
    THREE: Config(3),
    UNLOCKED: Config(3, ("--no-writer-lock",)),
}


async def turns_once(emu: EmulatorProcess, server: str, config: Config, users: int, per_user: int) -> dict:
    """One configuration once: a fresh schema (or SQLite file), its replicas, the burst, the checks."""
    ids = [m[0] for m in members_for(users)]
    items = [(user(uid), f"tin nhắn {k}") for k in range(per_user) for uid in ids]
    async with AsyncExitStack() as stack:
        url: str | None = None
        template: Path | None = None
        if config.sqlite:
            folder = Path(stack.enter_context(TemporaryDirectory(prefix="bench-replicas-")))
            template, app = await seeded_database(folder, users), "rbench_no_connection"
        else:
            url, app = await stack.enter_async_context(named_schema(server))
            await seed_database(url, members_for(users))
        backends = await stack.enter_async_context(Backends(server, app))
        replicas = ReplicaSet(emu, url, config.replicas, kind="ours", args=config.args, sqlite=template)
        try:
            startup = await replicas.start()
            await asyncio.sleep(0.5)
            client = emu.client
            mark = await client.mark(replicas.token)
            usage = Usage(replicas, backends)
            await usage.start()
            started = time.monotonic()
            started = min(started, float((await client.send_texts(replicas.token, items))["time"]))
            replies = await client.wait_for(
                replicas.token, method="sendMessage", count=len(items), since=mark, ok=True, timeout=300
            )
            spent = await usage.stop()
            order = await turn_order(url or replicas.bots[0].database, items)
            await replicas.stop()
            every = await client.calls(replicas.token, method="sendMessage", since=mark, ok=True)
            errors = replicas.errors()
        finally:
            replicas.cleanup()
    wall = max(c["time"] for c in replies) - started
    latencies = per_chat_latencies([(u["id"], started) for u, _ in items], replies)
    got = Counter(int(c["chat_id"]) for c in every)
    return {
        "throughput": len(replies) / wall,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        **per_unit(spent, len(items)),
        "replica_cpu_pct": spent["replica_cpu_pct"],
        "machine_busy_pct": spent["machine_busy_pct"],
        "lock_held_pct": spent["lock_held_pct"],
        "lock_ms_per_update": spent["lock_held_pct"] * 10 * spent["wall_s"] / len(items),
        "lock_held_in_python_pct": spent["lock_held_in_python_pct"],
        "lock_waiters": spent["lock_waiters"],
        **{f"lock_by_{kind}_pct": spent[f"lock_by_{kind}_pct"] for kind in HOLDERS},
        "order_violations": order["violations"],
        "turns_max_share_pct": order["max_share_pct"],
        "replies_missing": sum(max(0, per_user - got[uid]) for uid in ids),
        "replies_extra": sum(max(0, got[uid] - per_user) for uid in ids),
        "errors": errors,
        "startup_s": startup,
    }


async def turn_order(database: str | Path, items: list[tuple[dict, str]]) -> dict[str, float]:
    """Turns whose question is not the next one its chat sent (FAQ log, in commit order), and the largest
    share of the turns one replica ran (inbox)."""
    from storage.db import Database

    db = await Database.open(database, migrate=False)
    try:
        asked = await db.fetch_all(
            "SELECT a.external_id, q.text FROM faq_questions AS q JOIN channel_accounts AS a "
            "ON a.member_id = q.member_id AND a.channel = 'telegram' ORDER BY q.id"
        )
        shares = [
            r[1] for r in await db.fetch_all("SELECT claimed_by, COUNT(*) FROM inbox GROUP BY claimed_by")
        ]
    finally:
        await db.close()
    expected: dict[str, list[str]] = defaultdict(list)
    for who, text in items:
        expected[str(who["id"])].append(text)
    handled: dict[str, list[str]] = defaultdict(list)
    for account, text in asked:
        handled[account].append(text)
    violations = sum(
        sum(1 for k, text in enumerate(expected[chat]) if k >= len(texts) or texts[k] != text)
        for chat, texts in ((chat, handled.get(chat, [])) for chat in expected)
    )
    return {"violations": violations, "max_share_pct": 100 * max(shares, default=0) / (sum(shares) or 1)}


async def run_turns(server: str, quick: bool, reps: int) -> dict:
    users, per_user = (20, 5) if quick else (50, 8)
    results = Results(
        "replicas_rtt20",
        f"{users * per_user} free-text updates ({per_user} from each of {users} cadres) injected at once "
        f"and pushed to the webhook (up to 40 at once, each chat's in order); every Bot API call takes "
        f"{LATENCY_MS} ms; one replica vs three behind the balancer, over a fresh PostgreSQL schema each "
        "run. CPU per update in ms (replicas together; PostgreSQL's server processes; emulator; balancer).",
        params={"updates": users * per_user, "users": users, "latency_ms": LATENCY_MS, "reps": reps},
    )
    results.units.update(
        USAGE_UNITS,
        throughput="upd/s",
        p50="ms",
        p99="ms",
        lock_held_pct="% of run",
        lock_ms_per_update="ms",
        lock_by_record_pct="% of run",
        lock_by_claim_pct="% of run",
        lock_by_turn_pct="% of run",
        lock_by_commit_pct="% of run",
        lock_held_in_python_pct="% of run",
        turns_max_share_pct="%",
        startup_s="s",
    )
    async with EmulatorProcess(latency_ms=LATENCY_MS) as emu:
        labels = list(CONFIGS)
        for rep in range(reps):
            shift = rep % len(labels)
            for label in labels[shift:] + labels[:shift]:
                metrics = await turns_once(emu, server, CONFIGS[label], users, per_user)
                results.add(label, **metrics)
                print(f"  rtt20 round {rep + 1}, {label}: {metrics['throughput']:.0f} upd/s", flush=True)
    ratio = results.ratio("3 replicas / 1 replica, throughput", THREE, ONE, "throughput")
    results.ratio("1 replica on PostgreSQL / on SQLite", ONE, SQLITE, "throughput")
    results.ratio("3 replicas without the writer lock / 1 replica", UNLOCKED, ONE, "throughput")
    results.target("3 replicas vs 1, 20 ms RTT", ratio["median"], ">=", 2.5, "×")
    violations = sum(v for c in CONFIGS for v in results.values(c, "order_violations"))
    results.target("turns out of order within a chat (all runs)", violations, "<=", 0)
    lost = sum(v for c in CONFIGS for m in ("replies_missing", "replies_extra") for v in results.values(c, m))
    results.target("replies missing or doubled (all runs)", lost, "<=", 0)
    explain_turns(results)
    return results.to_dict()


def explain_turns(results: Results) -> None:
    """What bounds the throughput, from the numbers of the same run."""

    def median(config: str, metric: str) -> float:
        return results.median(config, metric)

    kinds = ("cpu_per_update", "postgres_cpu_per_update", "emulator_cpu_per_update")
    parts = [median(ONE, m) for m in (*kinds, "balancer_cpu_per_update")]
    ceiling = 2000 / sum(parts)
    rate = median(ONE, "throughput")
    one_cpu, one_busy = median(ONE, "replica_cpu_pct"), median(ONE, "machine_busy_pct")
    results.notes.append(
        f"one replica: {rate:.0f} updates/s, its process at {one_cpu:.0f} % of a core, the machine's 2 "
        f"cores {one_busy:.0f} % busy (other work included); CPU per update: replica {parts[0]:.1f} + "
        f"PostgreSQL {parts[1]:.1f} + emulator {parts[2]:.1f} + balancer {parts[3]:.1f} = {sum(parts):.1f} "
        f"ms, so 2 idle cores could carry at most {ceiling:.0f} updates/s of this workload (×"
        f"{ceiling / rate:.1f} the one replica), however many replicas; 16 turns at once at {LATENCY_MS} ms "
        f"a reply would allow {16 * 1000 // LATENCY_MS}/s"
    )
    sqlite_rate, sqlite_cpu = median(SQLITE, "throughput"), median(SQLITE, "cpu_per_update")
    results.notes.append(
        f"the same replica over SQLite: {sqlite_rate:.0f} updates/s at {sqlite_cpu:.1f} ms of its CPU per "
        f"update; over PostgreSQL it spends {parts[0] - sqlite_cpu:.1f} ms more, and the server "
        f"{parts[1]:.1f} ms"
    )
    held = [median(c, "lock_held_pct") for c in (ONE, THREE)]
    per_update = [median(c, "lock_ms_per_update") for c in (ONE, THREE)]
    results.notes.append(
        "the writer lock (every transaction takes it: the webhook's record, the inbox claim, the turn) was "
        f"held {held[0]:.0f} % of the run with one replica and {held[1]:.0f} % with three "
        f"({median(THREE, 'lock_held_in_python_pct'):.0f} % by a replica running Python inside its "
        f"transaction; {median(THREE, 'lock_waiters'):.1f} replicas waiting on average): {per_update[0]:.1f} "
        f"and {per_update[1]:.1f} ms held per update"
    )


# --- 2. a broadcast shared by the replicas ---------------------------------------------------------------


async def create_broadcast(url: str, token: str) -> None:
    """The organiser's broadcast to every cadre, confirmed now (its send task is due at once)."""
    from bot.clock import SystemClock
    from bot.config import Settings
    from bot.core.audience import Audience
    from bot.core.broadcasts.service import Content, ReportTo, Result
    from bot.core.models import Role
    from bot.services import Services

    services = await Services.create(Settings(bot_token=token, database_url=url), SystemClock())
    try:
        organiser = await services.member_store.find_by_account("telegram", str(ORGANISER))
        assert organiser is not None
        created = await services.broadcasts.create(
            organiser,
            Content("<b>Lịch tập huấn tháng 12</b>: thứ Bảy 8h tại Nhà văn hoá"),
            Audience.any_of(roles=(Role.CADRE,)),
            report_to=ReportTo("telegram", str(ORGANISER)),
        )
        assert created.result is Result.OK
        async with services.db.transaction() as conn:
            await services.db.publish(conn, "tasks")  # as the replica whose turn confirmed it would wake
    finally:
        await services.close()


async def outbox_state(url: str) -> dict[str, Any]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cursor = await conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        statuses: dict[str, int] = dict(await cursor.fetchall())
        cursor = await conn.execute("SELECT claimed_by, COUNT(*) FROM outbox GROUP BY claimed_by")
        shares: dict[str | None, int] = dict(await cursor.fetchall())
    return {"statuses": statuses, "shares": shares}


async def broadcast_once(emu: EmulatorProcess, server: str, count: int, members: int) -> dict:
    from bench.bench_broadcast import FIRST_CHAT, add_members
    from storage.db import Database

    async with named_schema(server) as (url, app), Backends(server, app) as backends:
        await seed_database(url, [(ORGANISER, "Phạm Thu Hà", "organiser")])
        db = await Database.open(url, migrate=False)
        try:
            await add_members(db, members)
        finally:
            await db.close()
        replicas = ReplicaSet(emu, url, count, kind="ours-limited")
        try:
            await replicas.start()
            client = emu.client
            mark = await client.mark(replicas.token)
            usage = Usage(replicas, backends)
            await usage.start()
            confirmed = time.monotonic()
            await create_broadcast(url, replicas.token)
            deadline = confirmed + members / OVERALL_PER_SECOND * 2 + 120
            while True:
                state = await outbox_state(url)
                statuses = state["statuses"]
                if sum(statuses.values()) >= members and not {"queued", "sending"} & set(statuses):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the broadcast did not finish: {statuses}")
                await asyncio.sleep(0.5)
            spent = await usage.stop()
            await replicas.stop()
            calls = await client.calls(replicas.token, since=mark)
            errors = replicas.errors()
        finally:
            replicas.cleanup()
    delivered = [
        c for c in calls if c["method"] == "sendMessage" and int(c["chat_id"]) >= FIRST_CHAT and c["ok"]
    ]
    sent = Counter(int(c["chat_id"]) for c in delivered)
    times = sorted(c["time"] for c in delivered)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    steady = (len(times) - 1) / span
    during = [c for c in calls if c["ok"] and times[0] <= c["time"] <= times[-1]]
    edits = sum(1 for c in during if c["method"] == "editMessageText")
    shares = [n for holder, n in state["shares"].items() if holder]
    return {
        "rate": steady,
        "fraction_of_configured": steady / OVERALL_PER_SECOND,
        "fraction_of_telegram": steady / 30.0,
        "all_calls_rate": (len(during) - 1) / span,
        "card_edits_per_s": edits / span,
        "confirm_to_last_s": times[-1] - confirmed if times else float("nan"),
        "start_delay_s": times[0] - confirmed if times else float("nan"),
        "http_429": sum(1 for c in calls if not c["ok"] and c.get("error_code") == 429),
        "lost": sum(1 for chat in range(FIRST_CHAT, FIRST_CHAT + members) if sent[chat] == 0),
        "doubled": sum(n - 1 for n in sent.values() if n > 1),
        "failed_rows": state["statuses"].get("failed", 0),
        "max_share_pct": 100 * max(shares, default=0) / max(1, sum(shares)),
        **per_unit(spent, members),
        "replica_cpu_pct": spent["replica_cpu_pct"],
        "machine_busy_pct": spent["machine_busy_pct"],
        "errors": errors,
    }


async def run_broadcast(server: str, quick: bool, members: int, baseline_members: int) -> dict:
    if quick:
        members, baseline_members = min(members, 600), min(baseline_members, 300)
    results = Results(
        "replicas_broadcast",
        f"one broadcast to {members:,} cadres sent by 3 replicas (`python -m bot run`, the Telegram "
        f"channel's {OVERALL_PER_SECOND:.0f} messages/s shared through the database), beside one replica "
        f"sending one to {baseline_members:,}; the emulator enforces Telegram's limits (30/s overall, 1/s "
        "per chat). Rate = (delivered − 1) / (last − first delivery), on the emulator's clock; "
        "all_calls_rate counts every Bot API call over that time (the organiser's progress card's edits "
        "too); CPU per message in ms.",
        params={
            "members": members,
            "baseline_members": baseline_members,
            "configured_rate": OVERALL_PER_SECOND,
            "telegram_limit": 30,
        },
    )
    results.units.update(
        rate="msg/s",
        all_calls_rate="calls/s",
        card_edits_per_s="/s",
        confirm_to_last_s="s",
        start_delay_s="s",
        max_share_pct="%",
    )
    results.units.update(USAGE_UNITS)
    async with EmulatorProcess(rate_limits=True) as emu:
        for label, count, n in ((ONE, 1, baseline_members), (THREE, 3, members)):
            metrics = await broadcast_once(emu, server, count, n)
            results.add(label, **metrics)
            print(f"  broadcast, {label}: {metrics['rate']:.2f} msg/s", flush=True)
    three = results.samples[THREE][0]
    results.ratio("3 replicas / 1 replica, rate", THREE, ONE, "rate")
    results.target(
        f"3 replicas' rate vs the configured {OVERALL_PER_SECOND:.0f}/s",
        three["fraction_of_configured"],
        ">=",
        0.95,
        "×",
    )
    results.target("recipients lost (3 replicas)", three["lost"], "<=", 0)
    results.target("recipients sent twice (3 replicas)", three["doubled"], "<=", 0)
    results.target("rows failed (a 429 not obeyed, or worse)", three["failed_rows"], "<=", 0)
    results.notes.append(
        f"the rate aimed at is the configured {OVERALL_PER_SECOND:.0f}/s (bot/core/pacing.py "
        "OVERALL_PER_SECOND), a margin under Telegram's ~30/s; fraction_of_telegram is against 30/s"
    )
    one = results.samples[ONE][0]
    results.notes.append(
        "every call counts against the shared rate: the organiser's progress card was edited "
        f"{three['card_edits_per_s']:.2f} times a second with three replicas (each edits it) against "
        f"{one['card_edits_per_s']:.2f} with one, so all calls together ran at "
        f"{three['all_calls_rate']:.1f}/s and {one['all_calls_rate']:.1f}/s"
    )
    return results.to_dict()


# --- entry points --------------------------------------------------------------------------------------


async def measure(
    server: str | None, *, quick: bool, reps: int, only: str | None, members: int, baseline_members: int
) -> list[dict]:
    if not server:
        skipped = Results("replicas_rtt20", "skipped: no TEST_DATABASE_URL or --database-url")
        skipped.notes.append("PostgreSQL is needed: set TEST_DATABASE_URL or pass --database-url")
        return [skipped.to_dict()]
    output = []
    if only in (None, "rtt20"):
        output.append(await run_turns(server, quick, reps))
    if only in (None, "broadcast"):
        output.append(await run_broadcast(server, quick, members, baseline_members))
    return output


def run(quick: bool = False, reps: int = 3) -> list[dict]:
    """For bench/run.py: PostgreSQL from TEST_DATABASE_URL (skipped without it)."""
    server = os.environ.get("TEST_DATABASE_URL", "").strip() or None
    return asyncio.run(
        measure(server, quick=quick, reps=reps, only=None, members=10_000, baseline_members=2_000)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small loads: a smoke run, not for verdicts")
    parser.add_argument("--reps", type=int, default=3, help="rounds of the 20 ms workload (default 3)")
    parser.add_argument("--only", choices=("rtt20", "broadcast"))
    parser.add_argument("--members", type=int, default=10_000, help="the 3 replicas' broadcast")
    parser.add_argument("--baseline-members", type=int, default=2_000, help="the one replica's broadcast")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "").strip() or None,
        help="a PostgreSQL server to create fresh schemas on (default: TEST_DATABASE_URL)",
    )
    args = parser.parse_args()
    output = asyncio.run(
        measure(
            args.database_url,
            quick=args.quick,
            reps=args.reps,
            only=args.only,
            members=args.members,
            baseline_members=args.baseline_members,
        )
    )
    for result in output:
        write_results(result)
        print(render(result), end="\n\n")


if __name__ == "__main__":
    main()
