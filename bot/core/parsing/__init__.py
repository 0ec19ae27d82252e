"""Pure parsers for what cadres type on their phones.

Every refusal is a ParseError value carrying a ParseReason; no parser raises on user input.
"""

from bot.core.parsing.dates import VN_TZ, ParsedWhen, parse_date, parse_datetime, parse_time
from bot.core.parsing.errors import ParseError, ParseReason
from bot.core.parsing.free_text import limit_text, normalise_code
from bot.core.parsing.names import parse_person_name
from bot.core.parsing.numbers import parse_count
from bot.core.parsing.periods import Period, PeriodKind, parse_period, period_containing
from bot.core.parsing.phones import parse_phone

__all__ = [
    "VN_TZ",
    "ParseError",
    "ParseReason",
    "ParsedWhen",
    "Period",
    "PeriodKind",
    "limit_text",
    "normalise_code",
    "parse_count",
    "parse_date",
    "parse_datetime",
    "parse_period",
    "parse_person_name",
    "parse_phone",
    "parse_time",
    "period_containing",
]
