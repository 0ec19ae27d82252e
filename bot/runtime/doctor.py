"""`python -m bot doctor`: is this deployment healthy, and what to do about each problem.

Checks the configuration, the database (integrity, migrations, free disk), each configured channel (token
accepted, webhook state), the scheduler (overdue and failed tasks) and the outbox (pending, oldest unsent,
failures). Each finding is one line in Vietnamese and English, with what to do; problems make the exit code
non-zero. Nothing is changed: the database is opened without migrating.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.logs import redact

LOW_DISK_BYTES = 200 * 1024 * 1024
OUTBOX_LATE = timedelta(minutes=10)


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was found (vi, en) and, for a problem, what to do (vi, en)."""

    level: Level
    vi: str
    en: str
    fix_vi: str = ""
    fix_en: str = ""
    details: tuple[str, ...] = ()
    """Lines shown under the finding as they are (the configuration problems, each vi then en)."""


ICONS = {Level.OK: "✅", Level.WARN: "⚠️", Level.PROBLEM: "❌"}
ChannelCheck = Callable[[Settings], Awaitable[list[Finding]]]


# --- what a channel's check finds, worded alike for Telegram and Zalo ----------------------------------


def token_rejected(platform: str, where: tuple[str, str], variable: str) -> list[Finding]:
    """The platform refused the token: get it again `where` (vi, en) and set `variable`."""
    return [
        Finding(
            Level.PROBLEM,
            f"{platform} từ chối token của bot",
            f"{platform} rejected the bot token",
            f"lấy lại token {where[0]} và đặt vào {variable}",
            f"get the token again {where[1]} and set {variable}",
        )
    ]


def api_unreachable(api: tuple[str, str], detail: str, variable: str) -> list[Finding]:
    """The `api` (vi, en) could not be reached: check the network and `variable`."""
    return [
        Finding(
            Level.PROBLEM,
            f"Không kết nối được {api[0]} ({detail})",
            f"Cannot reach {api[1]} ({detail})",
            f"kiểm tra mạng, tường lửa và {variable}",
            f"check the network, the firewall and {variable}",
        )
    ]


def api_error(platform: str, error: Exception) -> list[Finding]:
    return [Finding(Level.PROBLEM, f"{platform} báo lỗi: {error}", f"{platform} answered an error: {error}")]


def token_accepted(platform: str, name: str) -> Finding:
    return Finding(Level.OK, f"{platform}: token hợp lệ ({name})", f"{platform}: token accepted ({name})")


def webhook_while_polling(platform: str) -> Finding:
    return Finding(
        Level.WARN,
        f"{platform} đang đặt webhook; khi chạy kiểu long polling bot sẽ gỡ nó",
        f"A {platform} webhook is set; the bot removes it when it starts long polling",
    )


def webhook_elsewhere(platform: str, wanted: str, variable: str) -> Finding:
    """The platform's webhook does not point at `wanted` (made of `variable`) yet."""
    return Finding(
        Level.WARN,
        f"Webhook của {platform} chưa trỏ tới {wanted}",
        f"{platform}'s webhook does not point at {wanted} yet",
        f"bot đặt webhook khi khởi động; nếu vẫn thế, kiểm tra {variable} và proxy",
        f"the bot sets it at start; if this stays, check {variable} and the proxy",
    )


def render(findings: list[Finding]) -> str:
    """The report as text: one finding per line (Vietnamese — English), the fix indented below."""
    lines = []
    for f in findings:
        lines.append(f"{ICONS[f.level]} {f.vi} — {f.en}")
        if f.fix_vi or f.fix_en:
            lines.append(f"   → {f.fix_vi} — {f.fix_en}")
        lines += [f"     {line}" for line in f.details]
    problems = sum(1 for f in findings if f.level is Level.PROBLEM)
    if problems:
        lines.append(f"\n{problems} vấn đề cần xử lý — {problems} problem(s) to fix.")
    else:
        lines.append("\nMọi thứ ổn — All good.")
    return redact("\n".join(lines))


async def diagnose(
    env: dict[str, str] | None = None, *, channel_checks: dict[str, ChannelCheck]
) -> list[Finding]:
    """Every check, in order; a broken configuration stops there."""
    try:
        settings = Settings.from_env(env, require_token=False)
    except ConfigError as exc:
        return [
            Finding(
                Level.PROBLEM,
                "Cấu hình chưa đúng",
                "Configuration is invalid",
                "sửa các biến môi trường dưới đây",
                "fix the environment variables below",
                details=tuple(str(exc).splitlines()),
            )
        ]
    findings = [Finding(Level.OK, "Cấu hình hợp lệ", "Configuration is valid")]
    findings += await database_findings(settings)
    if not settings.channels:
        findings.append(
            Finding(
                Level.WARN,
                "Chưa cấu hình kênh nào (không có TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN)",
                "No channel configured (neither TELEGRAM_BOT_TOKEN nor ZALO_BOT_TOKEN is set)",
                "đặt token của bot để chạy thật",
                "set the bot's token to run for real",
            )
        )
    for name, check in channel_checks.items():
        if name in settings.channels:
            findings += await check(settings)
    return findings


