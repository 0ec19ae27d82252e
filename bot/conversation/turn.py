"""One turn of a conversation: the input, who sent it, their dialog state, and what the flow answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.conversation.dialogs import Dialog, DialogState
from bot.conversation.inputs import Chose, Command, Event, Input
from bot.conversation.replies import Attachment, Choices, EditChoices, Output, Reply, Suggestions, Toast
from bot.core.models import Member
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.conversation.router import Router
    from bot.services import Services


class ChannelInfo(Protocol):
    """What a flow may ask of the channel the person writes from."""

    name: str
    text_limit: int

    def deep_link(self, payload: str) -> str | None:
        """A link that opens the bot with `payload` as its start parameter, where the channel has them."""

    async def fetch_file(self, ref: str, max_bytes: int) -> bytes | None:
        """The bytes of a file the person sent (`SharedFile.ref`); None when it is larger than `max_bytes`."""


@dataclass(frozen=True)
class PlainChannel:
    """Channel facts for turns and messages composed away from any live channel (tests, tasks)."""

    name: str = "telegram"
    text_limit: int = 4096
    username: str | None = None

    def deep_link(self, payload: str) -> str | None:
        return f"https://t.me/{self.username}?start={payload}" if self.username else None

    async def fetch_file(self, ref: str, max_bytes: int) -> bytes | None:
        return None


class Turn:
    """What a flow sees and does while handling one input.

    Replies are collected in `outputs` and sent by the channel after the turn's transaction commits.
    Dialog moves (`begin`, `goto`, `end`) are saved in that same transaction.
    """

    def __init__(
        self,
        *,
        input: Input,
        member: Member | None,
        services: Services,
        channel: ChannelInfo,
        state: DialogState | None,
        now: datetime,
        router: Router,
    ) -> None:
        self.input = input
        self.services = services
        self.channel = channel
        self.state = state
        self.now = now
        self.outputs: list[Output] = []
        self.state_changed = False
        self._member = member
        self.router = router

    # who and in which language

    @property
    def member(self) -> Member | None:
        return self._member

    @member.setter
    def member(self, member: Member | None) -> None:
        self._member = member

    @property
    def t(self) -> Translator:
        return self.services.i18n.translator(self._member.locale if self._member else None)

    @property
    def event(self) -> Event:
        return self.input.event

    @property
    def text(self) -> str:
        """The typed text (or a file's caption), stripped; '' for other inputs."""
        event = self.input.event
        raw = getattr(event, "text", None) or getattr(event, "caption", None) or ""
        return raw.strip()

    @property
    def args(self) -> list[str]:
        """The words after a command ('/report_export 9/2026 11/2026' → ['9/2026', '11/2026'])."""
        event = self.input.event
        return event.args.split() if isinstance(event, Command) else []

    @property
    def pressed(self) -> bool:
        return isinstance(self.input.event, Chose)

    # what the bot says

    def reply(
        self,
        text: str,
        *,
        choices: Choices = (),
        attachment: Attachment | None = None,
        menu: bool = False,
        suggestions: Suggestions | None = None,
        remove_keys: bool = False,
    ) -> None:
        """Send a new message; `menu` shows the person's main menu with it (unless other keys are offered)."""
        if menu and suggestions is None:
            suggestions = self.menu()
        self.outputs.append(Reply(text, choices, attachment, suggestions, remove_keys))

    def menu(self) -> Suggestions:
        """The person's main menu: the actions their role allows, in their language."""
        return self.router.main_menu(self._member, self.t)

    def edit(self, text: str, *, choices: Choices = ()) -> None:
        """Replace the message whose choice was pressed (a new message when there is none)."""
        self.outputs.append(Reply(text, choices, edits=self.pressed))

    def clear_choices(self) -> None:
        """The pressed message has been answered: take its choices off."""
        if self.pressed:
            self.outputs.append(EditChoices())

    def edit_choices(self, choices: Choices) -> None:
        """Show other choices under the pressed message, keeping its text (a new message when not pressed)."""
        self.outputs.append(EditChoices(choices))

    def toast(self, text: str, *, alert: bool = False) -> None:
        """A short answer to a press (shown as a message where the channel has no pop-ups)."""
        self.outputs.append(Toast(text, alert))

    def stale(self) -> None:
        """The choice no longer means anything (old, forged, or someone else's)."""
        self.toast(self.t.gettext("This button is no longer valid."), alert=True)

    # where the person stands in a dialog

    def begin(self, dialog: Dialog, step: str, **data: Any) -> None:
        """Start (or restart) a dialog at `step`; any other dialog of this person ends."""
        self.state = DialogState(dialog.name, step, dict(data), self.now)
        self.state_changed = True

    def goto(self, step: str, **data: Any) -> None:
        """Move to another step of the current dialog, updating its data."""
        if self.state is None:
            raise RuntimeError("goto() outside a dialog")
        self.state = DialogState(self.state.dialog, step, {**self.state.data, **data}, self.now)
        self.state_changed = True

    def update(self, **data: Any) -> None:
        """Change the current dialog's data without moving."""
        self.goto(self.step or "", **data)

    def end(self) -> None:
        """Leave the current dialog (if any)."""
        if self.state is not None:
            self.state = None
            self.state_changed = True

    def in_dialog(self, dialog: Dialog, *steps: str) -> bool:
        """Whether the person is in `dialog` (at one of `steps`, when given)."""
        return (
            self.state is not None
            and self.state.dialog == dialog.name
            and (not steps or self.state.step in steps)
        )

    @property
    def step(self) -> str | None:
        return self.state.step if self.state else None

    @property
    def data(self) -> dict[str, Any]:
        """The current dialog's answers so far (empty outside a dialog); change them with goto/update."""
        return dict(self.state.data) if self.state else {}
