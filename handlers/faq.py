"""FAQ: free-text questions answered from the knowledge base, topic browsing, and the organisers' queue."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.faq import FaqAnswer, FaqEntry, KnowledgeBaseError, to_html
from bot.core.faq.questions import AskedQuestion, Outcome
from bot.core.models import Role
from bot.core.permissions import Action, can
from bot.i18n import Translator
from handlers import callbacks
from handlers.menu import menu_filter
from handlers.registry import N_, CommandSpec, MenuEntry
from handlers.render import answer_stale, buttons, esc
from storage.outbox import OutgoingMessage

P = "faq"
COMMANDS = (
    CommandSpec("faq", N_("Questions and answers on learning communities"), Action.ASK_FAQ),
    CommandSpec("questions", N_("Questions waiting for an organiser's answer"), Action.ANSWER_FAQ),
    CommandSpec("faq_reload", N_("Reload the FAQ files (admins)"), Action.RELOAD_FAQ, in_menu=False),
)
MENU = (MenuEntry(N_("❓ Questions & answers"), Action.ASK_FAQ, 70),)
ANSWERING = 1
MAX_LABEL = 60
MAX_WAITING = 10


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def render_entry(t: Translator, entry: FaqEntry) -> str:
    """An entry's answer in the reader's language, with its source."""
    source = t.gettext("Source: {source}").format(source=esc(entry.source))
    return f"{to_html(entry.answer_for(t.locale))}\n\n<i>{source}</i>"


def send_button(t: Translator, question_id: int | None) -> list[tuple[str, str]]:
    if question_id is None:
        return []
    return [(t.gettext("📨 Send my question to the organisers"), callbacks.encode(P, "s", question_id))]


def render_verdict(t: Translator, verdict: FaqAnswer, question_id: int | None) -> tuple[str, list]:
    """Text and button rows for the bot's verdict on a question."""
    if verdict.entry is not None and verdict.kind == "answer":
        return render_entry(t, verdict.entry), []
    if verdict.entry is not None:
        note = t.gettext(
            "There is no confirmed answer to this yet. I can send your question to the organisers."
        )
        return f"{render_entry(t, verdict.entry)}\n\n{note}", [send_button(t, question_id)]
    if verdict.suggestions:
        rows = [[(_label(e.title), callbacks.encode(P, "e", e.id))] for e in verdict.suggestions]
        return t.gettext("Did you mean…"), rows + [send_button(t, question_id)]
    text = t.gettext("Sorry, there is no answer to this question yet. I can send it to the organisers.")
    return text, [send_button(t, question_id)]


async def question_asked(update: Update, ctx: BotContext) -> None:
    """Free text nobody else wanted: a question for the knowledge base."""
    message = update.effective_message
    verdict, question_id = await ctx.services.faq.ask(ctx.member, message.text or "")
    text, rows = render_verdict(ctx.t, verdict, question_id)
    rows = [row for row in rows if row]
    await message.reply_text(text, reply_markup=buttons(rows) if rows else None)


def topic_buttons(ctx: BotContext) -> InlineKeyboardMarkup:
    """One button per topic that has entries, titled in the reader's language."""
    kb, locale = ctx.services.faq.kb, ctx.t.locale
    rows = [[(topic.title_for(locale), callbacks.encode(P, "t", topic.id))] for topic in kb.topics]
    return buttons([row for row, topic in zip(rows, kb.topics, strict=True) if kb.by_topic(topic.id)])


async def show_topics(update: Update, ctx: BotContext) -> None:
    """/faq: the topics as buttons."""
    t = ctx.t
    await update.effective_message.reply_text(
        t.gettext("Choose a topic, or simply type your question."), reply_markup=topic_buttons(ctx)
    )


async def faq_pressed(update: Update, ctx: BotContext) -> None:
    """Topic, entry, back, or "send my question" buttons."""
    query, t, faq = update.callback_query, ctx.t, ctx.services.faq
    parts = callbacks.decode(query.data, P, 2) or callbacks.decode(query.data, P, 1)
    if not parts:
        await answer_stale(update, t)
        return
    action, value = parts[0], parts[1] if len(parts) > 1 else ""
    if action == "home":
        await query.answer()
        await query.edit_message_text(
            t.gettext("Choose a topic, or simply type your question."), reply_markup=topic_buttons(ctx)
        )
    elif action == "t" and faq.kb.by_topic(value):
        await query.answer()
        rows = [[(_label(e.title), callbacks.encode(P, "e", e.id))] for e in faq.kb.by_topic(value)]
        rows.append([(t.gettext("⬅️ All topics"), callbacks.encode(P, "home"))])
        await query.edit_message_text(
            t.gettext("<b>{topic}</b>: choose a question.").format(
                topic=esc(faq.kb.topic(value).title_for(t.locale))
            ),
            reply_markup=buttons(rows),
        )
    elif action == "e" and value in {e.id for e in faq.kb.entries}:
        await query.answer()
        await query.message.reply_text(render_entry(t, faq.kb.entry(value)))
    elif action == "s" and callbacks.parse_int(value) is not None:
        await send_to_organisers(update, ctx, int(value))
    else:
        await answer_stale(update, t)


