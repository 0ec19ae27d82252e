"""The chair's weekly summary at city scale, on SQLite and on PostgreSQL, against the sample district.

    python bench/bench_summary_city.py [--quick] [--reps 3] [--database-url postgresql://…] [--rebuild]

Two organisations with the same habits: the sample district (bot/data/sample_org.csv: 15 wards, 79
chapters) and a city (168 wards and communes as in Hồ Chí Minh City since 2025, 2,000 chapters). For each,
3 years of a weekly reporting period (deadline Friday 20:00): most chapters report every week, some late,
some never, a few excused, a few corrected afterwards (each filing and correction with its audit row, as the
report flow writes them); trainings with registrations and check-ins, seminars with invitations and answers,
broadcasts with their outbox deliveries and acknowledgements, FAQ questions with the ones sent on to the
organisers, summary subscriptions and past deliveries. Members follow the real model: a few cadres per
chapter, a ward lead or two per ward, organisers and admins, some pending, inactive or mere visitors, each
with a channel account.

The rows are generated from a fixed seed and written with executemany in one transaction through the storage
layer (`Database.transaction()`, so the same SQL reaches PostgreSQL through storage/dialect.py), into freshly
migrated databases. The SQLite files are kept in bench/.cache (keyed by DATA_VERSION and the years; delete
them or pass --rebuild); PostgreSQL gets a fresh schema on TEST_DATABASE_URL (or --database-url), dropped at
the end.

Timed: what `python -m bot summary --xlsx … --png …` does, and the Monday task builds for the chair, for the
week that just ended (Monday 07:00): `SummaryService.summary(week)` (the facts from SQL and the arithmetic),
`render_summary` (the message), `render_chart` (the PNG) and `render_workbook` (the .xlsx). Each of the four
configurations (district and city on each back-end) runs once per round, in rotating order, after a warm-up
(imports, fonts, catalogs: paid once per bot process; measured apart). Ratios are city / district of the same
round on the same back-end. Target: the city under 2 s on each back-end. The rendered text must be the same
on both back-ends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PYTHON, Results, render, write_results
from bot.clock import AdjustableClock
from bot.config import Settings
from bot.core.audience import EVERYONE, Audience, Group
from bot.core.models import Role
from bot.core.org import parse_org_csv
from bot.core.summary import Week, parse_week_key
from bot.core.text import fold
from bot.i18n import Translator
from bot.services import Services
from bot.views.summary.chart import render_chart
from bot.views.summary.text import render_summary
from bot.views.summary.workbook import render_workbook
from storage.db import Database

DATA_VERSION = 3
"""Bump when the generated data changes: cached SQLite files of another version are not used."""
CACHE = ROOT / "bench" / ".cache"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=VN)
"""Monday 07:00, when the summary goes out: it covers the week that just ended."""
WEEK = "2026-W48"
YEARS = 3
QUICK_YEARS = 1
TARGET_S = 2.0
DEADLINE_WEEKDAY = 5
DEADLINE_HOUR = 20
CHUNK = 20_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh", "Hữu", "Thu", "Đức", "Kim"]
GIVEN = ["An", "Lan", "Tuấn", "Hoa", "Bảo", "Hà", "Minh", "Mai", "Hùng", "Cúc", "Dũng", "Tâm", "Phúc", "Yến"]


@dataclass(frozen=True)
class Org:
    """Wards in order, each with its chapters' names."""

    label: str
    wards: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def chapters(self) -> int:
        return sum(len(chapters) for _, chapters in self.wards)


def district_org() -> Org:
    """The sample district the bot ships with (15 wards, 79 chapters)."""
    parsed = parse_org_csv((ROOT / "bot" / "data" / "sample_org.csv").read_bytes())
    wards: dict[str, list[str]] = {}
    for row in parsed.rows:
        wards.setdefault(row.ward, []).append(row.chapter)
    return Org("district", tuple((ward, tuple(names)) for ward, names in wards.items()))


