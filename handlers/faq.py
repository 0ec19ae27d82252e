"""FAQ: free-text questions answered from the knowledge base, topic browsing, and the organisers' queue.

A typed text that no dialog, menu label or other feature took is a question (a fallback after them, before
the "I did not understand" answer). The asker may send an unanswered question on to the organisers; an
organiser answers it in a one-step dialog kept in the database, and the answer goes back to the asker. The
notices (the question to the organisers, the answer to the asker) are queued in the turn that causes them.
"""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import Text
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, Reply, rows
from bot.conversation.router import CommandSpec, MenuEntry, Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.faq import FaqAnswer, FaqEntry, KnowledgeBaseError, to_html
from bot.core.faq.questions import AskedQuestion, Outcome
from bot.core.models import Role
from bot.core.notices import OutgoingMessage
from bot.core.permissions import Action, can
from bot.i18n import N_, Translator

MENU_LABEL = N_("❓ Questions & answers")
FAQ_ORDER = 900
"""Questions come after dialogs, menu labels and the other features' typed texts, before the stray-message
answer (1000)."""
MAX_LABEL = 60
MAX_WAITING = 10
ANSWERING = Dialog(
    "faq_answer",
    timeout=timedelta(minutes=30),
    expired=N_("More than 30 minutes passed, so your answer was not sent. Send /questions to answer again."),
    cancelled=N_("Cancelled. The question stays in /questions."),
)

# The wire forms are today's ('v1:faq:<action>:<value>'): the question sent to the organisers carries its
# Answer choice for days, and answers carry their "send to the organisers" choice.


@token("faq:home")
class FaqHome(Token):
    """Back to the list of topics."""


@token("faq:t")
class FaqTopic(Token):
    topic_id: str


@token("faq:e")
class FaqEntryChoice(Token):
    entry_id: str


@token("faq:s")
class SendQuestion(Token):
    """The asker sends a question the knowledge base could not answer on to the organisers."""

    question_id: int


@token("faq:a")
class AnswerQuestion(Token):
    """An organiser answers a question sent on to them."""

    question_id: int


@token("faq:k")
class AddToFaq(Token):
    """An answered question becomes a knowledge-base entry."""

    question_id: int


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def render_entry(t: Translator, entry: FaqEntry) -> str:
    """An entry's answer in the reader's language, with its source."""
    source = t.gettext("Source: {source}").format(source=esc(entry.source))
    return f"{to_html(entry.answer_for(t.locale))}\n\n<i>{source}</i>"


def send_choice(t: Translator, question_id: int | None) -> list[Choice]:
    if question_id is None:
        return []
    return [Choice(t.gettext("📨 Send my question to the organisers"), SendQuestion(question_id))]


def answer_choice(t: Translator, question_id: int) -> Choices:
    return rows([Choice(t.gettext("✍️ Answer"), AnswerQuestion(question_id))])


def entry_choices(entries: tuple[FaqEntry, ...], locale: str) -> list[list[Choice]]:
    return [[Choice(_label(e.title_for(locale)), FaqEntryChoice(e.id))] for e in entries]


def render_verdict(t: Translator, verdict: FaqAnswer, question_id: int | None) -> tuple[str, Choices]:
    """Text and choices for the bot's verdict on a question."""
    if verdict.entry is not None and verdict.kind == "answer":
        return render_entry(t, verdict.entry), ()
    if verdict.entry is not None:
        note = t.gettext(
            "There is no confirmed answer to this yet. I can send your question to the organisers."
        )
        return f"{render_entry(t, verdict.entry)}\n\n{note}", rows(send_choice(t, question_id))
    if verdict.suggestions:
        return t.gettext("Did you mean…"), rows(
            *entry_choices(verdict.suggestions, verdict.language), send_choice(t, question_id)
        )
    text = t.gettext("Sorry, there is no answer to this question yet. I can send it to the organisers.")
    return text, rows(send_choice(t, question_id))


async def question_asked(turn: Turn) -> bool:
    """Typed text (in a private chat) nobody else wanted: a question for the knowledge base."""
    if not isinstance(turn.event, Text) or not turn.input.sender.private:
        return False
    verdict, question_id = await turn.services.faq.ask(turn.member, turn.text)
    text, choices = render_verdict(turn.t, verdict, question_id)
    turn.reply(text, choices=choices)
    return True


