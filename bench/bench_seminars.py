"""Reminder fan-out for a large seminar, against plain outbox enqueueing of the same number of messages.

    python bench/bench_seminars.py [--reps 3] [--sizes 200 1000]

In one process, on a real SQLite file: N invitees (half attending, half not answered). Per repetition and
size, interleaved:
- baseline: enqueue N pre-rendered text messages into the outbox (one transaction);
- reminder: run the real `seminar_reminder` task handler: read the seminar and its invitees fresh, render each
  text in the invitee's language, write the .ics blob, enqueue N messages with dedupe keys.
Reported: medians (min–max) in ms, per-message µs, and the same-run ratio reminder/baseline. A second run of
the same reminder task is also timed (after a crash it runs again): it must enqueue nothing.
Results go to bench/results/bench_seminars.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import AdjustableClock
from bot.config import Settings
from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.org import parse_org_csv
from bot.core.seminars.models import REMINDER
from bot.core.seminars.service import SeminarDraft
from bot.core.text import fold
from bot.services import Services
from handlers.seminars.jobs import remind
from storage.db import Database, to_db_time
from storage.outbox import OutgoingMessage
from storage.tasks import Task

RESULTS = ROOT / "bench" / "results" / "bench_seminars.json"
STARTS = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


async def build(path: Path, size: int) -> tuple[Services, int]:
    """A database with `size` invited cadres (every other one attending) and one seminar; (services, id)."""
    clock = AdjustableClock(STARTS - timedelta(days=7), frozen=True)
    db = await Database.open(path)
    services = await Services.create(Settings(bot_token=None, database_path=path), clock, db=db)
    now = clock.now()
    parsed = parse_org_csv((ROOT / "bot" / "data" / "sample_org.csv").read_bytes())
    await services.org.import_rows(parsed.rows, now=now)
    chapters = await services.org.chapters()
    stamp = to_db_time(now)
    async with db.transaction() as conn:
        for index in range(size + 1):
            chapter = chapters[index % len(chapters)]
            name = "Ban tổ chức" if index == 0 else f"Cán bộ Số {index}"
            cur = await conn.execute(
                "INSERT INTO members (full_name, name_key, status, role, ward_id, chapter_id, locale, "
                "created_at, updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    fold(name),
                    "organiser" if index == 0 else "cadre",
                    chapter.ward_id,
                    chapter.id,
                    "en" if index % 10 == 0 else "vi",
                    stamp,
                    stamp,
                ),
            )
            await conn.execute(
                "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, created_at) "
                "VALUES (?, 'telegram', ?, ?, ?)",
                (cur.lastrowid, str(index), str(index), stamp),
            )
    organiser = await services.member_store.find_by_account("telegram", "0")
    created = await services.seminars.create(
        organiser,
        SeminarDraft(
            topic="Tọa đàm đo tải",
            host="Phường 1",
            starts_at=STARTS,
            venue="Hội trường UBND Phường 1",
            audience=Audience.of(roles=(Role.CADRE,)),
            agenda="Khai mạc\nThảo luận",
        ),
    )
    assert created.seminar is not None and created.invited == size
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE seminar_invitees SET rsvp = 'yes' WHERE seminar_id = ? AND member_id % 2 = 0",
            (created.seminar.id,),
        )
    clock.set(STARTS - timedelta(days=1) + timedelta(minutes=1))
    return services, created.seminar.id


async def baseline(services: Services, size: int, tag: str) -> float:
    messages = [
        OutgoingMessage(f"bench:{tag}:{i}", None, str(i), f"Nhắc lịch tọa đàm {i}") for i in range(size)
    ]
    start = time.perf_counter()
    added = await services.outbox.enqueue(f"bench:{tag}", messages, now=services.clock.now())
    elapsed = time.perf_counter() - start
    assert added == size
    return elapsed


async def reminder(app: SimpleNamespace, seminar_id: int, tag: str) -> tuple[float, float]:
    services: Services = app.bot_data["services"]
    task = Task(
        f"seminar:{seminar_id}:v0:remind:86400:{tag}",
        REMINDER,
        services.clock.now(),
        {"seminar_id": seminar_id, "version": 0, "offset": 86400},
        0,
    )
    before = await services.outbox.pending_count()
    start = time.perf_counter()
    await remind(app, task)  # type: ignore[arg-type]
    first = time.perf_counter() - start
    middle = await services.outbox.pending_count()
    start = time.perf_counter()
    await remind(app, task)  # type: ignore[arg-type]
    again = time.perf_counter() - start
    assert middle - before > 0 and await services.outbox.pending_count() == middle, "a rerun must add nothing"
    return first, again


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


async def main(reps: int, sizes: list[int]) -> None:
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        worlds = {size: await build(Path(tmp) / f"bench-{size}.db", size) for size in sizes}
        samples: dict[int, dict[str, list[float]]] = {
            s: {"baseline": [], "reminder": [], "rerun": []} for s in sizes
        }
        for rep in range(reps):
            for size, (services, seminar_id) in worlds.items():
                app = SimpleNamespace(bot_data={"services": services})
                samples[size]["baseline"].append(await baseline(services, size, f"{size}:{rep}"))
                first, again = await reminder(app, seminar_id, f"{rep}")
                samples[size]["reminder"].append(first)
                samples[size]["rerun"].append(again)
        for services, _ in worlds.values():
            await services.close()
    print(
        f"{'invitees':>8} | {'baseline ms':>22} | {'reminder ms':>22} | {'rerun ms':>20} | {'µs/msg':>7} | "
        "ratio"
    )
    for size in sizes:
        row = {k: summary([v * 1000 for v in vs]) for k, vs in samples[size].items()}
        ratios = [r / b for r, b in zip(samples[size]["reminder"], samples[size]["baseline"], strict=True)]
        row["ratio_reminder_over_baseline"] = summary(ratios)
        results[str(size)] = row

        def cell(stats: dict[str, float]) -> str:
            return f"{stats['median']:.1f} ({stats['min']:.1f}–{stats['max']:.1f})"

        per_message = row["reminder"]["median"] * 1000 / size
        print(
            f"{size:>8} | {cell(row['baseline']):>22} | {cell(row['reminder']):>22} | "
            f"{cell(row['rerun']):>20} | {per_message:>7.0f} | "
            f"×{row['ratio_reminder_over_baseline']['median']:.2f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"reps": reps, "sizes": sizes, "results": results}, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    args = parser.parse_args()
    asyncio.run(main(args.reps, args.sizes))
