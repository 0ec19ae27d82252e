"""The callback context every handler receives: services, the current member, their language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.models import Member
from bot.i18n import DEFAULT_LOCALE, Translator

if TYPE_CHECKING:
    from bot.services import Services


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """Typed access to our services; `member` is set by the loader that runs before every handler."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.member: Member | None = None

    @property
    def services(self) -> Services:
        return self.bot_data["services"]

    @property
    def t(self) -> Translator:
        """The current member's translator (Vietnamese for strangers and jobs)."""
        return self.services.i18n.translator(self.member.locale if self.member else DEFAULT_LOCALE)
