"""Composition root: build the Application, open services at start, close them at stop."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

import handlers
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext
from bot.delivery import DeliveryWorker
from bot.http_client import StreamsRequest
from bot.i18n import SUPPORTED_LOCALES, I18n
from bot.scheduler import run_due_tasks, tick
from bot.services import Services

logger = logging.getLogger(__name__)

OVERALL_MAX_RATE = 28
GROUP_MAX_RATE = 19


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    i18n: I18n | None = None,
) -> Application:
    """The fully wired Application; `clock` is the emulator's in the sandbox and tests."""
    if settings.bot_token is None:
        raise ValueError("a bot token is required to build the application")
    i18n = i18n or I18n.load(tz=settings.timezone)
    from bot.updates import PerChatUpdateProcessor

    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.timezone, link_preview_options=None))
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(
            AIORateLimiter(overall_max_rate=OVERALL_MAX_RATE, group_max_rate=GROUP_MAX_RATE, max_retries=2)
        )
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .post_stop(on_stop)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    elif settings.http_client == "streams":
        builder = builder.request(StreamsRequest(pool_size=64)).get_updates_request(
            StreamsRequest(pool_size=1)
        )
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["clock"] = clock or SystemClock()
    app.bot_data["i18n"] = i18n
    handlers.register_all(app)
    return app


async def on_startup(app: Application) -> None:
    """Open the database, wire services, start the delivery worker and the scheduler, set commands."""
    settings: Settings = app.bot_data["settings"]
    services = await Services.create(settings, app.bot_data["clock"], i18n=app.bot_data["i18n"])
    app.bot_data["services"] = services
    delivery = DeliveryWorker(app)
    app.bot_data["delivery"] = delivery
    for hook in app.bot_data.get("startup_hooks", []):
        await hook(app)
    await delivery.start()
    if app.job_queue is not None:
        app.job_queue.run_repeating(tick, interval=settings.tick_seconds, first=0.5, name="scheduler-tick")
    try:
        await set_commands(app)
    except Exception:
        logger.exception("could not register the bot's commands")


async def on_stop(app: Application) -> None:
    """Stop sending before the database closes."""
    delivery: DeliveryWorker | None = app.bot_data.get("delivery")
    if delivery is not None:
        await delivery.stop()


async def on_shutdown(app: Application) -> None:
    """Close the database."""
    services: Services | None = app.bot_data.pop("services", None)
    if services is not None:
        await services.close()


async def set_commands(app: Application) -> None:
    """setMyCommands: Vietnamese by default, English for English-language clients."""
    i18n: I18n = app.bot_data["i18n"]
    for locale in SUPPORTED_LOCALES:
        t = i18n.translator(locale)
        commands = [
            BotCommand(spec.name, t.gettext(spec.description)[:256])
            for spec in handlers.command_specs()
            if spec.in_menu
        ]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=None if locale == "vi" else locale
        )


async def process_due_now(app: Application) -> None:
    """Run due tasks and wake the delivery worker (after the sandbox clock moved)."""
    await run_due_tasks(app)
    delivery: DeliveryWorker | None = app.bot_data.get("delivery")
    if delivery is not None:
        delivery.wake()


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.EDITED_MESSAGE]
