"""Pure arithmetic from SummaryInputs to WeeklySummary (district-wide or restricted to one ward)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, timedelta

from bot.core.models import Chapter, Ward
from bot.core.summary.inputs import Event, ReportFact, SummaryInputs
from bot.core.summary.model import (
    Broadcasts,
    ChapterLine,
    FaqStats,
    NewMembers,
    Reporting,
    SeminarLine,
    TrainingLine,
    WardLine,
    WeeklySummary,
)
from bot.core.text import natural_key

InScope = Callable[[int | None], bool]
SEMINAR_HORIZON = timedelta(days=14)
TRAINING_HORIZON = timedelta(days=30)
MAX_NEXT_TRAININGS = 5


def compute_summary(inputs: SummaryInputs, *, ward_id: int | None = None) -> WeeklySummary:
    """The week's summary; with `ward_id`, only that ward's chapters, members and counts."""
    wards = {w.id: w for w in inputs.wards if ward_id is None or w.id == ward_id}
    chapters = [c for c in inputs.chapters if c.ward_id in wards]
    chapter_lines = _chapter_lines(inputs, wards, chapters)
    ward_lines = _ward_lines(wards, chapter_lines, _previous_week_by_ward(inputs))
    in_scope: InScope = (lambda w: True) if ward_id is None else (lambda w: w == ward_id)
    return WeeklySummary(
        week=inputs.week,
        previous_week=inputs.week.previous(),
        as_of=inputs.as_of,
        ward_id=ward_id,
        ward_name=wards[ward_id].name if ward_id is not None and ward_id in wards else None,
        new_members=_new_members(ward_lines),
        reporting=_reporting(inputs, chapter_lines),
        trainings_held=_trainings(inputs, in_scope, held=True, restricted=ward_id is not None),
        trainings_next=_trainings(
            inputs, in_scope, held=False, restricted=ward_id is not None, ward_id=ward_id
        ),
        seminars=_seminars(inputs, in_scope, restricted=ward_id is not None),
        broadcasts=_broadcasts(inputs, in_scope, restricted=ward_id is not None),
        faq=_faq(inputs, in_scope, restricted=ward_id is not None),
        wards=tuple(ward_lines),
        chapters=tuple(chapter_lines),
    )


def _chapter_lines(
    inputs: SummaryInputs, wards: dict[int, Ward], chapters: list[Chapter]
) -> list[ChapterLine]:
    current: dict[int, ReportFact] = {}
    excused: set[int] = set()
    this_week: dict[int, int] = defaultdict(int)
    for fact in inputs.reports:
        if fact.period_key == inputs.period.key:
            if fact.excused:
                excused.add(fact.chapter_id)
            if fact.filed_at is not None:
                current[fact.chapter_id] = fact
        if fact.filed_at is not None and inputs.week.contains(fact.filed_at):
            this_week[fact.chapter_id] += fact.new_members
    deadline = inputs.period.deadline.astimezone(UTC) if inputs.period.deadline else None
    ward_keys = {w.id: natural_key(w.name) for w in wards.values()}
    lines = []
    for chapter in sorted(chapters, key=lambda c: (ward_keys[c.ward_id], natural_key(c.name), c.id)):
        ward = wards[chapter.ward_id]
        report = current.get(chapter.id)
        reported = report is not None
        active = chapter.active and ward.active
        is_excused = chapter.id in excused and not reported and active
        lines.append(
            ChapterLine(
                chapter_id=chapter.id,
                ward_id=ward.id,
                ward_name=ward.name,
                name=chapter.name,
                active=active,
                expected=active and not is_excused,
                reported=reported,
                excused=is_excused,
                on_time=None
                if report is None or deadline is None or report.filed_at is None
                else report.filed_at <= deadline,
                filed_at=report.filed_at if report else None,
                new_members_period=report.new_members if report else 0,
                new_this_week=this_week.get(chapter.id, 0),
            )
        )
    return lines


def _previous_week_by_ward(inputs: SummaryInputs) -> dict[int, int]:
    chapter_ward = {c.id: c.ward_id for c in inputs.chapters}
    previous = inputs.week.previous()
    totals: dict[int, int] = defaultdict(int)
    for fact in inputs.reports:
        if fact.filed_at is not None and previous.contains(fact.filed_at) and fact.chapter_id in chapter_ward:
            totals[chapter_ward[fact.chapter_id]] += fact.new_members
    return totals


def _ward_lines(
    wards: dict[int, Ward], chapters: list[ChapterLine], previous_week: dict[int, int]
) -> list[WardLine]:
    by_ward: dict[int, list[ChapterLine]] = defaultdict(list)
    for line in chapters:
        by_ward[line.ward_id].append(line)
    return [
        WardLine(
            ward_id=ward.id,
            name=ward.name,
            active=ward.active,
            new_this_week=sum(c.new_this_week for c in by_ward[ward.id]),
            new_previous_week=previous_week.get(ward.id, 0),
            new_period=sum(c.new_members_period for c in by_ward[ward.id]),
            expected=sum(c.expected for c in by_ward[ward.id]),
            reported=sum(c.expected and c.reported for c in by_ward[ward.id]),
            excused=sum(c.excused for c in by_ward[ward.id]),
            missing=tuple(c.name for c in by_ward[ward.id] if c.expected and not c.reported),
        )
        for ward in sorted(wards.values(), key=lambda w: (natural_key(w.name), w.id))
    ]


def _new_members(ward_lines: list[WardLine]) -> NewMembers | None:
    totals = NewMembers(
        sum(w.new_this_week for w in ward_lines),
        sum(w.new_previous_week for w in ward_lines),
        sum(w.new_period for w in ward_lines),
    )
    return totals if (totals.this_week or totals.previous_week or totals.period) else None


def _reporting(inputs: SummaryInputs, chapters: list[ChapterLine]) -> Reporting | None:
    """Shown once someone reported or was excused for the period, or its deadline has passed."""
    expected = [c for c in chapters if c.expected]
    reported = [c for c in expected if c.reported]
    excused = sum(c.excused for c in chapters)
    deadline = inputs.period.deadline
    past_deadline = deadline is not None and inputs.as_of > deadline
    if not expected or not (reported or excused or past_deadline):
        return None
    missing: dict[str, list[str]] = {}
    for line in expected:
        if not line.reported:
            missing.setdefault(line.ward_name, []).append(line.name)
    return Reporting(
        period_key=inputs.period.key,
        deadline=deadline,
        expected=len(expected),
        reported=len(reported),
        on_time=sum(bool(c.on_time) for c in reported),
        excused=excused,
        missing_by_ward=tuple(
            sorted(
                ((ward, tuple(names)) for ward, names in missing.items()),
                key=lambda item: natural_key(item[0]),
            )
        ),
    )


def _sum_by_event(
    counts: Iterable, key: str, in_scope: InScope, fields: tuple[str, ...]
) -> dict[int, dict[str, int]]:
    totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    for row in counts:
        if in_scope(row.ward_id):
            entry = totals[getattr(row, key)]
            for name in fields:
                entry[name] += getattr(row, name)
    return totals


def _trainings(
    inputs: SummaryInputs, in_scope: InScope, *, held: bool, restricted: bool, ward_id: int | None = None
) -> tuple[TrainingLine, ...]:
    """Held: this week's sessions that are over (one still running is not held yet). Next: those not over
    that start within the horizon; for one ward, only those open to it or with its people registered."""
    counts = _sum_by_event(inputs.training_counts, "training_id", in_scope, ("registered", "attended"))
    if held:
        events = [e for e in inputs.trainings if inputs.week.contains(e.starts_at) and e.over(inputs.as_of)]
    else:
        events = [
            e
            for e in inputs.trainings
            if not e.over(inputs.as_of)
            and e.starts_at < inputs.as_of + TRAINING_HORIZON
            and (
                ward_id is None
                or e.ward_ids is None
                or ward_id in e.ward_ids
                or counts.get(e.id, {}).get("registered")
            )
        ]
    lines = [
        _training_line(e, counts.get(e.id, {})) for e in sorted(events, key=lambda e: (e.starts_at, e.id))
    ]
    if held and restricted:
        lines = [line for line in lines if line.registered or line.attended]
    return tuple(lines if held else lines[:MAX_NEXT_TRAININGS])


def _training_line(event: Event, counts: dict[str, int]) -> TrainingLine:
    return TrainingLine(
        event.title, event.starts_at, event.venue, counts.get("registered", 0), counts.get("attended", 0)
    )


def _seminars(inputs: SummaryInputs, in_scope: InScope, *, restricted: bool) -> tuple[SeminarLine, ...]:
    fields = ("yes", "no", "delegated", "pending")
    counts = _sum_by_event(inputs.seminar_counts, "seminar_id", in_scope, fields)
    lines = []
    for event in sorted(inputs.seminars, key=lambda e: (e.starts_at, e.id)):
        if not inputs.as_of <= event.starts_at < inputs.as_of + SEMINAR_HORIZON:
            continue
        c = counts.get(event.id, dict.fromkeys(fields, 0))
        line = SeminarLine(
            event.title, event.starts_at, event.venue, c["yes"], c["no"], c["delegated"], c["pending"]
        )
        if not restricted or line.invited:
            lines.append(line)
    return tuple(lines)


def _broadcasts(inputs: SummaryInputs, in_scope: InScope, *, restricted: bool) -> Broadcasts | None:
    sent = [b for b in inputs.broadcasts if inputs.week.contains(b.sent_at)]
    ids = {b.id for b in sent}
    counts = _sum_by_event(
        (c for c in inputs.broadcast_counts if c.broadcast_id in ids),
        "broadcast_id",
        in_scope,
        ("delivered", "acked"),
    )
    acked = sum(c["acked"] for c in counts.values())
    if restricted:
        recipients = sum(c["delivered"] for c in counts.values())
        sent = [b for b in sent if counts.get(b.id, {}).get("delivered")]
    else:
        recipients = sum(b.recipients for b in sent)
    return Broadcasts(len(sent), recipients, acked) if sent else None


def _faq(inputs: SummaryInputs, in_scope: InScope, *, restricted: bool) -> FaqStats | None:
    rows = [r for r in inputs.faq if in_scope(r.ward_id)]
    stats = FaqStats(
        sum(r.asked for r in rows),
        sum(r.unanswered for r in rows),
        sum(r.low_confidence for r in rows),
        sum(r.forwarded for r in rows),
        None if restricted else inputs.faq_queue,
    )
    return stats if (stats.unanswered or stats.low_confidence or stats.queue) else None