async def database_findings(settings: Settings) -> list[Finding]:
    from storage.db import Database
    from storage.health import queue_state, schema_state, task_state
    from storage.inbox import SqliteInbox

    path = settings.database_path
    findings: list[Finding] = []
    if settings.database_url is None:  # a PostgreSQL server is checked by connecting to it
        if not path.exists():
            return [
                Finding(
                    Level.PROBLEM,
                    f"Chưa có cơ sở dữ liệu ở {path}",
                    f"No database at {path}",
                    "kiểm tra DATABASE_PATH nếu đã có dữ liệu; nếu không, tạo nó: python -m bot migrate",
                    "check DATABASE_PATH if the data is elsewhere; else create it: python -m bot migrate",
                )
            ]
        free = shutil.disk_usage(path.parent).free
        if free < LOW_DISK_BYTES:
            findings.append(
                Finding(
                    Level.PROBLEM,
                    f"Ổ đĩa chỉ còn {free // (1024 * 1024)} MiB trống",
                    f"Only {free // (1024 * 1024)} MiB free on the database's disk",
                    "giải phóng dung lượng hoặc chuyển DATABASE_PATH sang ổ khác",
                    "free some space or move DATABASE_PATH to another volume",
                )
            )
    try:
        db = await Database.open(settings.database, migrate=False)
    except Exception as exc:
        return [*findings, _cannot_use(exc)]
    try:
        try:
            async with db.transaction():  # takes the write lock: the bot will be able to write
                pass
        except Exception as exc:
            return [*findings, _cannot_use(exc)]
        now = SystemClock().now()
        schema = await schema_state(db)
        findings += schema_findings(schema.version, schema.latest, schema.integrity)
        if schema.version == schema.latest:
            findings += queue_findings(await queue_state(db, now), now)
            findings += task_findings(await task_state(db, now))
            findings += inbox_findings(await SqliteInbox(db).state())
    finally:
        await db.close()
    return findings


def _cannot_use(exc: Exception) -> Finding:
    return Finding(
        Level.PROBLEM,
        f"Không mở hoặc không ghi được cơ sở dữ liệu: {exc}",
        f"Cannot open or write the database: {exc}",
        "kiểm tra đường dẫn DATABASE_PATH và quyền ghi vào tệp và thư mục của nó",
        "check DATABASE_PATH and that the bot may write the file and its folder",
    )


def schema_findings(version: int, latest: int, integrity: str) -> list[Finding]:
    findings = []
    if integrity != "ok":
        findings.append(
            Finding(
                Level.PROBLEM,
                f"Cơ sở dữ liệu hỏng: {integrity}",
                f"The database failed its integrity check: {integrity}",
                "dừng bot, khôi phục từ bản sao lưu (python -m bot backup)",
                "stop the bot and restore the latest backup (python -m bot backup)",
            )
        )
    if version > latest:
        findings.append(
            Finding(
                Level.PROBLEM,
                f"Cơ sở dữ liệu mới hơn mã nguồn (phiên bản {version} > {latest})",
                f"The database is newer than this code (schema {version} > {latest})",
                "cài phiên bản bot mới hơn, đừng hạ cấp dữ liệu",
                "deploy the newer bot; never downgrade the data",
            )
        )
    elif version < latest:
        findings.append(
            Finding(
                Level.PROBLEM,
                f"Còn {latest - version} bản nâng cấp cơ sở dữ liệu chưa chạy",
                f"{latest - version} database migration(s) pending",
                "sao lưu (python -m bot backup) rồi chạy python -m bot migrate",
                "back up (python -m bot backup), then run python -m bot migrate",
            )
        )
    else:
        findings.append(
            Finding(
                Level.OK, f"Cơ sở dữ liệu ổn (phiên bản {version})", f"Database is healthy (schema {version})"
            )
        )
    return findings