def topic_choices(turn: Turn) -> Choices:
    """One choice per topic that has entries, titled in the reader's language."""
    kb, locale = turn.services.faq.kb, turn.t.locale
    return rows(
        *(
            [Choice(topic.title_for(locale), FaqTopic(topic.id))]
            for topic in kb.topics
            if kb.by_topic(topic.id)
        )
    )


async def show_topics(turn: Turn) -> None:
    """/faq or the menu: the topics as choices."""
    turn.reply(turn.t.gettext("Choose a topic, or simply type your question."), choices=topic_choices(turn))


async def home_chosen(turn: Turn, _choice: FaqHome) -> None:
    turn.edit(turn.t.gettext("Choose a topic, or simply type your question."), choices=topic_choices(turn))


async def topic_chosen(turn: Turn, choice: FaqTopic) -> None:
    t, kb = turn.t, turn.services.faq.kb
    entries = kb.by_topic(choice.topic_id)
    if not entries:
        turn.stale()
        return
    turn.edit(
        t.gettext("<b>{topic}</b>: choose a question.").format(
            topic=esc(kb.topic(choice.topic_id).title_for(t.locale))
        ),
        choices=rows(*entry_choices(entries, t.locale), [Choice(t.gettext("⬅️ All topics"), FaqHome())]),
    )


async def entry_chosen(turn: Turn, choice: FaqEntryChoice) -> None:
    kb = turn.services.faq.kb
    entry = next((e for e in kb.entries if e.id == choice.entry_id), None)
    if entry is None:
        turn.stale()
        return
    turn.reply(render_entry(turn.t, entry))


async def send_chosen(turn: Turn, choice: SendQuestion) -> None:
    """📨 The asker sends the question on: the organisers are told in this same turn."""
    t = turn.t
    result = await turn.services.faq.send_to_organisers(turn.member, choice.question_id)
    if result.outcome is Outcome.NOT_FOUND:
        turn.stale()
        return
    if result.outcome is Outcome.ALREADY_DONE:
        turn.reply(t.gettext("Your question has already been sent to the organisers."))
        return
    assert result.question is not None
    await notify_organisers(turn, result.question)
    turn.clear_choices()
    turn.reply(t.gettext("I have sent your question to the organisers. Their answer will come here."))


async def notify_organisers(turn: Turn, question: AskedQuestion) -> None:
    """Queue the question, with an Answer choice, to every organiser and admin (once each)."""
    notices = turn.services.notices
    asker = await notices.recipient(question.member_id) if question.member_id else None
    messages = []
    for organiser in await notices.recipients(Audience.of(roles=[Role.ORGANISER, Role.ADMIN])):
        t = turn.services.i18n.translator(organiser.locale)
        text = t.gettext("❓ <b>Question from {name}</b>\n{question}").format(
            name=esc(asker.full_name if asker else "?"), question=esc(question.text)
        )
        reply = Reply(text, answer_choice(t, question.id))
        messages.append(OutgoingMessage.to(organiser, f"faq:{question.id}:to:{organiser.member_id}", reply))
    if messages:
        await notices.queue(f"faq:{question.id}", messages)


async def list_waiting(turn: Turn) -> None:
    """/questions: questions sent on and not yet answered, each with an Answer choice."""
    t = turn.t
    waiting = await turn.services.faq.waiting(turn.member, MAX_WAITING)
    if not isinstance(waiting, list):
        turn.reply(t.gettext("Only organisers can answer questions."))
        return
    if not waiting:
        turn.reply(t.gettext("No questions are waiting for an answer."))
        return
    for question in waiting:
        text = t.gettext("❓ {question}\n<i>asked {when}</i>").format(
            question=esc(question.text), when=t.datetime(question.sent_at or question.asked_at)
        )
        turn.reply(text, choices=answer_choice(t, question.id))


async def answer_chosen(turn: Turn, choice: AnswerQuestion) -> None:
    """✍️ Answer: the organiser is asked to type the answer (where they stand is kept in the database)."""
    t = turn.t
    result = await turn.services.faq.question(turn.member, choice.question_id)
    if result.outcome is Outcome.NOT_FOUND:
        turn.stale()
        return
    if result.outcome is Outcome.DENIED:
        turn.toast(t.gettext("Only organisers can answer questions."), alert=True)
        return
    assert result.question is not None
    turn.begin(ANSWERING, "answer", question_id=result.question.id)
    turn.reply(
        t.gettext("Type your answer to:\n<i>{question}</i>\n(/cancel to stop)").format(
            question=esc(result.question.text)
        )
    )


