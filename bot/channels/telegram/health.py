"""The Telegram part of `python -m bot doctor`: is the token accepted, and how does the webhook stand."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from bot.runtime.doctor import Finding, Level


async def check(settings: Settings) -> list[Finding]:
    assert settings.bot_token is not None
    bot = Bot(settings.bot_token, base_url=settings.api_url, base_file_url=settings.file_url)
    try:
        async with bot:
            info = await bot.get_webhook_info()
    except InvalidToken:
        return [
            Finding(
                Level.PROBLEM,
                "Telegram từ chối token của bot",
                "Telegram rejected the bot token",
                "lấy lại token từ @BotFather và đặt vào TELEGRAM_BOT_TOKEN",
                "get the token again from @BotFather and set TELEGRAM_BOT_TOKEN",
            )
        ]
    except NetworkError as exc:
        return [
            Finding(
                Level.PROBLEM,
                f"Không kết nối được Bot API của Telegram ({exc})",
                f"Cannot reach Telegram's Bot API ({exc})",
                "kiểm tra mạng, tường lửa và TELEGRAM_API_URL",
                "check the network, the firewall and TELEGRAM_API_URL",
            )
        ]
    except TelegramError as exc:
        return [Finding(Level.PROBLEM, f"Telegram báo lỗi: {exc}", f"Telegram answered an error: {exc}")]
    findings = [
        Finding(
            Level.OK,
            f"Telegram: token hợp lệ (@{bot.username})",
            f"Telegram: token accepted (@{bot.username})",
        )
    ]
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
        if not current:
            return []
        return [
            Finding(
                Level.WARN,
                "Telegram đang đặt webhook; khi chạy kiểu long polling bot sẽ gỡ nó",
                "A Telegram webhook is set; the bot removes it when it starts long polling",
            )
        ]
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
        findings.append(
            Finding(
                Level.WARN,
                f"Webhook của Telegram chưa trỏ tới {wanted}",
                f"Telegram's webhook does not point at {wanted} yet",
                "bot đặt webhook khi khởi động; nếu vẫn thế, kiểm tra TELEGRAM_WEBHOOK_URL và proxy",
                "the bot sets it at start; if this stays, check TELEGRAM_WEBHOOK_URL and the proxy",
            )
        )
    else:
        findings.append(
            Finding(Level.OK, f"Telegram gửi tin tới webhook {wanted}", f"Telegram posts to {wanted}")
        )
    return findings
