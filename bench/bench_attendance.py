"""500 cadres checking in at the door, against a minimal python-telegram-bot echo bot on the same emulator.

    python bench/bench_attendance.py [--reps 3] [--cadres 500]

Three processes, as in the research notes (e2e-and-perf.md §6): this driver hosts the Bot API emulator and
only injects and waits; each bot under test is a separate process polling the emulator. Per repetition,
interleaved (the order rotates between repetitions):
- echo: a minimal PTB echo bot (default settings), answering every text with itself (the baseline);
- echo_paced: the same echo bot with an AIORateLimiter at the bot's own overall send rate (28 messages a
  second, to stay under Telegram's flood limit): the fastest any bot that respects Telegram's limits can
  answer;
- attendance: the real bot (`python -m bot run`, real SQLite database) where each cadre sends `/checkin CODE`
  for a session whose check-in is open;
- floor (with --floor): the real bot answering a command it does not know, i.e. everything the foundation does
  per update (who is this member, menu, rate limiter) without the attendance feature, to tell the two costs
  apart.
The cadres arrive within a few seconds (evenly over SPREAD_SECONDS). Throughput (replies / (last reply − first
message)), p50/p99 latency (reply recorded − message injected, on the emulator's clock) and bot CPU per update
are reported as medians (min–max) and as same-run ratios against echo. After each attendance run the database
is checked: exactly one check-in row and one confirmation per cadre, none lost and none doubled.
Results go to bench/results/bench_attendance.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from bot.emulator import BotApiEmulator, FakeUser

RESULTS = ROOT / "bench" / "results" / "bench_attendance.json"
SPREAD_SECONDS = 3.0
CONFIGS = ("echo", "echo_paced", "attendance", "attendance_unpaced")
FIRST_USER_ID = 500_000
TARGET_RATIO = 0.8


def run_echo_bot(api_url: str, token: str, paced: bool) -> None:
    """The baseline: the smallest PTB bot that answers every text (runs in its own process).

    `paced` adds an AIORateLimiter at the real bot's overall send rate (bot/channels/telegram)."""
    from telegram import Update
    from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

    from bot.core.pacing import OVERALL_PER_SECOND

    async def echo(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    builder = ApplicationBuilder().token(token).base_url(api_url)
    if paced:
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=OVERALL_PER_SECOND, group_max_rate=20, max_retries=2)
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10, allowed_updates=[Update.MESSAGE])


async def seed_database(path: Path, cadres: int) -> tuple[int, str]:
    """Organisation, 2×cadres active members, one session whose check-in is open now; (training id, code)."""
    from bot.clock import SystemClock
    from bot.core.attendance import AttendanceService, TrainingDraft
    from bot.core.models import MemberStatus, Role
    from bot.core.org import parse_org_csv
    from bot.core.text import fold
    from storage.attendance import SqliteAttendance
    from storage.db import Database, to_db_time
    from storage.members import SqliteMembers
    from storage.org import SqliteOrg

    db = await Database.open(path)
    try:
        now = datetime.now(UTC)
        parsed = parse_org_csv((ROOT / "bot" / "data" / "sample_org.csv").read_bytes())
        await SqliteOrg(db).import_rows(parsed.rows, now=now)
        chapters = await SqliteOrg(db).chapters()
        stamp = to_db_time(now)
        async with db.transaction() as conn:
            for index in range(2 * cadres):
                chapter = chapters[index % len(chapters)]
                name = f"Cán bộ Số {index}"
                cur = await conn.execute(
                    "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, "
                    "created_at, updated_at) VALUES (?, ?, 'active', 'cadre', ?, ?, ?, ?)",
                    (name, fold(name), chapter.ward_id, chapter.id, stamp, stamp),
                )
                user_id = FIRST_USER_ID + index
                await conn.execute(
                    "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, created_at) "
                    "VALUES (?, 'telegram', ?, ?, ?)",
                    (cur.lastrowid, str(user_id), str(user_id), stamp),
                )
        members = SqliteMembers(db)
        organiser = await members.create_visitor(
            channel="telegram",
            external_id="1",
            chat_id="1",
            display_name="Ban tổ chức",
            username=None,
            now=now,
        )
        organiser = await members.update(
            organiser.id,
            now=now,
            actor_id=None,
            action="bench",
            status=MemberStatus.ACTIVE,
            role=Role.ORGANISER,
        )
        service = AttendanceService(SqliteAttendance(db), SystemClock(), members)
        starts = now + timedelta(minutes=20)
        created = await service.create(
            organiser,
            TrainingDraft("Tập huấn đo tải", starts, starts + timedelta(hours=3), "Hội trường UBND Phường 1"),
        )
        assert created.training is not None
        code = await service.checkin_code(organiser, created.training.id)
        assert code.code is not None
        return created.training.id, code.code
    finally:
        await db.close()


