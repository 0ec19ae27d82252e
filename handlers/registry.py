"""What each feature module declares: its commands (for /help and setMyCommands) and menu buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.permissions import Action


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the member's locale is known."""
    return message


@dataclass(frozen=True)
class CommandSpec:
    """A slash command: its name, a one-line description (msgid) and the action that gates it."""

    name: str
    description: str
    action: Action | None = None
    in_menu: bool = True


@dataclass(frozen=True)
class MenuEntry:
    """A large reply-keyboard button for a main action; `order` sorts the menu."""

    label: str
    action: Action | None
    order: int


def add_startup_hook(app: object, hook: object) -> None:
    """Run `await hook(app)` once services are up (plan tasks, attach delivery listeners)."""
    app.bot_data.setdefault("startup_hooks", []).append(hook)  # type: ignore[attr-defined]


def add_approval_hook(app: object, hook: object) -> None:
    """Run `await hook(app, member)` after a join request is approved (e.g. finish a pending check-in)."""
    app.bot_data.setdefault("approval_hooks", []).append(hook)  # type: ignore[attr-defined]


def add_start_payload(app: object, prefix: str, handler: object) -> None:
    """Route `/start <prefix>_<rest>` deep links to a feature.

    `await handler(update, ctx, rest)` returns True when handled, False when the person
    must register first (onboarding then continues and the feature finishes later).
    """
    app.bot_data.setdefault("start_payloads", {})[prefix] = handler  # type: ignore[attr-defined]
