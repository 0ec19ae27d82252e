"""Onboarding, approval, roles and invitations: the rules, independent of any chat channel."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.core.models import Chapter, Member, MemberStatus, Recipient, Role, Ward
from bot.core.parsing import ParseError, parse_person_name, parse_phone
from bot.core.permissions import Action, can
from bot.core.ports import Clock, MemberStore, OrgStore

INVITE_LIFETIME = timedelta(days=30)
MAX_NAME_LENGTH = 80
LOCALES = ("vi", "en")


class Outcome(StrEnum):
    """Expected results of member actions (rendered by the channel adapters)."""

    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    ALREADY_DONE = "already_done"
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class JoinRequest:
    outcome: Outcome
    member: Member | None = None
    chapter: Chapter | None = None
    ward: Ward | None = None
    approvers: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    member: Member | None = None
    decided_by: Member | None = None


@dataclass(frozen=True)
class InviteResult:
    outcome: Outcome
    token: str | None = None
    chapter: Chapter | None = None
    ward: Ward | None = None


@dataclass(frozen=True)
class Profile:
    member: Member
    ward: Ward | None
    chapter: Chapter | None


class MemberService:
    """Everything a channel adapter may ask about members; permissions are checked here."""

    def __init__(
        self,
        store: MemberStore,
        org: OrgStore,
        clock: Clock,
        *,
        bootstrap_admins: frozenset[str] = frozenset(),
        channel: str = "telegram",
    ) -> None:
        self._store, self._org, self._clock = store, org, clock
        self._bootstrap_admins = bootstrap_admins
        self._channel = channel

    async def identify(
        self, external_id: str, *, chat_id: str, display_name: str, username: str | None = None
    ) -> Member:
        """The member behind a channel account, creating a visitor on first contact.

        Accounts listed in ADMIN_IDS become active district admins on first contact.
        """
        member = await self._store.find_by_account(self._channel, external_id)
        if member is None:
            member = await self._store.create_visitor(
                channel=self._channel,
                external_id=external_id,
                chat_id=chat_id,
                display_name=display_name[:MAX_NAME_LENGTH],
                username=username,
                now=self._clock.now(),
            )
        else:
            await self._store.touch_account(self._channel, external_id, chat_id=chat_id, username=username)
        if external_id in self._bootstrap_admins and not (member.is_active and member.role is Role.ADMIN):
            member = await self._store.update(
                member.id,
                now=self._clock.now(),
                actor_id=None,
                action="bootstrap_admin",
                status=MemberStatus.ACTIVE,
                role=Role.ADMIN,
            )
        return member

    async def wards(self) -> list[Ward]:
        return await self._org.wards()

    async def chapters(self, ward_id: int) -> list[Chapter]:
        return await self._org.chapters(ward_id)

    async def request_join(
        self, member: Member, *, chapter_id: int, full_name: str, phone: str | None = None
    ) -> JoinRequest:
        """A visitor (or a rejected person trying again) asks to join a chapter."""
        if member.is_active:
            return JoinRequest(Outcome.ALREADY_MEMBER, member)
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return JoinRequest(Outcome.NOT_FOUND)
        ward = await self._org.ward(chapter.ward_id)
        updated = await self._store.update(
            member.id,
            now=self._clock.now(),
            actor_id=member.id,
            action="request_join",
            full_name=full_name,
            status=MemberStatus.PENDING,
            ward_id=chapter.ward_id,
            chapter_id=chapter.id,
            requested_at=self._clock.now(),
            **({"phone": phone} if phone else {}),
        )
        return JoinRequest(
            Outcome.OK, updated, chapter, ward, tuple(await self.approvers_for(chapter.ward_id))
        )

    async def approvers_for(self, ward_id: int) -> list[Recipient]:
        """Who decides on a join request in this ward: its ward leads, organisers and admins."""
        leads = await self._store.recipients(roles=[Role.WARD_LEAD], ward_ids=[ward_id])
        district = await self._store.recipients(roles=[Role.ORGANISER, Role.ADMIN])
        seen: dict[int, Recipient] = {}
        for recipient in leads + district:
            seen.setdefault(recipient.member_id, recipient)
        return list(seen.values())

    async def decide(self, actor: Member | None, member_id: int, *, approve: bool) -> Decision:
        """Approve or reject a pending request; checked against the actor's reach, done once."""
        target = await self._store.get(member_id)
        if target is None:
            return Decision(Outcome.NOT_FOUND)
        if not can(actor, Action.APPROVE_MEMBER, ward_id=target.ward_id):
            return Decision(Outcome.DENIED, target)
        assert actor is not None
        if target.status is not MemberStatus.PENDING:
            return Decision(Outcome.ALREADY_DONE, target, await self._store.decided_by(member_id))
        if not await self._store.decide_pending(
            member_id, approve=approve, actor_id=actor.id, now=self._clock.now()
        ):
            return Decision(
                Outcome.ALREADY_DONE,
                await self._store.get(member_id),
                await self._store.decided_by(member_id),
            )
        return Decision(Outcome.OK, await self._store.get(member_id), actor)

    async def set_locale(self, member: Member, locale: str) -> Member:
        """Remember the member's language."""
        if locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        return await self._store.update(
            member.id, now=self._clock.now(), actor_id=member.id, action="set_locale", locale=locale
        )

    async def change_role(self, actor: Member | None, member_id: int, role: Role) -> Decision:
        """Admins give a member a role (activating them if needed)."""
        if not can(actor, Action.CHANGE_ROLE):
            return Decision(Outcome.DENIED)
        target = await self._store.get(member_id)
        if target is None:
            return Decision(Outcome.NOT_FOUND)
        if role is Role.WARD_LEAD and target.ward_id is None:
            return Decision(Outcome.INVALID, target)
        if target.is_active and target.role is role:
            return Decision(Outcome.ALREADY_DONE, target)
        updated = await self._store.update(
            member_id,
            now=self._clock.now(),
            actor_id=actor.id if actor else None,
            action="change_role",
            role=role,
            status=MemberStatus.ACTIVE,
        )
        return Decision(Outcome.OK, updated, actor)

    async def grant(self, external_id: str, role: Role) -> Member:
        """Command-line grant: the account becomes an active member with this role."""
        member = await self._store.find_by_account(self._channel, external_id)
        if member is None:
            member = await self._store.create_visitor(
                channel=self._channel,
                external_id=external_id,
                chat_id=external_id,
                display_name=f"#{external_id}",
                username=None,
                now=self._clock.now(),
            )
        return await self._store.update(
            member.id,
            now=self._clock.now(),
            actor_id=None,
            action="grant",
            role=role,
            status=MemberStatus.ACTIVE,
        )

    async def create_invite(self, actor: Member | None, chapter_id: int) -> InviteResult:
        """A deep-link token that skips the ward and chapter choice for one chapter."""
        chapter = await self._org.chapter(chapter_id)
        if chapter is None or not chapter.active:
            return InviteResult(Outcome.NOT_FOUND)
        if not can(actor, Action.CREATE_INVITE, ward_id=chapter.ward_id):
            return InviteResult(Outcome.DENIED, chapter=chapter)
        assert actor is not None
        token = secrets.token_urlsafe(9)
        now = self._clock.now()
        await self._store.save_invite(
            token=token, chapter_id=chapter.id, created_by=actor.id, now=now, expires_at=now + INVITE_LIFETIME
        )
        return InviteResult(Outcome.OK, token, chapter, await self._org.ward(chapter.ward_id))

    async def resolve_invite(self, token: str) -> InviteResult:
        """The chapter an invitation token points at, if it is still valid."""
        invite = await self._store.invite(token) if 6 <= len(token) <= 32 else None
        if invite is None or invite.revoked:
            return InviteResult(Outcome.NOT_FOUND)
        chapter = await self._org.chapter(invite.chapter_id)
        if chapter is None or not chapter.active:
            return InviteResult(Outcome.NOT_FOUND)
        if invite.expires_at <= self._clock.now():
            return InviteResult(Outcome.EXPIRED, token, chapter)
        return InviteResult(Outcome.OK, token, chapter, await self._org.ward(chapter.ward_id))

    async def profile(self, member: Member) -> Profile:
        ward = await self._org.ward(member.ward_id) if member.ward_id else None
        chapter = await self._org.chapter(member.chapter_id) if member.chapter_id else None
        return Profile(member, ward, chapter)

    async def get(self, member_id: int) -> Member | None:
        return await self._store.get(member_id)

    async def recipient(self, member_id: int) -> Recipient | None:
        return await self._store.recipient(member_id, self._channel)

    async def mark_unreachable(self, member_id: int) -> None:
        """The member blocked the bot on this channel."""
        await self._store.mark_blocked(member_id, self._channel, now=self._clock.now())


def check_full_name(text: str) -> str | None:
    """A tidy full name, or None when the text cannot be a person's name."""
    name = parse_person_name(text)
    return None if isinstance(name, ParseError) else name


def check_phone(text: str) -> str | None:
    """A Vietnamese phone number as +84…, or None."""
    phone = parse_phone(text)
    return None if isinstance(phone, ParseError) else phone
