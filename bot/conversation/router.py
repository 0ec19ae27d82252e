"""The one place that decides which flow handles an input, for every channel.

Features register their commands, menu entries, choice tokens, dialog steps, typed-text fallbacks, task
kinds and hooks on a `Router` (each feature module's `register(router)`); the runtime calls `dispatch(turn)`.

Order for an input:
- a choice: the handler of its token's class (a stale or forged token, or one whose dialog step is over,
  gets the polite "no longer valid");
- a command: /cancel ends the current dialog; other commands go to their handler (an unknown one is told so);
- text: a main-menu label (in any language) first, then the current dialog step, then the fallbacks in order
  (check-in codes, the FAQ, …);
- a contact, file or anything else: the current dialog step, then the fallbacks.
A dialog left alone longer than its timeout ends first, with a short notice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import Chose, Command, SharedContact, SharedFile, Text
from bot.conversation.replies import Suggestions
from bot.conversation.tokens import Token
from bot.conversation.turn import Turn
from bot.core.models import Member
from bot.core.permissions import Action, can
from bot.i18n import SUPPORTED_LOCALES, I18n, Translator

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.tasks import Task

logger = logging.getLogger(__name__)
MENU_ROW_WIDTH = 2

Flow = Callable[[Turn], Awaitable[None]]
ChoiceFlow = Callable[[Turn, Any], Awaitable[None]]
Fallback = Callable[[Turn], Awaitable[bool]]
StartPayloadFlow = Callable[[Turn, str], Awaitable[bool]]
TaskHandler = Callable[["Runtime", "Task"], Awaitable[None]]
Hook = Callable[["Runtime"], Awaitable[None]]
ApprovalHook = Callable[[Turn, Member], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    """A command: its name, a one-line description (msgid) and the action that gates it in /help."""

    name: str
    description: str
    action: Action | None = None
    in_menu: bool = True


@dataclass(frozen=True)
class MenuEntry:
    """A main-menu action (Telegram: a large key under the chat); `order` sorts the menu."""

    label: str
    action: Action | None
    order: int


@dataclass(frozen=True)
class Step:
    """What a dialog step accepts: typed text, a file or photo, a shared contact; `other`: anything else."""

    text: Flow | None = None
    file: Flow | None = None
    contact: Flow | None = None
    other: Flow | None = None


@dataclass(frozen=True)
class _ChoiceRoute:
    handler: ChoiceFlow
    dialog: Dialog | None
    steps: tuple[str, ...]


@dataclass
class Router:
    """Every feature's entry points; built once at start."""

    commands: dict[str, Flow] = field(default_factory=dict)
    specs: list[CommandSpec] = field(default_factory=list)
    menu_entries: list[MenuEntry] = field(default_factory=list)
    choices: dict[type[Token], _ChoiceRoute] = field(default_factory=dict)
    dialogs: dict[str, Dialog] = field(default_factory=dict)
    steps: dict[tuple[str, str], Step] = field(default_factory=dict)
    cancel_flows: dict[str, Flow] = field(default_factory=dict)
    fallbacks: list[tuple[int, Fallback]] = field(default_factory=list)
    start_payloads: dict[str, StartPayloadFlow] = field(default_factory=dict)
    tasks: dict[str, TaskHandler] = field(default_factory=dict)
    startup_hooks: list[Hook] = field(default_factory=list)
    approval_hooks: list[ApprovalHook] = field(default_factory=list)
    unknown_command: Flow | None = None
    _menu_flows: dict[str, Flow] = field(default_factory=dict)
    _menu_texts: dict[str, Flow] = field(default_factory=dict)

    # registration

    def command(self, names: str | tuple[str, ...], flow: Flow, spec: CommandSpec | None = None) -> None:
        """`/name` (and aliases) runs `flow`; `spec` lists it in /help and the channel's command menu."""
        for name in (names,) if isinstance(names, str) else names:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = flow
        if spec is not None:
            self.specs.append(spec)

    def describe(self, spec: CommandSpec) -> None:
        """List a command in /help and the command menu (its flow is registered elsewhere)."""
        self.specs.append(spec)

    def menu(self, entry: MenuEntry, flow: Flow) -> None:
        """A main-menu action and the flow its label starts."""
        self.menu_entries.append(entry)
        self.menu_entries.sort(key=lambda e: e.order)
        self._menu_flows[entry.label] = flow

    def choice(
        self,
        token_class: type[Token],
        flow: ChoiceFlow,
        *,
        dialog: Dialog | None = None,
        steps: tuple[str, ...] = (),
    ) -> None:
        """Choosing a token of this class runs `flow(turn, token)`; with `dialog`, only in it (at `steps`)."""
        if token_class in self.choices:
            raise ValueError(f"{token_class.__name__} registered twice")
        self.choices[token_class] = _ChoiceRoute(flow, dialog, steps)

    def dialog(self, dialog: Dialog, steps: dict[str, Step], *, on_cancel: Flow | None = None) -> None:
        """A dialog's steps; `on_cancel` answers /cancel in it (default: the dialog's `cancelled` text)."""
        self.dialogs[dialog.name] = dialog
        for name, step in steps.items():
            self.steps[(dialog.name, name)] = step
        if on_cancel is not None:
            self.cancel_flows[dialog.name] = on_cancel

    def fallback(self, flow: Fallback, order: int) -> None:
        """Text (or anything) no dialog took; flows run by `order` until one returns True."""
        self.fallbacks.append((order, flow))
        self.fallbacks.sort(key=lambda item: item[0])

    def start_payload(self, prefix: str, flow: StartPayloadFlow) -> None:
        """`/start <prefix>_<rest>` deep links: `flow(turn, rest)`; False means "register first"."""
        self.start_payloads[prefix] = flow

    def task(self, kind: str, handler: TaskHandler) -> None:
        """What to do when a durable task of this kind falls due (must be idempotent)."""
        self.tasks[kind] = handler

    def on_startup(self, hook: Hook) -> None:
        self.startup_hooks.append(hook)

    def on_approval(self, hook: ApprovalHook) -> None:
        """Run inside the approving turn after a join request is approved (e.g. finish a pending check-in)."""
        self.approval_hooks.append(hook)

    def prepare(self, i18n: I18n) -> None:
        """Index the menu labels in every language (called once the catalogs are loaded)."""
        self._menu_texts = {
            i18n.translator(locale).gettext(label): flow
            for label, flow in self._menu_flows.items()
            for locale in SUPPORTED_LOCALES
        }

    def menu_flow(self, text: str) -> Flow | None:
        return self._menu_texts.get(text)

    def main_menu(self, member: Member | None, t: Translator) -> Suggestions:
        """The actions this member may start, two to a row, in their language."""
        labels = [t.gettext(e.label) for e in self.menu_entries if e.action is None or can(member, e.action)]
        rows = tuple(tuple(labels[i : i + MENU_ROW_WIDTH]) for i in range(0, len(labels), MENU_ROW_WIDTH))
        return Suggestions(
            rows, t.gettext("Choose an action or type a question"), one_time=False, persistent=True
        )

    # dispatch

    async def dispatch(self, turn: Turn) -> None:
        """Run the flow this input is for (see the module docstring for the order)."""
        self._expire(turn)
        event = turn.event
        if isinstance(event, Chose):
            await self._chose(turn, event)
        elif isinstance(event, Command):
            await self._command(turn, event)
        else:
            await self._other(turn)

    def _expire(self, turn: Turn) -> None:
        """End a dialog the bot no longer knows (after an upgrade) or one left alone past its timeout."""
        state = turn.state
        if state is None:
            return
        dialog = self.dialogs.get(state.dialog)
        if dialog is None:
            turn.end()
        elif state.expired(dialog, turn.now):
            turn.end()
            turn.reply(turn.t.gettext(dialog.expired))

    async def _chose(self, turn: Turn, event: Chose) -> None:
        route = self.choices.get(type(event.token)) if event.token is not None else None
        if route is None or (route.dialog is not None and not turn.in_dialog(route.dialog, *route.steps)):
            turn.stale()
            return
        await route.handler(turn, event.token)

    async def _command(self, turn: Turn, event: Command) -> None:
        if event.name == "cancel" and turn.state is not None:
            dialog = self.dialogs[turn.state.dialog]
            flow = self.cancel_flows.get(dialog.name)
            if flow is not None:
                await flow(turn)
            else:
                turn.reply(turn.t.gettext(dialog.cancelled), menu=True)
            turn.end()
            return
        flow = self.commands.get(event.name)
        if flow is None:
            flow = self.unknown_command
        if flow is not None:
            await flow(turn)

    async def _other(self, turn: Turn) -> None:
        event = turn.event
        if isinstance(event, Text):
            flow = self.menu_flow(event.text.strip())
            if flow is not None:
                await flow(turn)
                return
        step = self.steps.get((turn.state.dialog, turn.state.step)) if turn.state else None
        if step is not None:
            if isinstance(event, Text):
                chosen = step.text or step.other
            elif isinstance(event, SharedFile):
                chosen = step.file or step.other
            elif isinstance(event, SharedContact):
                chosen = step.contact or step.other
            else:
                chosen = step.other
            if chosen is not None:
                await chosen(turn)
                return
        for _order, fallback in self.fallbacks:
            if await fallback(turn):
                return