def city_org(chapters: int = 2000, seed: int = 168) -> Org:
    """113 wards, 54 communes and a special zone (Hồ Chí Minh City since 2025), 2,000 chapters among them."""
    rng = random.Random(seed)
    names = [f"Phường {i}" for i in range(1, 114)] + [f"Xã {i}" for i in range(1, 55)] + ["Đặc khu Côn Đảo"]
    sizes = [rng.randint(6, 18) for _ in names]
    while sum(sizes) != chapters:
        i = rng.randrange(len(sizes))
        step = 1 if sum(sizes) < chapters else -1
        if 4 <= sizes[i] + step <= 20:
            sizes[i] += step
    unit = {"Phường": "Khu phố", "Xã": "Ấp", "Đặc": "Khu dân cư"}
    return Org(
        "city",
        tuple(
            (name, tuple(f"Chi hội {unit[name.split()[0]]} {k}" for k in range(1, size + 1)))
            for name, size in zip(names, sizes, strict=True)
        ),
    )


# --- the data -------------------------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    table.strip(): tuple(columns.split())
    for table, columns in (
        line.split(":")
        for line in """
        wards: id name name_key active created_at
        chapters: id ward_id name name_key kind active created_at
        members: id full_name name_key status role ward_id chapter_id phone locale requested_at decided_by
            decided_at created_at updated_at channel
        channel_accounts: id member_id channel external_id chat_id username blocked_at created_at
        audit_log: at actor_id action entity entity_id details
        chapter_reports: id chapter_id period_key new_members total_members note photo_file_id filed_by
            on_behalf filed_at updated_at updated_by
        report_excuses: chapter_id period_key excused_by created_at
        trainings: id title starts_at ends_at venue capacity audience status created_by created_at updated_at
        training_registrations: training_id member_id status registered_at updated_at
        training_attendance: training_id member_id checked_in_at method late
        seminars: id topic host starts_at ends_at venue status created_by created_at audience updated_at
        seminar_invitees: seminar_id member_id rsvp responded_at invited_at
        broadcasts: id created_by text kind audience root_id status sent_at finished_at recipients skipped
            created_at
        outbox: batch dedupe_key member_id channel chat_id kind text content status attempts not_before
            sent_at message_id created_at
        broadcast_acks: broadcast_id member_id acked_at
        faq_questions: member_id text kind entry_id score status asked_at sent_at answer answered_by
            answered_at
        summary_subscriptions: member_id subscribed updated_at
        summary_deliveries: week_key member_id ward_id sent_at
        """.replace("\n            ", " ")
        .strip()
        .splitlines()
    )
}
"""The columns each generated row fills, per table, in insertion order (parents before children)."""
ROLES_AUDIENCE = Audience((Group(roles=(Role.WARD_LEAD, Role.ORGANISER)),))


def stamp(when: datetime) -> str:
    """As `storage.db.to_db_time` writes it (`local` already gives UTC)."""
    return when.isoformat(timespec="seconds")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Việt Nam (UTC+7 all year), as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


@dataclass
class Person:
    id: int
    role: Role | None
    status: str
    ward_id: int | None
    chapter_id: int | None
    channel: str
    reachable: bool


@dataclass
class Rows:
    """Generated rows per table."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def add(self, table: str, *row: Any) -> None:
        self.tables[table].append(row)

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}


@dataclass
class History:
    """What the generators share: the organisation's people and the weeks of its history."""

    org: Org
    rng: random.Random
    out: Rows
    mondays: list[date]
    people: list[Person] = field(default_factory=list)

    @property
    def active(self) -> list[Person]:
        return [p for p in self.people if p.status == "active"]

    def by_ward(self) -> dict[int, list[Person]]:
        found: dict[int, list[Person]] = {}
        for p in self.active:
            if p.ward_id is not None:
                found.setdefault(p.ward_id, []).append(p)
        return found

    def organisers(self) -> list[int]:
        return [p.id for p in self.active if p.role in (Role.ORGANISER, Role.ADMIN)]

    def leads(self) -> dict[int | None, int]:
        return {p.ward_id: p.id for p in self.active if p.role is Role.WARD_LEAD}


def generate(org: Org, years: int, seed: int = 2026) -> Rows:
    """Every row of the organisation's history, from a fixed seed (the same rows on every back-end)."""
    this_monday = NOW.date() - timedelta(days=NOW.weekday())
    weeks = 52 * years
    history = History(
        org, random.Random(seed), Rows(), [this_monday - timedelta(weeks=weeks - i) for i in range(weeks + 1)]
    )
    future = [this_monday + timedelta(weeks=i) for i in range(1, 6)]
    _organisation(history)
    _reports(history)
    _trainings(history, history.mondays + future)
    _seminars(history, history.mondays + future)
    _broadcasts(history)
    _faq(history)
    _summary_tables(history)
    history.out.tables["audit_log"].sort(key=lambda row: row[0])
    return history.out


