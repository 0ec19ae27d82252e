"""FAQ: the knowledge base (curated entries) and the matcher that answers cadres' questions.

Pure domain code: no Telegram, no database. Handlers and the `ask` command render the FaqAnswer.
"""

from bot.core.faq.loading import KnowledgeBase, KnowledgeBaseError, packaged_directory
from bot.core.faq.matcher import ANSWER_THRESHOLD, SUGGEST_THRESHOLD, FaqMatcher
from bot.core.faq.model import FaqAnswer, FaqEntry, Topic, to_html, to_plain

__all__ = [
    "ANSWER_THRESHOLD",
    "SUGGEST_THRESHOLD",
    "FaqAnswer",
    "FaqEntry",
    "FaqMatcher",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Topic",
    "packaged_directory",
    "to_html",
    "to_plain",
]