@dataclass
class Phase:
    throughput: float
    p50_ms: float
    p99_ms: float
    replies: int


@dataclass
class Run:
    config: str
    rep: int
    load: Phase
    cpu_ms_per_update: float
    checks: dict = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def phase(emu: BotApiEmulator, token: str, users: list[FakeUser], text: str, *, spread: float) -> Phase:
    """Inject one message per user (all at once, or evenly over `spread` seconds) and wait for every reply."""
    since = emu.mark(token)
    waiter = asyncio.ensure_future(
        emu.wait_for(token, method="sendMessage", count=len(users), since=since, ok=True, timeout=120)
    )
    injected: dict[int, float] = {}
    start = time.monotonic()
    step = spread / len(users) if spread else 0.0
    for index, user in enumerate(users):
        if step:
            delay = start + index * step - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        injected[user.id] = time.monotonic()
        await emu.send_text(token, user, text)
    calls = await waiter
    latencies = [(c.time - injected[c.chat_id]) * 1000 for c in calls if c.chat_id in injected]
    first, last = min(injected.values()), max(c.time for c in calls)
    return Phase(
        len(calls) / (last - first), percentile(latencies, 0.5), percentile(latencies, 0.99), len(calls)
    )


async def wait_until_polling(
    emu: BotApiEmulator, token: str, process: asyncio.subprocess.Process, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.returncode is not None:
            raise RuntimeError(f"bot exited early with {process.returncode}")
        try:
            await emu.wait_polling(token, timeout=0.5)
            return
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


async def one_run(
    emu: BotApiEmulator,
    config: str,
    rep: int,
    cadres: int,
    template: Path,
    code: str,
    training_id: int,
    workdir: Path,
) -> Run:
    token = f"{700000 + rep * 10 + CONFIGS.index(config)}:BENCH-{config}-{rep}-token"
    users = [FakeUser(id=FIRST_USER_ID + i, first_name=f"Cán bộ {i}") for i in range(cadres)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost"}
    db_path = None
    if config.startswith("echo"):
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--echo-bot",
            emu.base_url,
            token,
            "paced" if config == "echo_paced" else "raw",
        ]
    else:
        db_path = workdir / f"run-{config}-{rep}.db"
        shutil.copy(template, db_path)
        env.update(
            TELEGRAM_BOT_TOKEN=token,
            TELEGRAM_API_URL=emu.base_url,
            DATABASE_PATH=str(db_path),
            LOG_LEVEL="WARNING",
        )
        command = (
            [sys.executable, str(ROOT / "bench" / "our_bot.py")]
            if config == "attendance_unpaced"
            else [sys.executable, "-m", "bot", "run"]
        )
    text = "/ping" if config == "floor" else f"/checkin {code}"
    emu.bot_state(token)
    log_path = workdir / f"{config}-{rep}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log
        )
    try:
        await wait_until_polling(emu, token, process)
        await asyncio.sleep(0.5)
        cpu_before = cpu_seconds(process.pid)
        load = await phase(emu, token, users, text, spread=SPREAD_SECONDS)
        cpu = (cpu_seconds(process.pid) - cpu_before) * 1000 / cadres
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()
    errors = log_path.read_text(errors="replace")
    if "Traceback" in errors:
        print(f"{config} bot logged errors:\n{errors[-2000:]}", file=sys.stderr)
    run = Run(config, rep, load, cpu)
    if config.startswith("attendance") and db_path is not None:
        run.checks = verify(emu, token, db_path, training_id, users)
    return run


def verify(emu: BotApiEmulator, token: str, db_path: Path, training_id: int, users: list[FakeUser]) -> dict:
    """No lost and no doubled check-ins: one row and one confirmation per cadre."""
    with sqlite3.connect(db_path) as conn:
        rows, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT member_id) FROM training_attendance WHERE training_id = ? "
            "AND checked_in_at IS NOT NULL",
            (training_id,),
        ).fetchone()
    replies: dict[int, list[str]] = {}
    for call in emu.calls(token, method="sendMessage", ok=True):
        replies.setdefault(call.chat_id, []).append(str(call.params.get("text", "")))
    confirmed = sum(
        1 for u in users if len(replies.get(u.id, [])) == 1 and "Đã điểm danh" in replies[u.id][0]
    )
    checks = {"rows": rows, "distinct_members": distinct, "expected": len(users), "confirmed_once": confirmed}
    assert rows == distinct == len(users), f"lost or doubled check-ins: {checks}"
    assert confirmed == len(users), f"not every cadre got exactly one confirmation: {checks}"
    return checks


def median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