def queue_findings(state, now: datetime) -> list[Finding]:  # noqa: ANN001 - storage.health.QueueState
    late = state.oldest_unsent_at is not None and now - state.oldest_unsent_at > OUTBOX_LATE
    findings = [
        Finding(
            Level.PROBLEM if late else Level.OK,
            f"Hàng đợi tin nhắn: {state.pending} tin đang chờ gửi",
            f"Outbox: {state.pending} message(s) waiting",
            *(
                (
                    "có tin chờ quá 10 phút: kiểm tra bot có đang chạy và kết nối được kênh",
                    "messages have waited over 10 minutes: check the bot runs and reaches its channel",
                )
                if late
                else ()
            ),
        )
    ]
    if state.failed_last_day:
        findings.append(
            Finding(
                Level.PROBLEM,
                f"{state.failed_last_day} tin gửi thất bại trong 24 giờ qua",
                f"{state.failed_last_day} message(s) failed in the last 24 hours",
                "xem nhật ký (log, tìm 'bot.errors') để biết lý do",
                "read the log (look for 'bot.errors') for the reasons",
            )
        )
    return findings


def task_findings(state) -> list[Finding]:  # noqa: ANN001 - storage.health.TaskState
    findings = [
        Finding(
            Level.PROBLEM if state.overdue else Level.OK,
            f"Lịch nhắc việc: {state.pending} việc đã lên lịch, {state.overdue} việc quá hạn chưa chạy"
            + (f", việc kế tiếp lúc {_when(state.next_due_at)}" if state.next_due_at else ""),
            f"Scheduler: {state.pending} task(s) planned, {state.overdue} overdue"
            + (f", the next due at {_when(state.next_due_at)}" if state.next_due_at else ""),
            *(
                ("bot có thể đang dừng: khởi động lại bot", "the bot may be stopped: start it again")
                if state.overdue
                else ()
            ),
        )
    ]
    if state.failed:
        findings.append(
            Finding(
                Level.WARN,
                f"{state.failed} việc đã bỏ sau nhiều lần lỗi",
                f"{state.failed} task(s) gave up after repeated errors",
                "xem nhật ký (log) để biết lý do",
                "read the log for the reasons",
            )
        )
    return findings


def inbox_findings(state) -> list[Finding]:  # noqa: ANN001 - storage.inbox.InboxState
    """Webhook updates the bot gave up on after repeated errors (none when it receives by polling)."""
    if not state.parked:
        return []
    return [
        Finding(
            Level.WARN,
            f"{state.parked} tin nhắn đến đã bị bỏ qua sau nhiều lần xử lý lỗi",
            f"{state.parked} incoming update(s) were parked after repeated errors",
            "xem nhật ký (log, tìm 'gave up') để biết lý do",
            "read the log (look for 'gave up') for the reasons",
        )
    ]


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment.utcoffset() == timedelta(0) else moment.isoformat()


async def zalo_check(settings: Settings) -> list[Finding]:
    """Zalo: the token accepted (getMe), the webhook as the settings want it, files linkable."""
    from bot.channels.zalo.client import (
        ZaloClient,
        ZaloError,
        ZaloNotFound,
        ZaloTransientError,
        ZaloUnauthorized,
    )

    assert settings.zalo_token is not None
    try:
        async with ZaloClient(settings.zalo_token, api_url=settings.zalo_api_url) as client:
            me = await client.get_me()
            hook = await client.get_webhook_info()
    except (ZaloUnauthorized, ZaloNotFound):
        return token_rejected("Zalo", ("trong Zalo Bot Manager", "in Zalo Bot Manager"), "ZALO_BOT_TOKEN")
    except ZaloTransientError as exc:
        return api_unreachable(("API của Zalo", "Zalo's Bot API"), type(exc).__name__, "ZALO_API_URL")
    except ZaloError as exc:
        return api_error("Zalo", exc)
    findings = [token_accepted("Zalo", me.account_name)]
    if settings.zalo_webhook_secret and settings.public_base_url:
        expected = settings.public_base_url.rstrip("/") + "/zalo/webhook"
        if hook.url != expected:
            findings.append(webhook_elsewhere("Zalo", expected, "PUBLIC_BASE_URL"))
    elif hook.url:
        findings.append(webhook_while_polling("Zalo"))
    if not settings.public_base_url:
        findings.append(
            Finding(
                Level.WARN,
                "Chưa đặt PUBLIC_BASE_URL: bot không gửi được tệp qua Zalo",
                "PUBLIC_BASE_URL is not set: the bot cannot send files on Zalo",
                "đặt PUBLIC_BASE_URL là địa chỉ công khai của máy chủ web của bot (cổng PORT)",
                "set PUBLIC_BASE_URL to the public address of the bot's web server (on PORT)",
            )
        )
    return findings