def _organisation(h: History) -> None:
    """Wards and chapters; admins, organisers, one or two leads per ward, one to five cadres per chapter, some
    inactive, pending or visitors; each with a channel account and the audit row of their approval."""
    rng, out = h.rng, h.out
    start = local(h.mondays[0], 8) - timedelta(days=60)
    created = stamp(start)

    def person(role: Role | None, status: str, ward_id: int | None, chapter: int | None) -> None:
        pid = len(h.people) + 1
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        channel = "zalo" if rng.random() < 0.3 else "telegram"
        joined = start + timedelta(days=rng.randint(0, 40) if rng.random() < 0.85 else rng.randint(40, 1000))
        decided = stamp(joined + timedelta(hours=5)) if status != "pending" and role else None
        out.add(
            "members", pid, name, fold(name), status, role.value if role else None, ward_id, chapter,
            f"09{rng.randint(10_000_000, 99_999_999)}", "vi", stamp(joined),
            1 if decided and pid > 1 else None, decided, stamp(joined), decided or stamp(joined), channel,
        )  # fmt: skip
        blocked = rng.random() < 0.02
        chat = str(700_000 + pid)
        out.add(
            "channel_accounts", pid, pid, channel, chat, chat, None,
            stamp(joined + timedelta(days=30)) if blocked else None, stamp(joined),
        )  # fmt: skip
        if decided:
            details = json.dumps({"role": role.value if role else None, "status": status})
            out.add(
                "audit_log", decided, 1 if pid > 1 else None, "member_decided", "member", str(pid), details
            )
        h.people.append(Person(pid, role, status, ward_id, chapter, channel, not blocked))

    for role, count in ((Role.ADMIN, 3), (Role.ORGANISER, 4 + len(h.org.wards) // 20)):
        for _ in range(count):
            person(role, "active", None, None)
    chapter_id = 0
    for ward_id, (ward, chapters) in enumerate(h.org.wards, start=1):
        out.add("wards", ward_id, ward, fold(ward), 1, created)
        for _ in range(1 if rng.random() < 0.7 else 2):
            person(Role.WARD_LEAD, "active", ward_id, None)
        for name in chapters:
            chapter_id += 1
            kind = "ấp" if ward.startswith("Xã") else "khu phố"
            out.add(
                "chapters", chapter_id, ward_id, name, fold(name), kind, int(rng.random() > 0.02), created
            )
            for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))):
                person(Role.CADRE, "active", ward_id, chapter_id)
            if rng.random() < 0.08:
                person(Role.CADRE, "inactive", ward_id, chapter_id)
            if rng.random() < 0.03:
                person(None, "pending", ward_id, chapter_id)
            if rng.random() < 0.10:
                person(None, "visitor", None, None)