async def send_to_organisers(update: Update, ctx: BotContext, question_id: int) -> None:
    query, t = update.callback_query, ctx.t
    result = await ctx.services.faq.send_to_organisers(ctx.member, question_id)
    if result.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return
    await query.answer()
    if result.outcome is Outcome.ALREADY_DONE:
        await query.message.reply_text(t.gettext("Your question has already been sent to the organisers."))
        return
    assert result.question is not None
    await notify_organisers(ctx, result.question)
    await query.edit_message_reply_markup(reply_markup=None)
    await query.message.reply_text(
        t.gettext("I have sent your question to the organisers. Their answer will come here.")
    )


async def notify_organisers(ctx: BotContext, question: AskedQuestion) -> None:
    """Queue the question, with an Answer button, to every organiser and admin (once each)."""
    asker = await ctx.services.members.recipient(question.member_id) if question.member_id else None
    organisers = await ctx.services.member_store.recipients(roles=[Role.ORGANISER, Role.ADMIN])
    messages = []
    for organiser in organisers:
        t = ctx.services.i18n.translator(organiser.locale)
        text = t.gettext("❓ <b>Question from {name}</b>\n{question}").format(
            name=esc(asker.full_name if asker else "?"), question=esc(question.text)
        )
        markup = buttons([[(t.gettext("✍️ Answer"), callbacks.encode(P, "a", question.id))]]).to_dict()
        messages.append(
            OutgoingMessage(
                dedupe_key=f"faq:{question.id}:to:{organiser.member_id}",
                member_id=organiser.member_id,
                chat_id=organiser.chat_id,
                text=text,
                markup=markup,
            )
        )
    if messages:
        await ctx.services.outbox.enqueue(f"faq:{question.id}", messages, now=ctx.services.clock.now())
        ctx.bot_data["delivery"].wake()


async def list_waiting(update: Update, ctx: BotContext) -> None:
    """/questions: questions sent on and not yet answered, each with an Answer button."""
    t = ctx.t
    waiting = await ctx.services.faq.waiting(ctx.member, MAX_WAITING)
    if not isinstance(waiting, list):
        await update.effective_message.reply_text(t.gettext("Only organisers can answer questions."))
        return
    if not waiting:
        await update.effective_message.reply_text(t.gettext("No questions are waiting for an answer."))
        return
    for question in waiting:
        text = t.gettext("❓ {question}\n<i>asked {when}</i>").format(
            question=esc(question.text), when=t.datetime(question.sent_at or question.asked_at)
        )
        await update.effective_message.reply_text(
            text, reply_markup=buttons([[(t.gettext("✍️ Answer"), callbacks.encode(P, "a", question.id))]])
        )


async def answer_pressed(update: Update, ctx: BotContext) -> int | None:
    """✍️ Answer: the organiser is asked to type the answer."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, P, 2)
    question_id = callbacks.parse_int(parts[1]) if parts else None
    result = await ctx.services.faq.question(ctx.member, question_id) if question_id else None
    if result is None or result.outcome is Outcome.NOT_FOUND:
        await answer_stale(update, t)
        return ConversationHandler.END
    if result.outcome is Outcome.DENIED:
        await query.answer(t.gettext("Only organisers can answer questions."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    assert result.question is not None
    ctx.user_data[P] = result.question.id
    await query.message.reply_text(
        t.gettext("Type your answer to:\n<i>{question}</i>\n(/cancel to stop)").format(
            question=esc(result.question.text)
        )
    )
    return ANSWERING


async def answer_typed(update: Update, ctx: BotContext) -> int:
    """The organiser's answer: stored, delivered to the asker, offered as a new FAQ entry."""
    t, question_id = ctx.t, ctx.user_data.pop(P, None)
    result = await ctx.services.faq.answer(ctx.member, question_id or 0, update.effective_message.text or "")
    if result.outcome is Outcome.ALREADY_DONE:
        await update.effective_message.reply_text(t.gettext("This question has already been answered."))
        return ConversationHandler.END
    if result.outcome is not Outcome.OK or result.question is None:
        await update.effective_message.reply_text(t.gettext("This question is no longer available."))
        return ConversationHandler.END
    await deliver_answer(ctx, result.question)
    await update.effective_message.reply_text(
        t.gettext("Your answer has been sent to the person who asked."),
        reply_markup=buttons(
            [[(t.gettext("➕ Add to the FAQ"), callbacks.encode(P, "k", result.question.id))]]
        ),
    )
    return ConversationHandler.END