async def main(reps: int, cadres: int, floor: bool) -> int:
    global CONFIGS
    if floor:
        CONFIGS = (*CONFIGS, "floor")
    with tempfile.TemporaryDirectory(prefix="bench-attendance-") as tmp:
        workdir = Path(tmp)
        template = workdir / "template.db"
        training_id, code = await seed_database(template, cadres)
        runs: list[Run] = []
        async with BotApiEmulator() as emu:
            for rep in range(reps):
                order = CONFIGS[rep % len(CONFIGS) :] + CONFIGS[: rep % len(CONFIGS)]
                for config in order:
                    run = await one_run(emu, config, rep, cadres, template, code, training_id, workdir)
                    runs.append(run)
                    print(
                        f"rep {rep} {config:10s} {run.load.throughput:7.1f} upd/s p50 {run.load.p50_ms:7.1f} "
                        f"ms p99 {run.load.p99_ms:7.1f} ms | cpu {run.cpu_ms_per_update:.2f} ms/upd "
                        f"{run.checks or ''}",
                        flush=True,
                    )
    report = summarise(runs, reps, cadres)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print_table(report)
    raw = report["ratios"]["attendance/echo"]["throughput"]["median"]
    paced = report["ratios"]["attendance/echo_paced"]["throughput"]["median"]
    unpaced = report["ratios"]["attendance_unpaced/echo"]["throughput"]["median"]
    ok = paced >= TARGET_RATIO and unpaced >= TARGET_RATIO
    print(
        f"\ntarget: attendance ≥ {TARGET_RATIO} × echo throughput, both with Telegram's pacing on each side "
        f"(×{paced:.2f}) and with the send-rate ceiling lifted against the bare echo bot (×{unpaced:.2f}) → "
        f"{'met' if ok else 'NOT met'} (production bot against the unpaced echo bot: ×{raw:.2f}); "
        f"no lost or doubled check-ins in {reps} runs ({cadres} cadres each)"
    )
    print(f"results written to {RESULTS.relative_to(ROOT)}")
    return 0 if ok else 1


def summarise(runs: list[Run], reps: int, cadres: int) -> dict:
    metrics = {
        "throughput": lambda r: r.load.throughput,
        "p50_ms": lambda r: r.load.p50_ms,
        "p99_ms": lambda r: r.load.p99_ms,
        "cpu_ms_per_update": lambda r: r.cpu_ms_per_update,
    }

    def spread(values: list[float]) -> dict:
        return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}

    def value(config: str, rep: int, getter) -> float:
        return next(getter(r) for r in runs if r.config == config and r.rep == rep)

    table = {
        name: {config: spread([getter(r) for r in runs if r.config == config]) for config in CONFIGS}
        for name, getter in metrics.items()
    }
    ratios = {}
    pairs = [
        ("attendance", "echo"),
        ("attendance", "echo_paced"),
        ("attendance_unpaced", "echo"),
        ("echo_paced", "echo"),
    ]
    if "floor" in CONFIGS:
        pairs += [("floor", "echo_paced"), ("attendance", "floor")]
    for top, bottom in pairs:
        ratios[f"{top}/{bottom}"] = {
            name: spread([value(top, rep, getter) / value(bottom, rep, getter) for rep in range(reps)])
            for name, getter in metrics.items()
        }
    return {
        "benchmark": "500 cadres check in: attendance bot vs PTB echo bot on the same emulator",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cadres": cadres,
        "spread_seconds": SPREAD_SECONDS,
        "repetitions": reps,
        "load_average": os.getloadavg(),
        "metrics": table,
        "ratios": ratios,
        "checks": [r.checks for r in runs if r.config == "attendance"],
    }


def print_table(report: dict) -> None:
    print(
        f"\n{report['cadres']} cadres within {report['spread_seconds']} s, {report['repetitions']} "
        f"interleaved repetitions; median (min–max); load average {report['load_average'][0]:.1f}"
    )
    print(
        f"{'metric':18s}"
        + "".join(f"{c:>27s}" for c in CONFIGS)
        + "".join(f"{r:>27s}" for r in report["ratios"])
    )
    for name, row in report["metrics"].items():
        cells = [median_range(row[c]["values"]) for c in CONFIGS]
        for ratio in report["ratios"].values():
            cells.append(f"×{ratio[name]['median']:.2f} ({ratio[name]['min']:.2f}–{ratio[name]['max']:.2f})")
        print(f"{name:18s}" + "".join(f"{c:>27s}" for c in cells))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--echo-bot":
        run_echo_bot(sys.argv[2], sys.argv[3], sys.argv[4] == "paced")
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cadres", type=int, default=500)
    parser.add_argument(
        "--floor", action="store_true", help="also measure the bot without the attendance feature"
    )
    arguments = parser.parse_args()
    raise SystemExit(asyncio.run(main(arguments.reps, arguments.cadres, arguments.floor)))