def _reports(h: History) -> None:
    """Weekly reports (deadline Friday 20:00; open until the next Tuesday): most on time, some late, some
    never, a few excused; a few corrected later. Each filing and correction with its audit row; rows in the
    order they were written (a period's reports lie together, as in a real database)."""
    rng, out = h.rng, h.out
    filers: dict[int, list[int]] = {}
    for p in h.active:
        if p.chapter_id is not None:
            filers.setdefault(p.chapter_id, []).append(p.id)
    leads = h.leads()
    chapters = [
        (chapter_id, ward_id, rng.choice((0.97, 0.95, 0.92, 0.9, 0.85, 0.75, 0.5)))
        for chapter_id, ward_id in enumerate(
            (ward_id for ward_id, (_, names) in enumerate(h.org.wards, start=1) for _ in names), start=1
        )
    ]
    totals = {chapter_id: rng.randint(25, 90) for chapter_id, _, _ in chapters}
    filings: list[tuple[datetime, int, str, bool, int, dict, dict | None, datetime | None]] = []
    for monday in h.mondays:
        key, deadline = week_key(monday), local(monday + timedelta(days=DEADLINE_WEEKDAY - 1), DEADLINE_HOUR)
        for chapter_id, ward_id, reliability in chapters:
            roll = rng.random()
            if roll >= reliability:
                if roll < reliability + 0.01 and deadline < NOW:
                    excused = stamp(deadline - timedelta(days=2))
                    out.add("report_excuses", chapter_id, key, leads[ward_id], excused)
                continue
            if rng.random() < 0.85:
                day = monday + timedelta(days=rng.randint(0, 4))
                filed = local(day, rng.randint(7, 19), rng.randint(0, 59))
            else:
                filed = deadline + timedelta(minutes=rng.randint(30, 3 * 24 * 60 + 200))
            if filed >= NOW:
                continue
            on_behalf = rng.random() < 0.1 or chapter_id not in filers
            actor = leads[ward_id] if on_behalf else rng.choice(filers[chapter_id])
            new = rng.choices((0, 1, 2, 3, 4, 5), weights=(45, 28, 14, 7, 4, 2))[0]
            totals[chapter_id] += new
            values = {"new_members": new, "total_members": totals[chapter_id], "note": None, "photo": False}
            fixed, corrected = None, filed + timedelta(minutes=rng.randint(20, 2 * 24 * 60))
            if rng.random() < 0.04 and corrected < NOW:
                better = max(0, new + rng.choice((-1, 1, 2)))
                totals[chapter_id] += better - new
                fixed = {**values, "new_members": better, "total_members": totals[chapter_id]}
            filings.append(
                (filed, chapter_id, key, on_behalf, actor, values, fixed, corrected if fixed else None)
            )
    filings.sort(key=lambda f: f[0])
    for report_id, (filed, chapter_id, key, on_behalf, actor, values, fixed, corrected) in enumerate(
        filings, start=1
    ):
        details = _details(chapter_id, key, on_behalf, None, values)
        out.add("audit_log", stamp(filed), actor, "report_filed", "chapter_report", str(report_id), details)
        if fixed is not None and corrected is not None:
            details = _details(chapter_id, key, on_behalf, values, fixed)
            out.add(
                "audit_log", stamp(corrected), actor, "report_corrected", "chapter_report", str(report_id),
                details,
            )  # fmt: skip
        final = fixed or values
        out.add(
            "chapter_reports", report_id, chapter_id, key, final["new_members"], final["total_members"], None,
            None, actor, int(on_behalf), stamp(filed), stamp(corrected or filed), actor,
        )  # fmt: skip


def _details(chapter_id: int, key: str, on_behalf: bool, old: dict | None, new: dict) -> str:
    """The audit details the report flow writes (storage/reports.py `save`)."""
    return json.dumps(
        {"chapter_id": chapter_id, "period": key, "on_behalf": on_behalf, "old": old, "new": new},
        ensure_ascii=False,
    )


def _members_of(audience: Audience, people: list[Person]) -> list[Person]:
    """The active people of a stored audience (its groups only: roles in wards or chapters)."""

    def within(group: Group, p: Person) -> bool:
        if group.roles and p.role not in group.roles:
            return False
        if group.ward_ids or group.chapter_ids:
            return p.ward_id in group.ward_ids or p.chapter_id in group.chapter_ids
        return True

    return [p for p in people if any(within(g, p) for g in audience.groups)]


