"""A local Telegram Bot API emulator: end-to-end tests, the sandbox and benchmarks run the real bot against it."""

from bot.emulator.ratelimit import RateLimits
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import ApiError, Call, EmulatorError, FakeUser

__all__ = ["ApiError", "BotApiEmulator", "Call", "EmulatorError", "FakeUser", "RateLimits"]
