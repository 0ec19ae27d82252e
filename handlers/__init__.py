"""Conversation flows, one package or module per feature, channel-neutral; the order of FEATURES is the order
of precedence of their fallbacks and of their commands in /help."""

from __future__ import annotations

from types import ModuleType

from bot.conversation.router import Router
from handlers import approvals, attendance, broadcasts, common, faq, onboarding, reports, seminars, summary

FEATURES: tuple[ModuleType, ...] = (
    common,
    onboarding,
    approvals,
    attendance,
    reports,
    seminars,
    broadcasts,
    summary,
    faq,
)


def register_all(router: Router) -> None:
    """Register every feature's entry points on the router."""
    for module in FEATURES:
        module.register(router)
