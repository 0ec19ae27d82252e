"""/reports: a ward lead's chapters, or every ward for organisers; nudge, excuse and drill down by button."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.core.models import Role
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.reports import FileOutcome, ReportingPeriod, Rollup, Status, WardRollup
from handlers import callbacks
from handlers.render import answer_stale, buttons, esc, grid
from handlers.reports.filing import START_PREFIX
from handlers.reports.texts import chapter_line, period_label, totals_line
from storage.outbox import OutgoingMessage

PREFIX = "repv"


async def show(update: Update, ctx: BotContext) -> None:
    """/reports for the current period."""
    t, member = ctx.t, ctx.member
    if not can(member, Action.VIEW_REPORTS):
        await update.effective_message.reply_text(
            t.gettext(
                "Only ward leads and organisers can see the reports of chapters. To file yours, send /report."
            )
        )
        return
    assert member is not None
    rp = await ctx.services.reports.current_period()
    if reach_of(member, Action.VIEW_REPORTS) is Reach.OWN_WARD:
        rollup = await ctx.services.reports.view(member, rp.key)
        ward = rollup.ward(member.ward_id) if rollup else None
        if ward is None:
            await update.effective_message.reply_text(t.gettext("Your account is not linked to a ward yet."))
            return
        text, markup = ward_view(ctx, rp, ward)
    else:
        rollup = await ctx.services.reports.view(member, rp.key)
        assert rollup is not None
        text, markup = district_view(ctx, rp, rollup)
    await update.effective_message.reply_text(text, reply_markup=markup)


def district_view(ctx: BotContext, rp: ReportingPeriod, rollup: Rollup):
    t = ctx.t
    lines = [
        t.gettext("<b>New-member reports, {period}</b> (deadline {deadline})").format(
            period=period_label(t, rp), deadline=t.datetime(rp.deadline)
        ),
        t.gettext("<b>District:</b> {totals}").format(totals=totals_line(t, rollup.district)),
        "",
    ]
    for ward in rollup.wards:
        lines.append(
            t.gettext("<b>{ward}</b>: {totals}").format(
                ward=esc(ward.ward_name), totals=totals_line(t, ward.totals)
            )
        )
    rows = grid([(w.ward_name, callbacks.encode(PREFIX, "w", w.ward_id, rp.key)) for w in rollup.wards], 3)
    if can(ctx.member, Action.EXPORT_REPORTS):
        rows.append([(t.gettext("📊 Excel file"), callbacks.encode(PREFIX, "x", 0, rp.key))])
    return "\n".join(lines), buttons(rows)


def ward_view(ctx: BotContext, rp: ReportingPeriod, ward: WardRollup):
    t = ctx.t
    lines = [
        t.gettext("<b>{ward}, {period}</b> (deadline {deadline})").format(
            ward=esc(ward.ward_name), period=period_label(t, rp), deadline=t.datetime(rp.deadline)
        ),
        totals_line(t, ward.totals),
        "",
    ]
    lines.extend(chapter_line(t, line) for line in ward.chapters)
    rows = []
    may_excuse = can(ctx.member, Action.EXCUSE_REPORT)
    for line in ward.chapters:
        chapter_id = line.chapter.chapter_id
        if line.status is Status.EXCUSED and may_excuse:
            rows.append(
                [
                    (
                        t.gettext("↩️ Chase {chapter} again").format(chapter=line.chapter.chapter_name),
                        callbacks.encode(PREFIX, "u", chapter_id, rp.key),
                    )
                ]
            )
        if line.status is not Status.MISSING:
            continue
        row = [
            (
                t.gettext("🔔 Remind {chapter}").format(chapter=line.chapter.chapter_name),
                callbacks.encode(PREFIX, "n", chapter_id, rp.key),
            )
        ]
        if may_excuse:
            row.append((t.gettext("⏸ Excuse"), callbacks.encode(PREFIX, "e", chapter_id, rp.key)))
        rows.append(row)
    return "\n".join(lines), buttons(rows) if rows else None


async def pressed(update: Update, ctx: BotContext) -> None:
    """Drill down into a ward, nudge or excuse a chapter, or export: authorised again for the presser."""
    query, t = update.callback_query, ctx.t
    parts = callbacks.decode(query.data, PREFIX, 3)
    target = callbacks.parse_int(parts[1]) if parts and parts[0] in ("w", "n", "e", "u", "x") else None
    rp = await ctx.services.reports.period(parts[2]) if parts and target is not None else None
    if parts is None or target is None or rp is None:
        await answer_stale(update, t)
        return
    action = parts[0]
    if action == "w":
        rollup = await ctx.services.reports.view(ctx.member, rp.key, ward_id=target)
        ward = rollup.ward(target) if rollup else None
        if ward is None:
            await answer_stale(update, t)
            return
        await query.answer()
        text, markup = ward_view(ctx, rp, ward)
        await update.effective_message.reply_text(text, reply_markup=markup)
    elif action == "n":
        await nudge(update, ctx, target, rp)
    elif action in ("e", "u"):
        await excuse(update, ctx, target, rp, excused=action == "e")
    else:
        from handlers.reports.export import send_export

        await send_export(update, ctx, rp.period, rp.period)


async def nudge(update: Update, ctx: BotContext, chapter_id: int, rp: ReportingPeriod) -> None:
    """Remind the cadres of a chapter that has not reported, now (at most once an hour per chapter)."""
    query, t, services = update.callback_query, ctx.t, ctx.services
    chapter = await services.reports.may_nudge(ctx.member, chapter_id)
    if chapter is None:
        await answer_stale(update, t)
        return
    assert ctx.member is not None
    rollup = await services.reports.rollup(rp.key, ward_id=chapter.ward_id)
    ward = rollup.ward(chapter.ward_id) if rollup else None
    line = next((c for c in ward.chapters if c.chapter.chapter_id == chapter_id), None) if ward else None
    if line is None or line.status is not Status.MISSING:
        await query.answer(
            t.gettext("{chapter} does not need a reminder: it has reported or is excused.").format(
                chapter=chapter.name
            ),
            show_alert=True,
        )
        return
    cadres = await services.member_store.recipients(roles=[Role.CADRE], chapter_ids=[chapter_id])
    if not cadres:
        await query.answer(
            t.gettext("Nobody from {chapter} uses the bot yet; please call them.").format(
                chapter=chapter.name
            ),
            show_alert=True,
        )
        return
    now = services.clock.now()
    hour = int(now.timestamp()) // 3600
    messages = []
    for cadre in cadres:
        ct = services.i18n.translator(cadre.locale)
        text = ct.gettext(
            "🔔 {lead} reminds you: the new-member report of {chapter} for {period} has not been "
            "sent yet. Deadline: {deadline}."
        ).format(
            lead=esc(ctx.member.full_name),
            chapter=esc(chapter.name),
            period=period_label(ct, rp),
            deadline=ct.datetime(rp.deadline),
        )
        messages.append(
            OutgoingMessage(
                f"report:{rp.key}:nudge:{chapter_id}:{hour}:to:{cadre.member_id}",
                cadre.member_id,
                cadre.chat_id,
                text,
                markup=report_now_button(ct, chapter_id, rp.key),
            )
        )
    if not await services.outbox.enqueue(f"report:{rp.key}:nudge", messages, now=now):
        await query.answer(
            t.gettext("{chapter} was already reminded this hour.").format(chapter=chapter.name),
            show_alert=True,
        )
        return
    ctx.bot_data["delivery"].wake()
    await query.answer(
        t.ngettext(
            "Reminder sent to {count} cadre of {chapter}.",
            "Reminder sent to {count} cadres of {chapter}.",
            len(cadres),
        ).format(count=len(cadres), chapter=chapter.name),
        show_alert=True,
    )


def report_now_button(t, chapter_id: int, period_key: str) -> dict:
    return buttons(
        [[(t.gettext("📝 Report now"), callbacks.encode(START_PREFIX, chapter_id, period_key))]]
    ).to_dict()


async def excuse(
    update: Update, ctx: BotContext, chapter_id: int, rp: ReportingPeriod, *, excused: bool
) -> None:
    """An organiser excuses a missing chapter for the period (no more chasing, not counted missing), or takes
    the excuse back."""
    query, t = update.callback_query, ctx.t
    outcome = await ctx.services.reports.excuse(ctx.member, chapter_id, rp.key, excused=excused)
    if outcome is FileOutcome.DENIED or outcome is FileOutcome.NOT_FOUND:
        await query.answer(t.gettext("Only organisers can excuse a chapter."), show_alert=True)
        return
    chapter = await ctx.services.org.chapter(chapter_id)
    name = chapter.name if chapter else ""
    if excused:
        await query.answer(
            t.gettext("{chapter} is excused for {period}.").format(chapter=name, period=period_label(t, rp)),
            show_alert=True,
        )
    else:
        await query.answer(
            t.gettext("{chapter} is expected to report for {period} again.").format(
                chapter=name, period=period_label(t, rp)
            ),
            show_alert=True,
        )
    rollup = await ctx.services.reports.view(ctx.member, rp.key, ward_id=chapter.ward_id if chapter else None)
    ward = rollup.ward(chapter.ward_id) if rollup and chapter else None
    if ward is not None:
        text, markup = ward_view(ctx, rp, ward)
        await query.edit_message_text(text, reply_markup=markup)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("reports", show))
    app.add_handler(CallbackQueryHandler(pressed, pattern=callbacks.pattern(PREFIX)))
