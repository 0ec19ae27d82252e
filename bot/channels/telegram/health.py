"""The Telegram part of `python -m bot doctor`: is the token accepted, and how does the webhook stand."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from bot.runtime.doctor import (
    Finding,
    Level,
    api_error,
    api_unreachable,
    token_accepted,
    token_rejected,
    webhook_elsewhere,
    webhook_while_polling,
)


async def check(settings: Settings) -> list[Finding]:
    assert settings.bot_token is not None
    bot = Bot(settings.bot_token, base_url=settings.api_url, base_file_url=settings.file_url)
    try:
        async with bot:
            info = await bot.get_webhook_info()
    except InvalidToken:
        return token_rejected("Telegram", ("từ @BotFather", "from @BotFather"), "TELEGRAM_BOT_TOKEN")
    except NetworkError as exc:
        return api_unreachable(("Bot API của Telegram", "Telegram's Bot API"), str(exc), "TELEGRAM_API_URL")
    except TelegramError as exc:
        return api_error("Telegram", exc)
    findings = [token_accepted("Telegram", f"@{bot.username}")]
    findings += _webhook_findings(settings, info.url)
    if info.last_error_message:
        findings.append(
            Finding(
                Level.WARN,
                f"Lỗi webhook gần nhất: {info.last_error_message}",
                f"Last webhook error: {info.last_error_message}",
            )
        )
    if info.pending_update_count > 100:
        findings.append(
            Finding(
                Level.WARN,
                f"{info.pending_update_count} tin nhắn đang chờ bot nhận",
                f"{info.pending_update_count} updates are waiting for the bot",
                "khởi động bot",
                "start the bot",
            )
        )
    return findings


def _webhook_findings(settings: Settings, current: str) -> list[Finding]:
    """The webhook as the settings want it: TELEGRAM_WEBHOOK_URL (https) in webhook mode, none polling."""
    wanted = settings.telegram_webhook_url
    if wanted is None:
        return [webhook_while_polling("Telegram")] if current else []
    findings = []
    if not wanted.startswith("https://"):
        findings.append(
            Finding(
                Level.PROBLEM,
                "Telegram chỉ gửi tới webhook https: TELEGRAM_WEBHOOK_URL bắt đầu bằng http://",
                "Telegram only posts to https webhooks: TELEGRAM_WEBHOOK_URL starts with http://",
                "đặt bot sau một proxy có chứng chỉ TLS và dùng địa chỉ https của nó",
                "put the bot behind a proxy with a TLS certificate and use its https address",
            )
        )
    if current != wanted:
        findings.append(webhook_elsewhere("Telegram", wanted, "TELEGRAM_WEBHOOK_URL"))
    else:
        findings.append(
            Finding(Level.OK, f"Telegram gửi tin tới webhook {wanted}", f"Telegram posts to {wanted}")
        )
    return findings
