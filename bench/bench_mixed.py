"""A mixed cadre workload through the bot's real handlers and its SQLite database, against a bare echo bot.

Also measures what the bot costs to keep running: resident memory idle and after the load, startup,
and the graceful stop (SIGTERM → process exit).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BotProcess,
    EmulatorProcess,
    Results,
    burst,
    http_candidates,
    interleaved,
    main_for,
    members_for,
    percentile,
    run_async,
    seeded_database,
    user,
)

BASELINE = "ptb echo, sequential (baseline)"
OURS = "our bot: mixed cadre workload"
MIX = (
    "/help",
    "/me",
    "/start",
    "/trainings",
    "/my_seminars",
    "/report",
    "12",
    "/cancel",
    "cho tôi hỏi lịch sinh hoạt tháng này",
    "👤 Thông tin của tôi",
)
"""What cadres send, one reply each: profile and help, upcoming trainings and seminars, the first step of the
monthly report (started, one answer, cancelled), a menu button and free text (→ the FAQ, or the fallback)."""


async def _run(quick: bool, reps: int) -> dict:
    users, per_user = (50, 4) if quick else (100, 10)
    results = Results(
        "mixed_cadre",
        f"{users * per_user} updates from {users} active cadres ({per_user} each, cycling through "
        f"{len(MIX)} kinds: /help, /me, /start, /trainings, /my_seminars, a report started and cancelled, "
        "a menu button, "
        "free text) injected at once; the bot "
        "uses its real handlers and a SQLite database seeded with the sample organisation.",
        params={"updates": users * per_user, "users": users, "mix": list(MIX), "reps": reps},
    )
    results.units.update(
        throughput="upd/s",
        p50="ms",
        p99="ms",
        cpu_per_update="ms",
        rss_idle="MiB",
        rss_after="MiB",
        hwm="MiB",
        stop_s="s",
        startup_s="s",
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-mix-"))
    template = await seeded_database(workdir, users)
    ids = [m[0] for m in members_for(users)]
    items = [(user(uid), MIX[(k + n) % len(MIX)]) for k in range(per_user) for n, uid in enumerate(ids)]

    async with EmulatorProcess() as emu:
        configs = {
            BASELINE: lambda: BotProcess(emu, "echo", args=("--mode", "seq")),
            OURS: lambda: BotProcess(emu, "ours", database=template),
            **http_candidates(emu, template),
        }

        async def measure(label: str, bot: BotProcess) -> dict:
            idle = bot.stats()
            outcome = await burst(bot, items)
            after = bot.stats()
            latencies = outcome.latencies()
            return {
                "throughput": outcome.throughput,
                "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99),
                "cpu_per_update": outcome.cpu_ms_per_update(),
                "rss_idle": idle.rss_mib,
                "rss_after": after.rss_mib,
                "hwm": after.hwm_mib,
            }

        await interleaved(results, configs, reps, measure, idle_s=2.0)
    ratio = results.ratio("our bot (mixed, real DB) / bare echo", OURS, BASELINE, "throughput")
    results.target("mixed workload vs bare echo, throughput", ratio["median"], ">=", 0.8, "×")
    for label in http_candidates(emu, template):
        results.ratio(f"{label} / bare echo", label, BASELINE, "throughput")
    idle = results.median(OURS, "rss_idle")
    results.target("resident memory idle", idle, "<=", 60, " MiB")
    results.target(
        "resident memory after the load / idle", max(results.values(OURS, "rss_after")) / idle, "<=", 1.3, "×"
    )
    results.target("graceful stop (slowest run)", max(results.values(OURS, "stop_s")), "<=", 1.0, " s")
    return results.to_dict()


def run(quick: bool = False, reps: int = 3) -> dict:
    return run_async(_run, quick=quick, reps=reps)


if __name__ == "__main__":
    main_for(run)
