"""Weekly summary at city scale: time to compute one summary and its workbook, and how it grows with the data.

    python bench/bench_summary.py [--reps 5] [--keep DIR]

Builds three databases (1/4, 1/2 and the full city: 2,000 chapters in 300 wards, three years of reports,
trainings with registrations and attendance, seminars with RSVPs, broadcasts with acknowledgements and FAQ
questions), then times `SummaryService.summary(week)` + the workbook, interleaving the sizes over several
repetitions. The baseline is the smallest size measured in the same run. Target: full size under 2 s, growth
no faster than linear. Writes bench/results/summary.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.summary import PeriodInfo, SummaryService, Week, parse_week_key
from bot.i18n import I18n
from bot.views.summary.chart import render_chart
from bot.views.summary.text import render_summary
from bot.views.summary.workbook import render_workbook
from storage.db import Database
from storage.summary import SqliteSummary
from storage.tasks import SqliteTasks

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=VN)
WEEK = "2026-W48"
FULL = {"wards": 300, "chapters": 2000}
SIZES = (0.25, 0.5, 1.0)
YEARS = 3
TARGET_SECONDS = 2.0


class FixedClock:
    def now(self) -> datetime:
        return NOW.astimezone(UTC)


def db_time(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


async def create_schema(path: Path) -> None:
    """The bot's schema: every migration, as at start."""
    db = await Database.open(path)
    await db.close()


