"""`python -m bot run`: the configured channels (Telegram, Zalo or both) until SIGINT/SIGTERM (the default).

Start-up failures end the program with one short message in Vietnamese and English and a distinct exit code:
2 configuration invalid (or a webhook address the platform refuses), 3 a token rejected, 4 the database not
writable or newer than the code, 5 an API that stayed unreachable for STARTUP_RETRY_SECONDS; anything else is
logged (secrets masked) and ends with 1.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sqlite3
import sys

from bot.commands._common import settings_or_exit

EXIT_UNEXPECTED = 1
EXIT_CONFIG = 2
EXIT_TOKEN_REJECTED = 3
EXIT_DATABASE = 4
EXIT_UNREACHABLE = 5


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="run the bot; without a token, start the sandbox")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    if not settings.channels:
        from bot.commands import sandbox

        print(
            "Chưa có TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: mở sandbox trên máy (không cần Telegram, không "
            "cần "
            "internet). — No TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN: starting the local sandbox instead."
        )
        return sandbox.run(sandbox.default_args())
    from bot import logs
    from bot.channels.base import ApiUnreachable, TokenRejected, WebhookRefused
    from bot.runtime.serve import run as serve
    from storage.migrate import UnsupportedDatabaseVersion

    logs.configure(settings.log_level, settings.log_format, secrets=settings.secrets)
    fail = functools.partial(_fail, json_log=settings.log_format == "json")
    postgres_errors: tuple[type[Exception], ...] = ()
    if settings.database_url:  # psycopg costs ~10 MiB: imported only for a PostgreSQL database
        import psycopg
        import psycopg_pool

        postgres_errors = (psycopg.Error, psycopg_pool.PoolTimeout)
    try:
        serve(settings)
    except TokenRejected as exc:
        return fail(
            EXIT_TOKEN_REJECTED,
            f"Token của bot bị từ chối ({exc}). Lấy lại token (Telegram: @BotFather; Zalo: Zalo Bot "
            f"Manager).",
            f"The bot's token was rejected ({exc}). Get the token again (Telegram: @BotFather; Zalo: Zalo "
            f"Bot Manager).",
        )
    except WebhookRefused as exc:
        return fail(
            EXIT_CONFIG,
            f"Nền tảng từ chối địa chỉ webhook ({exc}): kiểm tra {exc.setting} (https, địa chỉ công khai).",
            f"The platform refused the webhook ({exc}): check {exc.setting} (https, a public address).",
        )
    except UnsupportedDatabaseVersion:
        return fail(
            EXIT_DATABASE,
            f"Cơ sở dữ liệu {settings.database_label} do phiên bản bot mới hơn ghi: hãy cài bản bot mới hơn.",
            f"The database {settings.database_label} was written by a newer bot: deploy the newer bot.",
        )
    except postgres_errors as exc:
        return fail(
            EXIT_DATABASE,
            f"Không dùng được cơ sở dữ liệu {settings.database_label} ({exc}): kiểm tra DATABASE_URL.",
            f"Cannot use the database {settings.database_label} ({exc}): check DATABASE_URL.",
        )
    except (sqlite3.Error, PermissionError, IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
        return fail(
            EXIT_DATABASE,
            f"Không ghi được cơ sở dữ liệu {settings.database_path} ({exc}): kiểm tra DATABASE_PATH và "
            f"quyền ghi.",
            f"Cannot write the database {settings.database_path} ({exc}): check DATABASE_PATH and "
            f"permissions.",
        )
    except ApiUnreachable as exc:
        return fail(
            EXIT_UNREACHABLE,
            f"Không kết nối được ({exc}) sau {settings.startup_retry_seconds} giây thử lại: kiểm tra mạng.",
            f"Could not connect ({exc}) after retrying for {settings.startup_retry_seconds} s: check the "
            f"network.",
        )
    except Exception:
        logging.getLogger("bot.errors").exception("the bot stopped on an unexpected error")
        return fail(
            EXIT_UNEXPECTED,
            "Bot dừng vì một lỗi không lường trước (chi tiết ở dòng nhật ký phía trên).",
            "The bot stopped on an unexpected error (details in the log line above).",
        )
    return 0


def _fail(code: int, vi: str, en: str, *, json_log: bool = False) -> int:
    """The message (Vietnamese, then English) on stderr: as is, or one JSON log record (LOG_FORMAT=json)."""
    from bot.logs import redact

    if json_log:
        logging.getLogger("bot").critical("%s\n%s", vi, en)
    else:
        print(redact(f"{vi}\n{en}"), file=sys.stderr)
    return code