def _trainings(h: History, mondays: list[date]) -> None:
    """Each week one (city: two) session open to everyone, in a hall of up to 300, and ward sessions (a ward
    every 20 weeks); registrations a week or two ahead, check-ins at the door."""
    rng, out, active, by_ward, organisers = h.rng, h.out, h.active, h.by_ward(), h.organisers()
    wards = len(h.org.wards)
    tid = 0
    for monday in mondays:
        sessions = [(EVERYONE, active, min(300, max(20, len(active) // 12))) for _ in range(1 + wards // 100)]
        for _ in range(max(1, round(wards * 0.05))):
            ward_id = rng.randint(1, wards)
            people = by_ward.get(ward_id, [])
            sessions.append((Audience((Group(ward_ids=(ward_id,)),)), people, max(1, len(people) * 2 // 3)))
        for audience, pool, capacity in sessions:
            starts = local(monday + timedelta(days=rng.randint(0, 5)), rng.choice((8, 14, 19)))
            ends = starts + timedelta(hours=3)
            status = "cancelled" if rng.random() < 0.03 else "scheduled"
            created = starts - timedelta(days=rng.randint(7, 21))
            if created >= NOW:
                continue
            tid += 1
            venue = "Hội trường " + ("thành phố" if audience is EVERYONE else "phường")
            out.add(
                "trainings", tid, f"Tập huấn {tid}: kỹ năng vận động khuyến học", stamp(starts), stamp(ends),
                venue, capacity, audience.to_json(), status, rng.choice(organisers), stamp(created),
                stamp(created),
            )  # fmt: skip
            if status == "cancelled":
                continue
            for p in rng.sample(pool, min(len(pool), rng.randint(capacity // 2, capacity))):
                at = created + timedelta(hours=rng.randint(1, 24 * 6))
                if at >= NOW:
                    continue
                state = "registered" if rng.random() < 0.93 else "withdrawn"
                out.add("training_registrations", tid, p.id, state, stamp(at), stamp(at))
                if state == "registered" and ends < NOW and rng.random() < 0.8:
                    arrived = stamp(starts + timedelta(minutes=rng.randint(-30, 40)))
                    method = rng.choice(("qr", "qr", "code", "manual"))
                    out.add("training_attendance", tid, p.id, arrived, method, int(rng.random() < 0.15))


def _seminars(h: History, mondays: list[date]) -> None:
    """Each week one (city: three) seminar for ward leads and organisers everywhere, or for one ward's
    members; the answers of those still to come are mostly pending."""
    rng, out, active, by_ward, organisers = h.rng, h.out, h.active, h.by_ward(), h.organisers()
    leaders = _members_of(ROLES_AUDIENCE, active)
    sid = 0
    for monday in mondays:
        for _ in range(1 + len(h.org.wards) // 60):
            if rng.random() < 0.5:
                audience, invited = ROLES_AUDIENCE, leaders
            else:
                ward_id = rng.randint(1, len(h.org.wards))
                audience, invited = Audience((Group(ward_ids=(ward_id,)),)), by_ward.get(ward_id, [])
            starts = local(monday + timedelta(days=rng.randint(0, 5)), rng.choice((8, 14)))
            created = starts - timedelta(days=rng.randint(10, 20))
            status = "cancelled" if rng.random() < 0.03 else "scheduled"
            if created >= NOW:
                continue
            sid += 1
            out.add(
                "seminars", sid, f"Tọa đàm {sid}: xây dựng xã hội học tập", "Ban thường vụ", stamp(starts),
                stamp(starts + timedelta(hours=2)), "Nhà văn hóa", status, rng.choice(organisers),
                stamp(created), audience.to_json(), stamp(created),
            )  # fmt: skip
            weights = (57, 30, 10, 3) if starts > NOW else (25, 55, 15, 5)
            for p in invited:
                rsvp = rng.choices(("pending", "yes", "no", "delegated"), weights=weights)[0]
                answered = created + timedelta(hours=rng.randint(2, 24 * 9))
                responded = None if rsvp == "pending" or answered >= NOW else stamp(answered)
                out.add("seminar_invitees", sid, p.id, rsvp, responded, stamp(created))


def _broadcasts(h: History) -> None:
    """Every other week one to everyone, weekly one to ward leads and organisers, and ward leads' own to their
    wards (a ward every six weeks); each recipient an outbox row, about half acknowledged, some re-sent."""
    rng, active, by_ward, organisers, leads = h.rng, h.active, h.by_ward(), h.organisers(), h.leads()
    leaders = _members_of(ROLES_AUDIENCE, active)
    bid = 0
    for index, monday in enumerate(h.mondays):
        plans: list[tuple[Audience, list[Person], int]] = []
        if index % 2 == 0:
            plans.append((EVERYONE, active, rng.choice(organisers)))
        plans.append((ROLES_AUDIENCE, leaders, rng.choice(organisers)))
        for _ in range(round(len(h.org.wards) / 6)):
            ward_id = rng.randint(1, len(h.org.wards))
            audience = Audience((Group(ward_ids=(ward_id,)),), ward_id=ward_id)
            plans.append((audience, by_ward.get(ward_id, []), leads[ward_id]))
        for audience, pool, sender in plans:
            sent = local(monday + timedelta(days=rng.randint(0, 5)), rng.randint(8, 17))
            if sent >= NOW:
                continue
            bid += 1
            acked = _broadcast(h, bid, None, audience, pool, sender, sent)
            if rng.random() < 0.1 and sent + timedelta(days=2) < NOW:
                bid += 1
                rest = [p for p in pool if p.id not in acked]
                _broadcast(h, bid, bid - 1, audience, rest, sender, sent + timedelta(days=2))


def _broadcast(
    h: History,
    bid: int,
    root: int | None,
    audience: Audience,
    pool: list[Person],
    sender: int,
    sent: datetime,
) -> set[int]:
    """One broadcast as the sending flow leaves it: 'done', an outbox row per reachable recipient (a few
    failed), the acknowledgements on the original; returns who acknowledged."""
    rng, out = h.rng, h.out
    text = f"Thông báo số {bid}: lịch sinh hoạt chi hội tháng tới"
    at = stamp(sent)
    out.add(
        "broadcasts", bid, sender, text, "text", audience.to_json(), root, "done", at,
        stamp(sent + timedelta(minutes=5)), len(pool), "[]", stamp(sent - timedelta(hours=1)),
    )  # fmt: skip
    acked: set[int] = set()
    content = json.dumps({"text": text}, ensure_ascii=False)
    batch = f"broadcast:{bid}"
    for p in pool:
        if not p.reachable:
            continue
        ok = rng.random() < 0.97
        status = "sent" if ok else rng.choice(("unreachable", "failed"))
        out.add(
            "outbox", batch, f"{batch}:to:{p.id}", p.id, p.channel, str(700_000 + p.id), "text", text,
            content, status, 1, at, at if ok else None, rng.randint(1, 10**6) if ok else None, at,
        )  # fmt: skip
        if ok and rng.random() < 0.55:
            ack_at = sent + timedelta(minutes=rng.randint(2, 3 * 24 * 60))
            if ack_at < NOW:
                acked.add(p.id)
                out.add("broadcast_acks", root or bid, p.id, stamp(ack_at))
    return acked


def _faq(h: History) -> None:
    """About one question a week per twenty people; a quarter not answered well, most of those sent on to the
    organisers, who answer within days."""
    rng, out, organisers = h.rng, h.out, h.organisers()
    askers = [p.id for p in h.people if p.status in ("active", "visitor")]
    per_week = max(5, len(askers) // 20)
    for monday in h.mondays:
        for _ in range(rng.randint(per_week * 3 // 4, per_week * 5 // 4)):
            asked = local(monday, 6) + timedelta(minutes=rng.randint(0, 7 * 24 * 60 - 8 * 60))
            if asked >= NOW:
                continue
            kind = rng.choices(("answer", "suggest", "unconfirmed", "none"), weights=(60, 15, 10, 15))[0]
            forwarded = kind in ("none", "unconfirmed") and rng.random() < 0.6
            answered = asked + timedelta(hours=rng.randint(2, 24 * 6))
            status = "logged" if not forwarded else ("answered" if answered < NOW else "sent")
            done = status == "answered"
            out.add(
                "faq_questions", rng.choice(askers), "làm sao để đăng ký tập huấn cho hội viên mới", kind,
                None if kind == "none" else "dang-ky-tap-huan", round(rng.random(), 3), status, stamp(asked),
                stamp(asked) if forwarded else None, "Anh/chị liên hệ ban tổ chức." if done else None,
                rng.choice(organisers) if done else None, stamp(answered) if done else None,
            )  # fmt: skip


def _summary_tables(h: History) -> None:
    """Who subscribed (organisers and a quarter of the ward leads), and who got each past week's summary."""
    addressees = [p for p in h.active if p.role is Role.ADMIN]
    since = stamp(local(h.mondays[0], 9))
    for p in h.active:
        if p.role is Role.ORGANISER or (p.role is Role.WARD_LEAD and h.rng.random() < 0.25):
            h.out.add("summary_subscriptions", p.id, 1, since)
            addressees.append(p)
    for monday in h.mondays[1:]:
        key, at = week_key(monday - timedelta(days=7)), stamp(local(monday, 7))
        for p in addressees:
            h.out.add("summary_deliveries", key, p.id, p.ward_id, at)


async def fill(db: Database, rows: Rows) -> None:
    """Everything in one transaction of the storage layer: executemany per chunk on SQLite, COPY on
    PostgreSQL (its bulk load; executemany took 2.6 times as long); the reports feature set to weekly."""
    async with db.transaction() as conn:
        for table, values in rows.tables.items():
            columns = COLUMNS[table]
            if db.kind == "postgresql":
                raw = conn.raw  # type: ignore[attr-defined]  # storage.postgres.PgConnection
                async with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in values:
                        await copy.write_row(row)
                continue
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            for begin in range(0, len(values), CHUNK):
                await conn.executemany(sql, values[begin : begin + CHUNK])
        await conn.execute(
            "UPDATE report_config SET period_kind = 'week', deadline_day = ?, deadline_time = ?, "
            "collecting_since = ? WHERE id = 1",
            (DEADLINE_WEEKDAY, f"{DEADLINE_HOUR:02d}:00", stamp(NOW - timedelta(weeks=52 * YEARS + 1))),
        )


# --- the databases --------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    org: Org
    backend: str
    db: Database
    services: Services
    rows: int
    build_s: float


async def sqlite_database(org: Org, years: int, rebuild: bool) -> tuple[Path, int, float]:
    """The cached SQLite file for this organisation (built when missing); (path, rows, build seconds)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"summary-{org.label}-{years}y-v{DATA_VERSION}.db"
    marker = path.with_suffix(".rows")
    if path.exists() and marker.exists() and not rebuild:
        return path, int(marker.read_text()), 0.0
    began = time.perf_counter()
    building = path.with_suffix(".building")
    for stale in (path, marker, building):
        stale.unlink(missing_ok=True)
    rows = generate(org, years)
    db = await Database.open(building)
    try:
        await fill(db, rows)
        async with db.connection() as conn:
            await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()
    building.rename(path)
    total = sum(rows.counts().values())
    marker.write_text(str(total))
    return path, total, time.perf_counter() - began


async def postgres_schema(server: str) -> tuple[str, str]:
    """A fresh schema on the server; (its name, a URL whose connections use it)."""
    import psycopg

    schema = f"bench_summary_{uuid.uuid4().hex[:10]}"
    async with await psycopg.AsyncConnection.connect(server, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
    return schema, f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"


async def drop_schema(server: str, schema: str) -> None:
    import psycopg

    async with await psycopg.AsyncConnection.connect(server, autocommit=True) as conn:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")


async def open_target(
    label: str, org: Org, backend: str, source: str | Path, rows: int, build_s: float
) -> Target:
    db = await Database.open(source)
    clock = AdjustableClock(NOW.astimezone(UTC), frozen=True)
    services = await Services.create(Settings(bot_token=None, database_path=ROOT / "unused.db"), clock, db=db)
    services.summary.period_source = services.reports.current_period
    return Target(label, org, backend, db, services, rows, build_s)


# --- the measurement ------------------------------------------------------------------------------------


async def monday_summary(services: Services, t: Translator, week: Week) -> tuple[dict[str, float], str]:
    """What `python -m bot summary --xlsx … --png …` does (and the Monday task builds for the chair), timed
    part by part; (seconds per part, the message)."""
    clock = time.perf_counter
    cpu = time.process_time()
    began = clock()
    summary = await services.summary.summary(week)
    computed = clock()
    text = render_summary(t, summary)
    written = clock()
    png = render_chart(t, summary)
    drawn = clock()
    xlsx = render_workbook(t, summary)
    done = clock()
    return {
        "total_s": done - began,
        "numbers_s": computed - began,
        "text_s": written - computed,
        "chart_s": drawn - written,
        "workbook_s": done - drawn,
        "cpu_s": time.process_time() - cpu,
        "text_chars": len(text),
        "png_kb": len(png or b"") / 1024,
        "xlsx_kb": len(xlsx) / 1024,
    }, text


def import_cost() -> float:
    """Seconds a fresh process spends importing what the first summary draws with (matplotlib, openpyxl)."""
    code = (
        "import time; t = time.perf_counter(); import matplotlib; matplotlib.use('Agg'); "
        "from matplotlib.figure import Figure; import openpyxl; print(time.perf_counter() - t)"
    )
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


async def measure_all(quick: bool, reps: int, database_url: str | None, rebuild: bool) -> dict[str, Any]:
    years = QUICK_YEARS if quick else YEARS
    orgs = (district_org(), city_org())
    week = parse_week_key(WEEK, VN)
    assert week is not None
    results = Results(
        "summary_city",
        f"The chair's weekly summary (numbers, message, chart, workbook) for {WEEK} on Monday 07:00, over "
        f"{years} year(s) of weekly reports: the sample district (15 wards, 79 chapters) against a city (168 "
        "wards, 2,000 chapters), on SQLite and on PostgreSQL. Wall seconds per summary, after a warm-up.",
        params={"years": years, "reps": reps, "week": WEEK, "data_version": DATA_VERSION},
        units={
            "total_s": "s",
            "numbers_s": "s",
            "text_s": "s",
            "chart_s": "s",
            "workbook_s": "s",
            "cpu_s": "s",
            "png_kb": "KiB",
            "xlsx_kb": "KiB",
        },
    )
    targets: list[Target] = []
    schemas: list[str] = []
    try:
        for org in orgs:
            path, rows, build_s = await sqlite_database(org, years, rebuild)
            print(
                f"{org.label}: SQLite {path.name}, {rows:,} rows"
                + (f", built in {build_s:.0f} s" if build_s else ", cached"),
                flush=True,
            )
            targets.append(await open_target(f"{org.label}, SQLite", org, "sqlite", path, rows, build_s))
        if database_url:
            for org in orgs:
                began = time.perf_counter()
                schema, url = await postgres_schema(database_url)
                schemas.append(schema)
                data = generate(org, years)
                db = await Database.open(url)
                await fill(db, data)
                async with db.connection() as conn:
                    await conn.execute("ANALYZE")
                await db.close()
                build_s = time.perf_counter() - began
                rows = sum(data.counts().values())
                print(
                    f"{org.label}: PostgreSQL schema {schema}, {rows:,} rows in {build_s:.0f} s", flush=True
                )
                targets.append(
                    await open_target(f"{org.label}, PostgreSQL", org, "postgresql", url, rows, build_s)
                )
        else:
            results.notes.append("PostgreSQL half skipped: no TEST_DATABASE_URL or --database-url")
        texts: dict[str, str] = {}
        for target in targets:  # warm-up: imports, fonts, catalogs, the pool's connections
            t = target.services.i18n.translator("vi")
            _, texts[target.label] = await monday_summary(target.services, t, week)
        for rep in range(reps):
            shift = rep % len(targets)
            for target in targets[shift:] + targets[:shift]:
                t = target.services.i18n.translator("vi")
                metrics, _ = await monday_summary(target.services, t, week)
                results.add(target.label, **metrics)
            print(f"round {rep + 1}/{reps} done", flush=True)
    finally:
        for target in targets:
            await target.services.close()
        for schema in schemas:
            await drop_schema(database_url or "", schema)
    results.params["rows"] = {target.label: target.rows for target in targets}
    results.params["build_s"] = {target.label: round(target.build_s, 1) for target in targets}
    for backend, name in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        if not any(target.backend == name for target in targets):
            continue
        city, district = f"city, {backend}", f"district, {backend}"
        ratio = results.ratio(f"city / district, {backend}", city, district, "total_s")
        results.target(f"city summary on {backend}", results.median(city, "total_s"), "<=", TARGET_S, " s")
        results.notes.append(f"{backend}: the city takes ×{ratio['median']:.2f} the district's time")
        if name == "postgresql":
            same = all(texts[f"{o.label}, PostgreSQL"] == texts[f"{o.label}, SQLite"] for o in orgs)
            results.target("messages identical on PostgreSQL and SQLite", float(same), ">=", 1.0)
    results.notes.append(
        f"a bot process's first summary also imports matplotlib and openpyxl: {import_cost():.2f} s, once"
    )
    return results.to_dict()


def run(quick: bool = False, reps: int = 3) -> dict[str, Any]:
    """For bench/run.py: PostgreSQL from TEST_DATABASE_URL (the half is skipped without it)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip() or None
    return asyncio.run(measure_all(quick, 1 if quick else reps, url, rebuild=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_YEARS} year of history, one round")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "").strip() or None,
        help="a PostgreSQL server to create a fresh schema on (default: TEST_DATABASE_URL)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite files")
    args = parser.parse_args()
    result = asyncio.run(
        measure_all(args.quick, 1 if args.quick else args.reps, args.database_url, args.rebuild)
    )
    write_results(result)
    print(render(result))


if __name__ == "__main__":
    main()