async def answer_typed(turn: Turn) -> None:
    """The organiser's answer: stored, queued to the asker in this turn, offered as a new FAQ entry."""
    t, question_id = turn.t, int(turn.data.get("question_id", 0))
    turn.end()
    result = await turn.services.faq.answer(turn.member, question_id, turn.text)
    if result.outcome is Outcome.ALREADY_DONE:
        turn.reply(t.gettext("This question has already been answered."))
        return
    if result.outcome is not Outcome.OK or result.question is None:
        turn.reply(t.gettext("This question is no longer available."))
        return
    await deliver_answer(turn, result.question)
    turn.reply(
        t.gettext("Your answer has been sent to the person who asked."),
        choices=rows([Choice(t.gettext("➕ Add to the FAQ"), AddToFaq(result.question.id))]),
    )


async def deliver_answer(turn: Turn, question: AskedQuestion) -> None:
    notices = turn.services.notices
    recipient = await notices.recipient(question.member_id) if question.member_id else None
    if recipient is None:
        return
    t = turn.services.i18n.translator(recipient.locale)
    text = t.gettext("💬 <b>Answer to your question</b>\n<i>{question}</i>\n\n{answer}").format(
        question=esc(question.text), answer=esc(question.answer)
    )
    await notices.queue(
        f"faq:{question.id}", [OutgoingMessage.to(recipient, f"faq:{question.id}:answer", Reply(text))]
    )


async def add_chosen(turn: Turn, choice: AddToFaq) -> None:
    """➕ Add to the FAQ: the answered question becomes a knowledge-base entry."""
    t = turn.t
    source = t.gettext("Answer by the organisers, {date}").format(date=t.date(turn.now))
    result = await turn.services.faq.add_to_knowledge_base(turn.member, choice.question_id, source=source)
    if result.outcome is Outcome.DENIED:
        turn.toast(t.gettext("Only organisers can answer questions."), alert=True)
    elif result.outcome is Outcome.ALREADY_DONE:
        turn.toast(t.gettext("Already in the FAQ."), alert=True)
    elif result.outcome is not Outcome.OK or result.entry is None:
        turn.stale()
    else:
        turn.clear_choices()
        turn.reply(t.gettext("Added to the FAQ as <code>{id}</code>.").format(id=result.entry.id))


async def reload_faq(turn: Turn) -> None:
    """/faq_reload (admins): re-read the knowledge-base files."""
    t = turn.t
    if not can(turn.member, Action.RELOAD_FAQ):
        turn.reply(t.gettext("Only admins can reload the FAQ."))
        return
    try:
        kb = await turn.services.faq.reload()
    except KnowledgeBaseError as exc:
        problems = "\n".join(f"• {esc(p)}" for p in exc.problems[:15])
        turn.reply(
            t.gettext("The FAQ files have errors; the previous version stays in use:\n{problems}").format(
                problems=problems
            )
        )
        return
    turn.reply(
        t.gettext("FAQ reloaded: {entries} entries in {topics} topics.").format(
            entries=len(kb.entries), topics=len(kb.topics)
        )
    )


def register(router: Router) -> None:
    router.command(
        "faq",
        show_topics,
        CommandSpec("faq", N_("Questions and answers on learning communities"), Action.ASK_FAQ),
    )
    router.menu(MenuEntry(MENU_LABEL, Action.ASK_FAQ, 70), show_topics)
    router.command(
        "questions",
        list_waiting,
        CommandSpec("questions", N_("Questions waiting for an organiser's answer"), Action.ANSWER_FAQ),
    )
    router.command(
        "faq_reload",
        reload_faq,
        CommandSpec("faq_reload", N_("Reload the FAQ files (admins)"), Action.RELOAD_FAQ, in_menu=False),
    )
    router.dialog(ANSWERING, {"answer": Step(text=answer_typed)})
    router.choice(FaqHome, home_chosen)
    router.choice(FaqTopic, topic_chosen)
    router.choice(FaqEntryChoice, entry_chosen)
    router.choice(SendQuestion, send_chosen)
    router.choice(AnswerQuestion, answer_chosen)
    router.choice(AddToFaq, add_chosen)
    router.fallback(question_asked, FAQ_ORDER)
