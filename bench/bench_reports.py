"""How long the reports picture takes: the pure roll-up, the roll-up from the database, a year's Excel export.

    python bench/bench_reports.py

Baseline: listing the chapters from the database (one query), measured in the same run. Prints medians with
min–max over interleaved repetitions and writes bench/results/reports.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import AdjustableClock
from bot.core.models import Member, MemberStatus, Role
from bot.core.org import parse_org_csv
from bot.core.reports import ReportRow, ReportService, ReportValues, period_from_key, roll_up
from bot.i18n import I18n
from handlers.reports.export import workbook_bytes
from storage.db import Database
from storage.org import SqliteOrg
from storage.reports import SqliteReports
from storage.tasks import SqliteTasks

REPETITIONS = 5
INNER = {
    "baseline: list chapters": 50,
    "pure roll-up (79 chapters)": 200,
    "roll-up from the database": 20,
    "Excel export, 12 months": 1,
}
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


async def setup(folder: Path) -> tuple[Database, ReportService, SqliteOrg]:
    db = await Database.open(folder / "bench.db")
    now = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    org = SqliteOrg(db)
    await org.import_rows(
        parse_org_csv((ROOT / "bot" / "data" / "sample_org.csv").read_bytes()).rows, now=now
    )
    store = SqliteReports(db)
    for month in MONTHS:
        for chapter in await org.chapters():
            if (chapter.id + int(month[-2:])) % 4:
                await store.save(
                    chapter.id,
                    month,
                    ReportValues(chapter.id % 5, 40 + chapter.id % 30),
                    actor_id=None,
                    on_behalf=False,
                    now=now - timedelta(days=chapter.id % 40),
                )
    return db, ReportService(store, org, SqliteTasks(db), AdjustableClock(now)), org


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db, service, org = await setup(Path(folder))
        rows = await service.chapter_rows()
        rp = await service.period("2026-11")
        assert rp is not None
        reports = [
            ReportRow(r.chapter_id, r.new_members, r.total_members, r.filed_at)
            for r in await service._store.for_periods(["2026-11"])
        ]
        t = I18n.load().translator("vi")
        organiser = Member(1, "Bench", MemberStatus.ACTIVE, Role.ORGANISER)
        first, last = period_from_key(MONTHS[0]), period_from_key(MONTHS[-1])

        async def baseline() -> None:
            await org.chapters()

        async def pure() -> None:
            roll_up(rows, reports, [], rp.deadline)

        async def from_db() -> None:
            await service.rollup("2026-11")

        async def export() -> None:
            data = await service.export(organiser, first, last)
            workbook_bytes(data, t)

        cases = {
            "baseline: list chapters": baseline,
            "pure roll-up (79 chapters)": pure,
            "roll-up from the database": from_db,
            "Excel export, 12 months": export,
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(REPETITIONS):
            for name, case in cases.items():
                start = time.perf_counter()
                for _ in range(INNER[name]):
                    await case()
                samples[name].append((time.perf_counter() - start) / INNER[name] * 1000)
        await db.close()
    base = statistics.median(samples["baseline: list chapters"])
    print(f"{'case':32} {'median ms':>10} {'min–max ms':>18} {'× baseline':>11}")
    results = {}
    for name, values in samples.items():
        median = statistics.median(values)
        results[name] = {
            "median_ms": median,
            "min_ms": min(values),
            "max_ms": max(values),
            "ratio_to_baseline": median / base,
            "repetitions": REPETITIONS,
        }
        print(f"{name:32} {median:10.3f} {min(values):8.3f}–{max(values):<9.3f} {median / base:11.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reports.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
