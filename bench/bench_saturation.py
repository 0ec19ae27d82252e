"""Echo at saturation: 2000 updates from 200 users in one burst, on loopback (no round-trip time)."""

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
    order_violations,
    percentile,
    run_async,
    seeded_database,
    user,
)

BASELINE = "ptb echo, sequential (baseline)"
PERCHAT = "ptb echo, PerChatUpdateProcessor(8)"
OURS = "our bot: free text → fallback"
OURS8 = "our bot with 8 slots instead of 16"


async def _run(quick: bool, reps: int) -> dict:
    users, per_user = (50, 4) if quick else (100, 10)
    results = Results(
        "echo_saturation",
        f"{users * per_user} text updates from {users} users injected at once; the emulator on "
        "loopback (no latency). Throughput = replies / (last reply − injection).",
        params={"updates": users * per_user, "users": users, "reps": reps},
    )
    results.units.update(
        throughput="upd/s", p50="ms", p99="ms", cpu_per_update="ms", stop_s="s", startup_s="s"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-sat-"))
    template = await seeded_database(workdir, users)
    ids = [m[0] for m in members_for(users)]
    items = [(user(uid), f"xin chào {k}") for k in range(per_user) for uid in ids]

    async with EmulatorProcess() as emu:
        configs = {
            BASELINE: lambda: BotProcess(emu, "echo", args=("--mode", "seq")),
            PERCHAT: lambda: BotProcess(emu, "echo", args=("--mode", "perchat", "--concurrency", "8")),
            OURS: lambda: BotProcess(emu, "ours", database=template),
            OURS8: lambda: BotProcess(emu, "ours", database=template, args=("--concurrency", "8")),
            **http_candidates(emu, template),
        }

        async def measure(label: str, bot: BotProcess) -> dict:
            outcome = await burst(bot, items)
            latencies = outcome.latencies()
            metrics = {
                "throughput": outcome.throughput,
                "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99),
                "cpu_per_update": outcome.cpu_ms_per_update(),
            }
            if bot.kind == "echo":
                metrics["order_violations"] = order_violations(items, outcome.replies)
            return metrics

        await interleaved(results, configs, reps, measure)
    results.ratio("per-chat(8) / sequential echo", PERCHAT, BASELINE, "throughput")
    ours = results.ratio("our bot (fallback, real DB) / sequential echo", OURS, BASELINE, "throughput")
    results.target("our bot's cheapest real path vs bare echo", ours["median"], ">=", 0.7, "×")
    results.ratio("our bot with 8 slots / sequential echo", OURS8, BASELINE, "throughput")
    for label in http_candidates(emu, template):
        results.ratio(f"{label} / sequential echo", label, BASELINE, "throughput")
    results.notes.append(
        "our bot has no echo: free text reaches the fallback handler (member lookup in SQLite, "
        "a reply with the menu keyboard), its cheapest real path"
    )
    return results.to_dict()


def run(quick: bool = False, reps: int = 3) -> dict:
    return run_async(_run, quick=quick, reps=reps)


if __name__ == "__main__":
    main_for(run)
