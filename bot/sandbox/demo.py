"""Demo data for the sandbox: the sample organisation, a few dozen members in every role, feature data."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import bot.sandbox
from bot.core.models import MemberStatus, Role
from bot.core.org import parse_org_csv
from bot.services import Services

logger = logging.getLogger(__name__)

SAMPLE_ORG = Path(__file__).resolve().parent.parent / "data" / "sample_org.csv"
FIRST_ID = 900_000_001
NEWCOMER_IDS = tuple(range(910_000_001, 910_000_004))
_FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
)
_WOMEN = (
    ("Thị", "Ngọc", "Thu", "Thanh"),
    ("Lan", "Mai", "Hoa", "Hạnh", "Thảo", "Yến", "Cúc", "Nga", "Liên", "Vân"),
)
_MEN = (
    ("Văn", "Minh", "Hữu", "Quốc"),
    ("Hùng", "Tuấn", "Dũng", "Sơn", "Phúc", "Bình", "Tâm", "Khoa", "Trung", "Hải"),
)
CHAIR_ID = 900_000_001
"""The first demo admin: the association's chair (Chủ tịch Hội)."""


@dataclass(frozen=True)
class DemoPerson:
    telegram_id: int
    full_name: str
    role: Role
    ward: str | None = None
    chapter_index: int = 0


def demo_name(index: int) -> str:
    """A plausible Vietnamese full name, different for each index: women and men in turn, each with a
    middle and a given name of their gender ("Nguyễn Thị Lan", "Trần Văn Hùng")."""
    middles, givens = _WOMEN if index % 2 == 0 else _MEN
    half = index // 2
    return (
        f"{_FAMILY[index % len(_FAMILY)]} {middles[(half // 3) % len(middles)]} "
        f"{givens[(half * 7) % len(givens)]}"
    )


def demo_people(ward_names: list[str]) -> list[DemoPerson]:
    """The chair and standing committee, organisers, a lead per ward, and cadres in the first wards."""
    people: list[DemoPerson] = []

    def add(role: Role, ward: str | None = None, chapter_index: int = 0) -> None:
        index = len(people)
        people.append(DemoPerson(FIRST_ID + index, demo_name(index), role, ward, chapter_index))

    for _ in range(3):
        add(Role.ADMIN)
    for _ in range(3):
        add(Role.ORGANISER)
    for ward in ward_names:
        add(Role.WARD_LEAD, ward)
    for ward in ward_names[:6]:
        for chapter_index in range(4):
            add(Role.CADRE, ward, chapter_index)
    return people


async def seed(services: Services, now: datetime) -> None:
    """Fill an empty sandbox database: organisation, members, then every feature's demo data."""
    parsed = parse_org_csv(SAMPLE_ORG.read_bytes())
    await services.org.import_rows(parsed.rows, now=now)
    wards = {w.name: w for w in await services.org.wards()}
    for person in demo_people(list(wards)):
        member = await services.members.identify(
            "telegram",
            str(person.telegram_id),
            chat_id=str(person.telegram_id),
            display_name=person.full_name,
        )
        fields: dict[str, object] = {
            "full_name": person.full_name,
            "role": person.role,
            "status": MemberStatus.ACTIVE,
        }
        if person.ward:
            chapters = await services.org.chapters(wards[person.ward].id)
            fields.update(
                ward_id=wards[person.ward].id, chapter_id=chapters[person.chapter_index % len(chapters)].id
            )
        await services.member_store.update(member.id, now=now, actor_id=None, action="sandbox_seed", **fields)
    for info in sorted(pkgutil.iter_modules(bot.sandbox.__path__), key=lambda i: i.name):
        if info.name.startswith("demo_"):
            module = importlib.import_module(f"bot.sandbox.{info.name}")
            try:
                await module.seed(services, now)
            except Exception:
                logger.exception("demo data of %s could not be seeded", info.name)