def months_back(count: int) -> list[tuple[int, int]]:
    year, month, out = NOW.year, NOW.month, []
    for _ in range(count):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def populate(path: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """Fill the city with executemany; returns the row count per table."""
    rng = random.Random(seed)
    n_wards, n_chapters = round(FULL["wards"] * scale), round(FULL["chapters"] * scale)
    stamp = db_time(NOW - timedelta(days=4 * 365))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    counts: dict[str, int] = {}

    def insert(table: str, sql: str, rows: list[tuple]) -> None:
        conn.executemany(sql, rows)
        counts[table] = counts.get(table, 0) + len(rows)

    with conn:
        insert(
            "wards",
            "INSERT INTO wards (id, name, name_key, active, created_at) VALUES (?, ?, ?, ?, ?)",
            [(w, f"Phường {w}", f"phuong {w}", int(w % 97 != 0), stamp) for w in range(1, n_wards + 1)],
        )
        chapters = [(c, 1 + c % n_wards) for c in range(1, n_chapters + 1)]
        insert(
            "chapters",
            "INSERT INTO chapters (id, ward_id, name, name_key, active, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (c, w, f"Chi hội Khu phố {c}", f"chi hoi khu pho {c}", int(c % 53 != 0), stamp)
                for c, w in chapters
            ],
        )
        members = [(m, chapters[m % n_chapters]) for m in range(1, 3 * n_chapters + 1)]
        insert(
            "members",
            "INSERT INTO members (id, full_name, name_key, status, role, ward_id, chapter_id, "
            "created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)",
            [
                (m, f"Hội viên {m}", f"hoi vien {m}", "admin" if m <= 3 else "cadre", w, c, stamp, stamp)
                for m, (c, w) in members
            ],
        )
        member_ids = [m for m, _ in members]
        reports, excuses = [], []
        for year, month in months_back(12 * YEARS):
            key = f"{year:04d}-{month:02d}"
            current = (year, month) == (NOW.year, NOW.month)
            for chapter, _ in chapters:
                roll = rng.random()
                if roll < 0.01:
                    excuses.append((chapter, key, 1, db_time(datetime(year, month, 10, tzinfo=VN))))
                elif roll < (0.6 if current else 0.92):
                    day = rng.randint(1, 27) if current else rng.randint(10, 28)
                    filed = datetime(year, month, day, rng.randint(7, 21), tzinfo=VN)
                    reports.append((chapter, key, rng.randint(0, 5), 40, db_time(filed), db_time(filed)))
        insert(
            "chapter_reports",
            "INSERT INTO chapter_reports (chapter_id, period_key, new_members, total_members, "
            "filed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            reports,
        )
        insert("report_excuses", "INSERT INTO report_excuses VALUES (?, ?, ?, ?)", excuses)
        first_monday = NOW.date() - timedelta(weeks=52 * YEARS, days=NOW.weekday())
        weeks = [first_monday + timedelta(weeks=i) for i in range(52 * YEARS + 3)]
        trainings, registrations, attendance = [], [], []
        seminars, invitees, broadcasts, acks, questions = [], [], [], [], []
        per_event = max(10, round(60 * scale))
        for index, monday in enumerate(weeks):
            for k in range(3):
                tid = len(trainings) + 1
                starts = datetime.combine(
                    monday + timedelta(days=k * 2), datetime.min.time(), VN
                ) + timedelta(hours=8)
                trainings.append(
                    (
                        tid,
                        f"Tập huấn {tid}",
                        db_time(starts),
                        db_time(starts + timedelta(hours=3)),
                        "Hội trường quận",
                        "cancelled" if tid % 41 == 0 else "scheduled",
                        stamp,
                    )
                )
                people = rng.sample(member_ids, per_event)
                registrations += [(tid, m, "registered", db_time(starts - timedelta(days=3))) for m in people]
                attendance += [(tid, m, db_time(starts), "qr") for m in people if rng.random() < 0.75]
            for k in range(2):
                sid = len(seminars) + 1
                starts = datetime.combine(
                    monday + timedelta(days=1 + k * 2), datetime.min.time(), VN
                ) + timedelta(hours=14)
                seminars.append(
                    (
                        sid,
                        f"Hội thảo {sid}",
                        db_time(starts),
                        db_time(starts + timedelta(hours=2)),
                        "UBND phường",
                        "scheduled",
                        stamp,
                    )
                )
                invitees += [
                    (
                        sid,
                        m,
                        rng.choice(("yes", "yes", "no", "delegated", "pending")),
                        db_time(starts - timedelta(days=7)),
                    )
                    for m in rng.sample(member_ids, 2 * per_event)
                ]
            if monday <= NOW.date():
                for k in range(3):
                    bid = len(broadcasts) + 1
                    sent = datetime.combine(monday + timedelta(days=k), datetime.min.time(), VN) + timedelta(
                        hours=10
                    )
                    broadcasts.append((bid, "done", db_time(sent), db_time(sent), len(member_ids)))
                    acks += [(bid, m, db_time(sent)) for m in rng.sample(member_ids, 4 * per_event)]
                for k in range(round(150 * scale)):
                    asked = datetime.combine(monday, datetime.min.time(), VN) + timedelta(
                        minutes=rng.randint(0, 10079)
                    )
                    outcome = rng.choice(("answer", "answer", "answer", "suggest", "none", "unconfirmed"))
                    forwarded = int(outcome == "none" and rng.random() < 0.5)
                    questions.append(
                        (
                            rng.choice(member_ids),
                            f"câu hỏi {index}-{k}",
                            db_time(asked),
                            outcome,
                            forwarded,
                            "open" if forwarded and index > len(weeks) - 6 else "closed",
                        )
                    )
        insert(
            "trainings",
            "INSERT INTO trainings (id, title, starts_at, ends_at, venue, status, created_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?7, ?7)",
            trainings,
        )
        insert(
            "training_registrations",
            "INSERT INTO training_registrations (training_id, member_id, status, "
            "registered_at, updated_at) VALUES (?, ?, ?, ?4, ?4)",
            registrations,
        )
        insert(
            "training_attendance",
            "INSERT INTO training_attendance (training_id, member_id, checked_in_at, method)"
            " VALUES (?, ?, ?, ?)",
            attendance,
        )
        insert(
            "seminars",
            "INSERT INTO seminars (id, topic, host, starts_at, ends_at, venue, status, created_by, "
            "created_at, updated_at) VALUES (?1, ?2, 'Ban tổ chức', ?3, ?4, ?5, ?6, 1, ?7, ?7)",
            seminars,
        )
        insert(
            "seminar_invitees",
            "INSERT INTO seminar_invitees (seminar_id, member_id, rsvp, invited_at) VALUES (?, ?, ?, ?)",
            invitees,
        )
        insert(
            "broadcasts",
            "INSERT INTO broadcasts (id, created_by, status, sent_at, created_at, recipients) "
            "VALUES (?, 1, ?, ?, ?, ?)",
            broadcasts,
        )
        insert(
            "broadcast_acks",
            "INSERT INTO broadcast_acks (broadcast_id, member_id, acked_at) VALUES (?, ?, ?)",
            acks,
        )
        faq_columns = {row[1] for row in conn.execute("PRAGMA table_info(faq_questions)")}
        if "kind" in faq_columns:  # the FAQ feature's table: status 'sent' = waiting for the organisers
            insert(
                "faq_questions",
                "INSERT INTO faq_questions (member_id, text, asked_at, kind, score, status, "
                "sent_at) VALUES (?1, ?2, ?3, ?4, 0.5, ?5, CASE WHEN ?6 THEN ?3 END)",
                [
                    (m, text, at, kind, "sent" if status == "open" else "logged", forwarded)
                    for m, text, at, kind, forwarded, status in questions
                ],
            )
        else:
            insert(
                "faq_questions",
                "INSERT INTO faq_questions (member_id, text, asked_at, outcome, forwarded, "
                "status) VALUES (?, ?, ?, ?, ?, ?)",
                questions,
            )
    conn.execute("ANALYZE")
    conn.close()
    return counts


