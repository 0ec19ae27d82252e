"""Benchmark: the Zalo path — updates handled per second at 20 ms API round trips, and a broadcast to 1,000.

    python bench/bench_zalo.py [--users 200] [--members 1000] [--rate 50] [--reps 3]

1. Updates. Every user sends one message at once to the real bot (in process, over real HTTP, on the real
   database) through the Zalo emulator answering every call after 20 ms. Zalo's `getUpdates` hands out ONE
   update per call and has no offset, so a long-polling bot cannot take more than one update per round trip:
   the baseline, measured in the same run, is a bare client doing nothing but `getUpdates` in a loop at that
   latency (the ceiling of polling). Webhook mode has no such ceiling: the same load pushed by the emulator's
   webhook is reported beside it, against the same bot on Telegram (long polling, 20 ms) in the same run.
2. Broadcast. One broadcast to `members` Zalo members at a configured pace (ZALO_SEND_RATE=`rate`), with the
   emulator capping calls at 1.2× it and one "Quota exceeded" answer injected on the way (waited out).
   Target: the achieved rate ≥ 0.9× the configured pace, 0 lost, 0 doubled.

Writes bench/results/zalo.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp

from bench.bench_broadcast import add_members
from bot.core.audience import Audience
from bot.core.broadcasts.service import Content, ReportTo, Result
from bot.core.models import Role
from bot.emulator.zalo import ZaloEmulator, ZaloUser
from tests.harness import ZALO_TOKEN, BotUnderTest, zalo_id

RESULTS = ROOT / "bench" / "results" / "zalo.json"
LATENCY_MS = 20.0
FIRST = 300_000


async def polling_ceiling(seconds: float = 3.0) -> float:
    """Updates a second a bare client gets from getUpdates at the latency (one update per call)."""
    async with ZaloEmulator(latency_ms=LATENCY_MS) as emu, aiohttp.ClientSession() as http:
        users = [ZaloUser(zalo_id(FIRST + n), f"U{n}") for n in range(2000)]
        for user in users:
            await emu.send_text(ZALO_TOKEN, user, "xin chào")
        url = f"{emu.base_url}{ZALO_TOKEN}/getUpdates"
        taken, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            async with http.post(url, json={"timeout": 1}) as response:
                taken += bool((await response.json()).get("result"))
        return taken / (time.perf_counter() - started)


async def bot_updates(users: int, *, webhook: bool) -> float:
    """Updates a second the real bot answers (each user's "xin chào" gets its reply)."""
    # Zalo publishes no rate: ZALO_SEND_RATE paces every reply (8/s by default). Lifted here, as
    # bench/our_bot.py lifts Telegram's, to measure what the bot handles; the pace is measured below.
    settings: dict[str, object] = {"zalo_send_rate": 10_000.0}
    if webhook:
        settings["zalo_webhook_secret"] = "bench-secret-1"
    with tempfile.TemporaryDirectory() as tmp:
        async with BotUnderTest.running(Path(tmp), channel="zalo", **settings) as bot:
            assert bot.zalo is not None
            bot.zalo.configure(latency_ms=LATENCY_MS)
            people = [ZaloUser(zalo_id(FIRST + n), f"U{n}") for n in range(users)]
            mark = bot.zalo.mark(ZALO_TOKEN)
            started = time.perf_counter()
            for user in people:
                await bot.zalo.send_text(ZALO_TOKEN, user, "/help")
            await bot.zalo.wait_for(
                ZALO_TOKEN, method="sendMessage", count=users, since=mark, ok=True, timeout=300
            )
            return users / (time.perf_counter() - started)


async def telegram_updates(users: int) -> float:
    """The same load on the Telegram channel (the Bot API emulator at 20 ms), send-rate ceiling lifted."""
    from bot.channels.telegram.channel import TelegramChannel
    from bot.emulator import FakeUser
    from tests.harness import TOKEN

    TelegramChannel.send_rate = 10_000.0
    with tempfile.TemporaryDirectory() as tmp:
        async with BotUnderTest.running(Path(tmp), channel="telegram") as bot:
            bot.emu.configure(latency_ms=LATENCY_MS)
            people = [FakeUser(id=FIRST + n, first_name=f"U{n}") for n in range(users)]
            mark = bot.emu.mark(TOKEN)
            started = time.perf_counter()
            for user in people:
                await bot.emu.send_text(TOKEN, user, "/help")
            await bot.emu.wait_for(TOKEN, method="sendMessage", count=users, since=mark, ok=True, timeout=300)
            return users / (time.perf_counter() - started)


async def broadcast(members: int, rate: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        async with BotUnderTest.running(Path(tmp), channel="zalo", zalo_send_rate=rate) as bot:
            assert bot.zalo is not None
            await bot.member(1, "Phạm Thu Hà", Role.ORGANISER, ward="Phường 1")
            organiser = await bot.services.member_store.find_by_account("zalo", zalo_id(1))
            numbers = await add_members(bot.services.db, members, channel="zalo", account=zalo_id)
            chats = [zalo_id(n) for n in numbers]
            for chat in chats:
                bot.zalo.add_user(ZALO_TOKEN, ZaloUser(chat, "Hội viên"))
            bot.zalo.configure(rate_limit_per_s=rate * 1.2)
            bot.zalo.quota_exceeded(ZALO_TOKEN, 1, method="sendMessage")
            mark = bot.zalo.mark(ZALO_TOKEN)
            created = await bot.services.broadcasts.create(
                organiser,
                Content("<b>Lịch tập huấn tháng 12</b>: thứ Bảy 8h tại Nhà văn hoá"),
                Audience.of(roles=(Role.CADRE,)),
                report_to=ReportTo("zalo", zalo_id(1)),
            )
            assert created.result is Result.OK and created.broadcast is not None, created.result
            batch = created.broadcast.batch
            started = time.perf_counter()
            await bot.runtime.process_due_now()  # the send task queues one message per member
            while True:
                progress = await bot.services.outbox.progress(batch)
                if progress.total >= members and progress.done:
                    break
                await asyncio.sleep(0.05)
            wall = time.perf_counter() - started
            calls = bot.zalo.bot_state(ZALO_TOKEN).calls[mark:]
            rows = await bot.services.outbox.rows(batch)
    sent = Counter(c.chat_id for c in calls if c.method == "sendMessage" and c.ok and c.chat_id in set(chats))
    return {
        "wall_s": wall,
        "rate_per_s": members / wall,
        "fraction_of_pace": members / wall / rate,
        "quota_exceeded": sum(1 for c in calls if not c.ok and c.error_code == 429),
        "failed": Counter(r["status"] for r in rows).get("failed", 0),
        "lost": sum(1 for chat in chats if sent[chat] == 0),
        "duplicates": sum(n - 1 for n in sent.values() if n > 1),
    }


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list] = {"poll_ceiling": [], "poll_bot": [], "telegram": [], "hook_bot": [], "bc": []}
    for rep in range(args.reps):
        runs["poll_ceiling"].append(await polling_ceiling())
        runs["poll_bot"].append(await bot_updates(args.users, webhook=False))
        runs["telegram"].append(await telegram_updates(args.users))
        runs["hook_bot"].append(await bot_updates(args.users, webhook=True))
        runs["bc"].append(await broadcast(args.members, args.rate))
        print(f"rep {rep + 1}: " + ", ".join(f"{k} {v[-1]}" for k, v in runs.items()), flush=True)
    poll = [b / c for b, c in zip(runs["poll_bot"], runs["poll_ceiling"], strict=True)]
    hook = [b / c for b, c in zip(runs["hook_bot"], runs["telegram"], strict=True)]
    pace = [r["fraction_of_pace"] for r in runs["bc"]]
    lost = sum(r["lost"] for r in runs["bc"])
    doubled = sum(r["duplicates"] for r in runs["bc"])
    print()
    print(f"Zalo at {LATENCY_MS:.0f} ms per API call, {args.reps} repetitions; median (min–max)")
    print(f"  long polling: bot {median(runs['poll_bot'])} updates/s, getUpdates ceiling "
          f"{median(runs['poll_ceiling'])}/s → ×{median(poll)}")  # fmt: skip
    print(f"  webhook:      bot {median(runs['hook_bot'])} updates/s, the same bot on Telegram "
          f"{median(runs['telegram'])}/s → ×{median(hook)}")  # fmt: skip
    print(f"  broadcast to {args.members} at {args.rate:.0f}/s: ×{median(pace)} of the pace, "
          f"{sum(r['quota_exceeded'] for r in runs['bc'])} 'Quota exceeded', lost {lost}, doubled {doubled} "
          f"→ target (≥ 0.9×, 0 lost, 0 doubled) {'met' if min(pace) >= 0.9 and not lost and not doubled else 'NOT met'}")  # fmt: skip  # noqa: E501
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"latency_ms": LATENCY_MS, "args": vars(args), "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
