"""Benchmark: one broadcast to 1,000 members through the emulator enforcing Telegram's 30 messages a second.

    python bench/bench_broadcast.py [--members 1000] [--reps 3] [--measure-baseline]

Reports the achieved rate as a fraction of the limit (target ≥ 0.9), HTTP 429 answers and how many were left
unhandled (a row that ended failed because of them), lost recipients and duplicates. The baseline is the
theory (N − burst) / rate for the emulator's configured bucket; with --measure-baseline an ideal client that
sends exactly at the emulator's limits over raw HTTP is timed too, interleaved with the bot's runs (each run
takes ~35 s). Writes bench/results/broadcast.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp

from bot.core.audience import Audience
from bot.core.broadcasts.service import Content, ReportTo, Result
from bot.core.models import Role
from bot.emulator import BotApiEmulator
from storage.db import Database, to_db_time
from tests.harness import TOKEN, BotUnderTest

FIRST_CHAT = 100_000
warnings.filterwarnings("ignore", message=".*per_message=False.*")


async def add_members(
    db: Database, count: int, *, channel: str = "telegram", account: Callable[[int], str] | None = None
) -> list[int]:
    """`count` active cadres spread over the chapters, on `channel` (their preferred one); their chat ids
    are FIRST_CHAT + n, written on the channel as `account(chat)` (default: the number itself)."""
    now = to_db_time(datetime.now(UTC))
    chapters = [
        (r["id"], r["ward_id"]) for r in await db.fetch_all("SELECT id, ward_id FROM chapters ORDER BY id")
    ]
    chats = []
    async with db.transaction() as conn:
        for n in range(count):
            chapter_id, ward_id = chapters[n % len(chapters)]
            cur = await conn.execute(
                "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, locale, "
                "channel, created_at, updated_at) VALUES (?, ?, 'active', 'cadre', ?, ?, 'vi', ?, ?, ?)",
                (f"Hội viên {n:04d}", f"hoi vien {n:04d}", ward_id, chapter_id, channel, now, now),
            )
            chat = FIRST_CHAT + n
            external = account(chat) if account is not None else str(chat)
            await conn.execute(
                "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (cur.lastrowid, channel, external, external, now),
            )
            chats.append(chat)
    return chats


async def run_bot(members: int) -> dict:
    """The real bot (in process, over HTTP) sends one broadcast; measured from Confirm to the last outcome."""
    with tempfile.TemporaryDirectory() as tmp:
        async with BotUnderTest.running(Path(tmp)) as bot:
            await bot.member(1, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
            organiser = await bot.services.member_store.find_by_account("telegram", "1")
            chats = await add_members(bot.services.db, members)
            bot.emu.configure(rate_limits=True)
            limits = bot.emu.config.limits
            created = await bot.services.broadcasts.create(
                organiser,
                Content("<b>Lịch tập huấn tháng 12</b>: thứ Bảy 8h tại Nhà văn hoá"),
                Audience.any_of(roles=(Role.CADRE,)),
                report_to=ReportTo("telegram", "1"),
            )
            assert created.result is Result.OK and created.broadcast is not None
            batch = created.broadcast.batch
            mark = bot.emu.mark(TOKEN)
            started = time.perf_counter()
            await bot.runtime.process_due_now()  # the send task queues one message per member
            while True:
                progress = await bot.services.outbox.progress(batch)
                if progress.total >= members and progress.done:
                    break
                await asyncio.sleep(0.05)
            wall = time.perf_counter() - started
            calls = [
                c
                for c in bot.emu.bot_state(TOKEN).calls[mark:]
                if c.method == "sendMessage" and isinstance(c.chat_id, int) and c.chat_id >= FIRST_CHAT
            ]
            rows = await bot.services.outbox.rows(batch)
            await bot.settle()
    sent = Counter(c.chat_id for c in calls if c.ok)
    statuses = Counter(r["status"] for r in rows)
    return {
        "wall_s": wall,
        "rate_per_s": members / wall,
        "fraction_of_limit": members / wall / limits.global_per_s,
        "http_429": sum(1 for c in calls if not c.ok and c.error_code == 429),
        "unhandled_429": sum(1 for r in rows if r["status"] == "failed" and "429" in (r["error"] or "")),
        "failed": statuses.get("failed", 0),
        "lost": sum(1 for chat in chats if sent[chat] == 0),
        "duplicates": sum(n - 1 for n in sent.values() if n > 1),
        "limit_per_s": limits.global_per_s,
        "burst": limits.global_burst,
    }


async def run_ideal_client(members: int) -> dict:
    """A client sending exactly at the emulator's bucket (burst, then rate) over raw HTTP: the measured
    baseline."""
    async with BotApiEmulator(rate_limits=True) as emu, aiohttp.ClientSession() as session:
        limits = emu.config.limits
        url = f"{emu.base_url}{TOKEN}/sendMessage"
        started = time.perf_counter()
        rejected = 0
        for n in range(members):
            due = started + max(0.0, (n + 1 - limits.global_burst) / limits.global_per_s)
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            while True:
                async with session.post(
                    url, json={"chat_id": FIRST_CHAT + n, "text": "Lịch tập huấn"}
                ) as response:
                    body = await response.json()
                if body["ok"]:
                    break
                rejected += 1
                await asyncio.sleep(body.get("parameters", {}).get("retry_after", 1))
        wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "rate_per_s": members / wall,
        "fraction_of_limit": members / wall / limits.global_per_s,
        "http_429": rejected,
    }


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--measure-baseline", action="store_true", help="also time an ideal raw-HTTP client")
    args = parser.parse_args()
    bot_runs: list[dict] = []
    ideal_runs: list[dict] = []
    for rep in range(args.reps):
        if args.measure_baseline:
            ideal_runs.append(await run_ideal_client(args.members))
            print(f"rep {rep + 1}: ideal client {ideal_runs[-1]['wall_s']:.2f} s", flush=True)
        bot_runs.append(await run_bot(args.members))
        print(
            f"rep {rep + 1}: bot {bot_runs[-1]['wall_s']:.2f} s, 429s {bot_runs[-1]['http_429']}", flush=True
        )
    first = bot_runs[0]
    theory = (args.members - first["burst"]) / first["limit_per_s"]
    walls = [r["wall_s"] for r in bot_runs]
    print()
    print(
        f"broadcast to {args.members} members, emulator limit {first['limit_per_s']:.0f}/s "
        f"(burst {first['burst']:.0f}), {args.reps} repetitions; median (min–max)"
    )
    print(f"{'metric':<34}{'value':>28}")
    print(f"{'bot wall time, s':<34}{summary(walls):>28}")
    print(f"{'theory (N − burst) / rate, s':<34}{theory:>28.3f}")
    if ideal_runs:
        print(f"{'ideal client wall time, s':<34}{summary([r['wall_s'] for r in ideal_runs]):>28}")
        print(
            f"{'bot / ideal client, time':<34}"
            f"{summary([b['wall_s'] / i['wall_s'] for b, i in zip(bot_runs, ideal_runs, strict=True)]):>28}"
        )
    print(f"{'bot / theory, time':<34}{summary([w / theory for w in walls]):>28}")
    print(f"{'achieved rate, msg/s':<34}{summary([r['rate_per_s'] for r in bot_runs]):>28}")
    print(f"{'fraction of the limit (≥ 0.9)':<34}{summary([r['fraction_of_limit'] for r in bot_runs]):>28}")
    for key in ("http_429", "unhandled_429", "failed", "lost", "duplicates"):
        print(f"{key + ' (max over runs)':<34}{max(r[key] for r in bot_runs):>28}")
    out = ROOT / "bench" / "results" / "broadcast.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "members": args.members,
                "reps": args.reps,
                "theory_s": theory,
                "bot": bot_runs,
                "ideal_client": ideal_runs,
            },
            indent=2,
        )
    )
    print(f"\nwritten {out.relative_to(ROOT)}")
    ok = all(
        r["fraction_of_limit"] >= 0.9 and r["lost"] == 0 and r["duplicates"] == 0 and r["unhandled_429"] == 0
        for r in bot_runs
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