async def measure(service: SummaryService, week: Week, translator) -> tuple[float, float, float, int]:
    """Wall and CPU seconds for summary + workbook (+ message text), the chart's wall seconds, workbook size.

    CPU time (all threads of this process, SQLite's included) is reported beside wall time because a busy
    shared machine stretches wall time by the load factor.
    """
    started, cpu = time.perf_counter(), time.process_time()
    summary = await service.summary(week)
    render_summary(translator, summary)
    workbook = render_workbook(translator, summary)
    elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    render_chart(translator, summary)
    return elapsed, cpu_elapsed, time.perf_counter() - started, len(workbook)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the databases in this folder and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-summary-"))
    folder.mkdir(parents=True, exist_ok=True)
    translator = I18n.load().translator("vi")
    week = parse_week_key(WEEK, VN)
    assert week is not None
    sizes: dict[float, dict] = {}
    for scale in SIZES:
        path = folder / f"city-{scale}.db"
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        await create_schema(path)
        rows = populate(path, scale)
        db = await Database.open(path, migrate=False)
        store = SqliteSummary(db)
        async with db.connection() as conn:
            await conn.execute("ANALYZE")
        service = SummaryService(
            store,
            SqliteTasks(db),
            FixedClock(),
            VN,
            period_source=lambda when: PeriodInfo(
                when.astimezone(VN).strftime("%Y-%m"), datetime(2026, 11, 25, 20, tzinfo=VN)
            ),
        )
        sizes[scale] = {
            "db": db,
            "service": service,
            "rows": rows,
            "total_rows": sum(rows.values()),
            "build_s": time.perf_counter() - started,
            "times": [],
            "cpu": [],
            "chart": [],
        }
        print(
            f"built 1/{round(1 / scale)} city: {sum(rows.values()):,} rows in {sizes[scale]['build_s']:.1f} s"
        )
    await measure(sizes[SIZES[0]]["service"], week, translator)  # warm-up: imports, catalogs, matplotlib
    for _ in range(args.reps):
        for scale in SIZES:
            elapsed, cpu, chart, xlsx_bytes = await measure(sizes[scale]["service"], week, translator)
            sizes[scale]["times"].append(elapsed)
            sizes[scale]["cpu"].append(cpu)
            sizes[scale]["chart"].append(chart)
            sizes[scale]["xlsx_bytes"] = xlsx_bytes
    base = sizes[SIZES[0]]
    base_wall, base_cpu = statistics.median(base["times"]), statistics.median(base["cpu"])
    results = []
    load = os.getloadavg()[0]
    print(
        f"\nload average {load:.1f} on {os.cpu_count()} CPUs; medians over {args.reps} interleaved "
        "repetitions"
    )
    print(
        f"{'size':>6} {'rows':>9} {'data×':>6} {'wall median (min–max)':>26} {'wall×':>6} "
        f"{'CPU median (min–max)':>25} {'CPU×':>5} {'exp.':>5} {'chart':>7}"
    )
    for scale in SIZES:
        entry = sizes[scale]
        wall, cpu = statistics.median(entry["times"]), statistics.median(entry["cpu"])
        data_ratio = entry["total_rows"] / base["total_rows"]
        exponent = math.log(cpu / base_cpu) / math.log(data_ratio) if data_ratio > 1 else None
        results.append(
            {
                "scale": scale,
                "rows": entry["rows"],
                "total_rows": entry["total_rows"],
                "wall_median_s": wall,
                "wall_min_s": min(entry["times"]),
                "wall_max_s": max(entry["times"]),
                "cpu_median_s": cpu,
                "cpu_min_s": min(entry["cpu"]),
                "cpu_max_s": max(entry["cpu"]),
                "data_ratio": data_ratio,
                "wall_ratio": wall / base_wall,
                "cpu_ratio": cpu / base_cpu,
                "growth_exponent_cpu": exponent,
                "chart_median_s": statistics.median(entry["chart"]),
                "xlsx_bytes": entry["xlsx_bytes"],
                "build_s": entry["build_s"],
            }
        )
        label = "1/" + str(round(1 / scale)) if scale < 1 else "full"
        print(
            f"{label:>6} {entry['total_rows']:>9,} {data_ratio:>6.2f} "
            f"{wall:>8.3f} s ({min(entry['times']):.3f}–{max(entry['times']):.3f}) {wall / base_wall:>6.2f} "
            f"{cpu:>7.3f} s ({min(entry['cpu']):.3f}–{max(entry['cpu']):.3f}) {cpu / base_cpu:>5.2f} "
            f"{'' if exponent is None else f'{exponent:.2f}':>5} {statistics.median(entry['chart']):>5.2f} s"
        )
    full = results[-1]
    verdict = {
        "target_s": TARGET_SECONDS,
        "full_wall_median_s": full["wall_median_s"],
        "full_cpu_median_s": full["cpu_median_s"],
        "load_average": load,
        "under_target_cpu": full["cpu_median_s"] < TARGET_SECONDS,
        "under_target_wall": full["wall_median_s"] < TARGET_SECONDS,
        "at_most_linear": full["growth_exponent_cpu"] is not None and full["growth_exponent_cpu"] <= 1.1,
    }
    print(
        f"\nfull city: {full['wall_median_s']:.3f} s wall, {full['cpu_median_s']:.3f} s CPU "
        f"(target < {TARGET_SECONDS} s; wall time is stretched by the machine's load). "
        f"CPU growth exponent vs data size: {full['growth_exponent_cpu']:.2f} "
        f"({'at most linear' if verdict['at_most_linear'] else 'faster than linear'})."
    )
    out = ROOT / "bench" / "results" / "summary.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "week": WEEK,
                "reps": args.reps,
                "baseline": "1/4 city, same run",
                "results": results,
                "verdict": verdict,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")
    for entry in sizes.values():
        await entry["db"].close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