async def deliver_answer(ctx: BotContext, question: AskedQuestion) -> None:
    recipient = await ctx.services.members.recipient(question.member_id) if question.member_id else None
    if recipient is None:
        return
    t = ctx.services.i18n.translator(recipient.locale)
    text = t.gettext("💬 <b>Answer to your question</b>\n<i>{question}</i>\n\n{answer}").format(
        question=esc(question.text), answer=esc(question.answer)
    )
    await ctx.services.outbox.enqueue(
        f"faq:{question.id}",
        [
            OutgoingMessage(
                dedupe_key=f"faq:{question.id}:answer",
                member_id=recipient.member_id,
                chat_id=recipient.chat_id,
                text=text,
            )
        ],
        now=ctx.services.clock.now(),
    )
    ctx.bot_data["delivery"].wake()


async def stop_answering(update: Update, ctx: BotContext) -> int:
    ctx.user_data.pop(P, None)
    await update.effective_message.reply_text(ctx.t.gettext("Cancelled. The question stays in /questions."))
    return ConversationHandler.END


async def add_pressed(update: Update, ctx: BotContext) -> None:
    """➕ Add to the FAQ: the answered question becomes a knowledge-base entry."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, P, 2)
    question_id = callbacks.parse_int(parts[1]) if parts else None
    if question_id is None:
        await answer_stale(update, t)
        return
    source = t.gettext("Answer by the organisers, {date}").format(date=t.date(ctx.services.clock.now()))
    result = await ctx.services.faq.add_to_knowledge_base(ctx.member, question_id, source=source)
    if result.outcome is Outcome.DENIED:
        await query.answer(t.gettext("Only organisers can answer questions."), show_alert=True)
    elif result.outcome is Outcome.ALREADY_DONE:
        await query.answer(t.gettext("Already in the FAQ."), show_alert=True)
    elif result.outcome is not Outcome.OK or result.entry is None:
        await answer_stale(update, t)
    else:
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        await query.message.reply_text(
            t.gettext("Added to the FAQ as <code>{id}</code>.").format(id=result.entry.id)
        )


async def reload_faq(update: Update, ctx: BotContext) -> None:
    """/faq_reload (admins): re-read the knowledge-base files."""
    t = ctx.t
    if not can(ctx.member, Action.RELOAD_FAQ):
        await update.effective_message.reply_text(t.gettext("Only admins can reload the FAQ."))
        return
    try:
        kb = await ctx.services.faq.reload()
    except KnowledgeBaseError as exc:
        problems = "\n".join(f"• {esc(p)}" for p in exc.problems[:15])
        await update.effective_message.reply_text(
            t.gettext("The FAQ files have errors; the previous version stays in use:\n{problems}").format(
                problems=problems
            )
        )
        return
    await update.effective_message.reply_text(
        t.gettext("FAQ reloaded: {entries} entries in {topics} topics.").format(
            entries=len(kb.entries), topics=len(kb.topics)
        )
    )


def register(app: Application) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(CommandHandler("faq", show_topics))
    app.add_handler(MessageHandler(menu_filter(app, N_("❓ Questions & answers")), show_topics))
    app.add_handler(CommandHandler("questions", list_waiting))
    app.add_handler(CommandHandler("faq_reload", reload_faq))
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(answer_pressed, pattern=rf"^v1:{P}:a:")],
            states={ANSWERING: [MessageHandler(text, answer_typed)]},
            fallbacks=[CommandHandler("cancel", stop_answering)],
            allow_reentry=True,
            name="faq_answer",
            conversation_timeout=timedelta(minutes=30),
        )
    )
    app.add_handler(CallbackQueryHandler(add_pressed, pattern=rf"^v1:{P}:k:"))
    app.add_handler(CallbackQueryHandler(faq_pressed, pattern=callbacks.pattern(P)))


def register_late(app: Application) -> None:
    """Free text no conversation wanted is a question (registered after every feature, before the
    fallback)."""
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, question_asked)
    )
