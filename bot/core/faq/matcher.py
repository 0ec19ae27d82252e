"""Matching a cadre's question to knowledge-base entries.

Before any similarity (see `ask`): small talk; a long message is cut into its question and the story or
premise around it (`focus`); a comparison ("X với Y khác nhau chỗ nào") and two questions in one are
answered part by part; a question naming one document and asking one of its fields is answered from that
document's record (`documents`), or from an entry asked about that very document when the record lacks the
field.

Retrieval is lexical over normalised tokens (see `normalise`, `english`): every stored phrasing of every
entry is a document; unigrams and adjacent-word bigrams are weighted by inverse document frequency (BM25's
idf).

- A phrasing's score is an F-measure of how much of the question's weight it explains (counted more)
  and how much of its own weight the question mentions. Words of the story around a long message's
  question count for less (its premise more than its story), and can only add to a match.
- An entry also gets (capped, and never far ahead of its best phrasing) credit for a question spread over
  several of its phrasings and, at half weight, its answer.
- rapidfuzz corrects misspelt and run-together words against the vocabulary (a slip in a syllable is read
  from the two-syllable word it makes with its neighbour) and adds character-level similarity when a word
  stays unknown.
- Folding merges words ("dạy" / "đây"): when the cadre typed diacritics, a stored word spelt with
  other marks counts for less. A phrasing naming another circular or decision ("tt25" for "tt44")
  counts for less, and so does one asking for another kind of answer (who / when / contents / how many).
- An entry that leaves the question's rarest words unexplained, or that is asked about as another
  circular/decision than the one the question names, counts for less; so does an entry about a repealed
  document when the question asks what applies now ("bây giờ", "năm nay", "currently").
- The best entry gains from its lead over the runner-up; one or two common words, a single topic word,
  or words the knowledge base never uses lose confidence.

The best entry's score decides: answer, suggest up to three entries, or decline. Thresholds and
weights were chosen on the development sets tests/data/faq_dev*.yaml and the blind batches
tests/data/faq_blind*.yaml (see bot/knowledge/faq/README.md), never on eval/'s frozen blind sets.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.faq import focus, language, texts
from bot.core.faq.dated import YearNames
from bot.core.faq.described import (
    DescribedDocuments,
    asks_another,
    asks_which,
    asks_which_in_year,
    without_asides,
    year_of,
)
from bot.core.faq.documents import (
    ARTICLE,
    FIELDS,
    GENERIC_WORDS,
    ISSUE_WORD,
    PURPOSE_ASKED,
    SAME_DOCUMENT_ASKED,
    DocumentIndex,
    DocumentRecord,
    Reference,
    answer_fields,
    card,
    mend_slips,
)
from bot.core.faq.documents import detect_fields as _detect_fields
from bot.core.faq.glossary import spell_out
from bot.core.faq.loading import KnowledgeBase
from bot.core.faq.messages import asks, is_question, question_splits, without_guess
from bot.core.faq.model import AnswerKind, FaqAnswer, FaqEntry, to_plain
from bot.core.faq.normalise import (
    CHAT_SYLLABLES,
    KIND_SAID,
    STOP_WORDS,
    Normaliser,
    accent_forms,
    kind_spoken_at,
    pointed_kind,
)
from bot.core.faq.scope import Scope, asks_personal_data, names_subject
from bot.core.faq.smalltalk import just_saying_hello, small_talk, small_talk_within, without_greeting
from bot.core.faq.spoken import in_digits
from bot.core.faq.telex import untelex
from bot.core.faq.words import words
from bot.core.text import fold

ANSWER_THRESHOLD = 0.42
"""A best score at or above this is a confident match."""
SUGGEST_THRESHOLD = 0.41
"""Between this and ANSWER_THRESHOLD the bot offers suggestions; below it, it declines."""
SUBJECT_THRESHOLD = 0.30
"""A best score at or above this is a confident match when the question names the knowledge base's subject:
a document it holds a record of, or a learning-society term (`scope.names_subject`). Such a question is in
scope, so a lower score means wording the entries lack, not another topic. Calibrated in round 10 on the
tuned-on sets (2,155 in scope, 411 out): 0.30 answers 46 more in-scope questions right and declines 2 fewer
out-of-scope ones (0.25–0.36 do about as well); lowering ANSWER_THRESHOLD alone trades one for one."""
MAX_SUGGESTIONS = 3

_BETA2 = 2.0**2  # the question's coverage counts more than the phrasing's
_LONG_QUESTION = 7  # words; beyond this, beta² falls by _BETA2_STEP per word (down to 1)
_OTHER_TYPE_FACTOR = 0.85  # a phrasing that asks for another kind of answer (who / when / contents …)
_POINT_ASKED = 0.9  # an entry this sure answers a document's point asked, not what the document is about
_REPEALED_NOW_FACTOR = 0.85  # an entry about a repealed document, for a question about what applies now
_UNHELD_VALUE_FACTOR = 0.5  # an entry whose answer holds no value of the kind asked (a fee, points, a date)
_UNNAMED_CRITERION_FACTOR = 0.8  # an entry naming no criterion, for a question naming one
_CITED_ARTICLE_FACTOR = 1.15  # an entry whose source cites the article asked ("Điều 23 của TT25 …")
_SUCCESSOR_PAST_FACTOR = (
    0.85  # an entry about a repealed document's successor, for a question about back then
)
_BETA2_STEP = 0.5
_REFORM_SECTION = "reform-2025"  # fact-sheet sections on the 2025 reform
_UNCONFIRMED_SECTION = "faq-unconfirmed"
_ENTRY_LEVEL_FACTOR = 1.1
_FUZZ_WEIGHT = 0.3
_FUZZ_MIN_LEXICAL = 0.2
_MARGIN_BONUS = 0.5
_ANSWER_ONLY_CREDIT = 0.5
_OTHER_ACCENT_CREDIT = 0.4  # a word typed with other diacritics than the stored one
_SPREAD_LEAD = 0.15  # how far an entry's spread credit may lead its best single phrasing
_ENTRY_LEVEL_CAP = 0.7  # a single phrasing that matches well must still win
_ENTRY_LEVEL_MIN_WORDS = 3  # two words spread over different phrasings are too easily a coincidence
_MIN_INFORMATION = 6.0  # summed idf of the question's words below which confidence is scaled down
_BIGRAM_FACTOR = 0.7  # adjacent-word pairs add precision, but the words themselves already count
_CORRECTED_CREDIT = 0.7  # a word matched only after spelling correction counts for less
_MIN_FUZZY_LEN = 4
_COMMON_PAIR_ENTRIES = 4  # a two-word term used by this many entries (phrasings or answers) is common
_CONTEXT_CREDIT = 0.85  # a slip read from the word next to it ("tiu chi")
_CONTEXT_SHORT = 5  # words up to this long are corrected by one edit from their context, longer ones by two
_MAX_CITING_ENTRIES = 3
_OTHER_DOCUMENT_FACTOR = 0.6  # the phrasing names a different circular/decision than the question
_KEY_POWER = 2.0  # rarer words weigh more in the key-word coverage
_KEY_PENALTY = 0.2  # the most an entry loses for explaining none of the question's key words
_OTHER_TOPIC_DOCUMENT_FACTOR = 0.65  # the entry is about another circular/decision than the question's
_UNNAMED_DOCUMENT_FACTOR = (
    0.95  # the entry is asked about no document, the question names one that others are
)
_OTHER_LEVEL_FACTOR = 0.85  # a phrasing whose body acts at another level ("HKH huyện" for "… cấp xã")
# The level a body named in a normalised text acts at ("hội khuyến học cấp xã", "ủy ban nhân dân quận"); a
# level as the object ("cộng đồng học tập cấp xã") says nothing of who acts.
_ACTOR_LEVEL = re.compile(
    r"\b(?:hoi khuyen hoc|uy ban nhan dan|ubnd|phong giao duc(?: va dao tao)?)\s+(?:cap\s+)?"
    r"(xa|phuong|thi tran|huyen|quan|tinh|thanh pho)\b"
)
_LEVEL_BITS = {"xa": 1, "phuong": 1, "thi tran": 1, "huyen": 2, "quan": 2, "tinh": 4, "thanh pho": 4}
# The time of the 2025 reform as a frame (normalised): "sau cải cách 2025", "sau khi sáp nhập năm 2025", "từ
# 1/7/2025", "since July 2025", "in July 2025", "after the 2025 local government reform".
_REFORM_TIME = re.compile(
    r"\b(?:sau|tu|in|trong|vao)\s+(?:khi\s+|the\s+)?(?:(?:cai cach|sap xep|sap nhap)\s+)?"
    r"(?:(?:nam|thang)\s+)?(?:1\s+7\s+|7\s+1\s+|7\s+)?2025"
    r"(?:\s+(?:chinh quyen\s+)?(?:dia phuong\s+)?(?:cai cach|sap xep|sap nhap))?\b"
)
# "theo quy định hiện nay", "under the current rules" (normalised): the rules in force as a frame.
_RULES_FRAME = re.compile(
    r"\btheo\s+(?:the\s+)?(?:(?:hien nay|hien hanh|moi)\s+)?(?:quy dinh|quy che|luat)(?:\s+quy che)?"
    r"(?:\s+(?:hien nay|hien hanh|moi))?\b"
    # "theo văn bản đang áp dụng": the document in force as a frame – not "theo văn bản nào", which asks it
    r"|\btheo\s+van ban\s+(?:hien nay|hien hanh|moi nhat|moi|(?:dang\s+)?(?:duoc\s+)?ap dung)\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FRAME_WEIGHT = 0.7  # a document named as the frame of the question ("theo TT25, …")
# Words naming a document as the frame: "Theo QĐ 09/2008, …", "… under Circular 25" (folded; not "trong"/"in",
# which often name what is asked about).
_FRAMING = re.compile(r"(?:^|\s)(?:theo|under|according\s+to|can\s+cu(?:\s+vao)?)\s*$")
# "… như TT44", "giống hồi TT44", "like under Circular 44" (folded, just before a document named): the
# document the question compares with.
_COMPARED = re.compile(
    r"(?:^|\s)(?:nhu|giong(?:\s+nhu)?|so\s+voi|like|as\s+(?:in|under))\s+(?:(?:hoi|thoi|luc|theo)\s+)?$"
)
_CITED_DOCUMENT_FACTOR = 1.05  # an entry whose source cites the document the question names
# A question describes the document it names when it holds at least this many of the record's own words for
# each word the record does not explain ("QĐ 281 về đẩy mạnh phong trào học tập suốt đời").
_DESCRIBED_SHARE = 2
_UNKNOWN_PENALTY = 0.5  # the most a question of only unknown words loses
_SINGLE_WORD_FACTOR = 0.7
_MIN_SURFACE_LEN = 5  # shorter slips of abbreviations and chat words are too often other words
_SURFACE_SIMILARITY = 80
_SURFACE_CREDIT = 0.85  # a slip of a word the normaliser rewrites
# Chat syllables that never carry a topic ("cho hỏi xíu, TT25 đó là bộ nào ra vậy ta"), folded.
_CHAT = words("xiu ti ta ua nghen nhen hen ne nhi ak oke ok okay vang ha nha nhe oi ad ca ho")
_DOCUMENT = re.compile(r"^(?:(?:tt|qd|nd|nq|cv|ct)\d+|\d{6,})$")  # circulars, decisions … and procedure codes
# "X với Y khác nhau chỗ nào", "what is the difference between X and Y" (folded)
_COMPARISON = re.compile(
    r"^(?P<a>.+?)\s+(?P<join>voi|va|hay|vs|versus|so voi)\s+(?P<b>.+?)\s+"
    r"(?P<how>khac nhau|khac biet|khac gi|giong nhau|khac)\b"
)
_COMPARISON_EN = re.compile(r"\bdifferen(?:ce|t)\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s*\??$")


def _comparison(folded: str) -> re.Match[str] | None:
    """The two things a question (folded) compares ("TT44 với TT25 khác gì"), or None; "theo TT44 hay văn bản
    khác" offers another, it compares nothing."""
    match = _COMPARISON.search(folded)
    if match is not None and not (match.group("join") == "hay" and match.group("how") == "khac"):
        return match
    return _COMPARISON_EN.search(folded)


# A question about what applies now (folded): "bây giờ", "hiện nay", "năm nay", "giờ nộp …", "currently".
_NOW = re.compile(
    r"\b(?:hien\s+nay|hien\s+hanh|hien\s+tai|bay\s+gio|nam\s+nay|hom\s+nay|dang\s+(?:duoc\s+)?ap\s+dung|moi\s+nhat"
    r"|now|currently|current|nowadays|these\s+days|this\s+year|today|at\s+present)\b|(?:^|,\s*)gio\b"
    # "đợt tháng 12 này", "đợt này", "kỳ này": the round now due
    r"|\b(?:dot|ky|lan)\s+(?:\w+\s+){0,2}?nay\b"
)
# A question about back then (folded): "hồi đó", "ngày trước", "trước đây", "lúc trước", "back then".
_PAST = re.compile(
    r"\b(?:hoi\s+(?:do|truoc|xua|ay)|ngay\s+(?:truoc|xua)|truoc\s+(?:day|kia)|(?:luc|thoi|dao|khi)\s+truoc"
    r"|thoi\s+(?:do|ay)|back\s+then|used\s+to|previously|formerly|in\s+the\s+past|at\s+that\s+time)\b"
)


# "thông tư 44 hay 25", "TT44 or TT25" (folded): a choice between two circulars.
_CHOICE = re.compile(
    r"\b(?:tt|thong\s*tu|circular)\s*(?P<a>\d{1,4})(?:\s*/\s*\d{4})?\s+(?:hay(?:\s+la)?|hoac|or)\s+"
    r"(?:(?:tt|thong\s*tu|circular)\s*)?(?P<b>\d{1,4})\b"
)
# What makes a choice between two circulars a question of which applies ("dùng", "theo", "chấm").
_APPLYING = re.compile(
    r"\b(?:dung|ap\s+dung|theo|xai|lam|cham|danh\s+gia|hieu\s+luc|follow|use|apply|applies|in\s+force)\b"
)
# "vẫn tự chấm theo", "còn làm theo", "tiếp tục áp dụng" right before the document, and a yes/no after it.
_STILL_FOLLOWING = re.compile(
    r"\b(?:van|con|tiep\s+tuc)\s+(?:\w+\s+){0,10}?(?:theo|dung|ap\s+dung|xai|su\s+dung|lay|trich|dan"
    # "vẫn nộp hồ sơ ghi căn cứ Thông tư 44": cited as the basis
    r"|(?:ghi\s+)?can\s+cu(?:\s+vao)?|follow|use|apply)"
    # "còn chấm theo 15 tiêu chí của TT44": the number of criteria it had
    r"(?:\s+\d+)?"
    r"(?:\s+(?:bo\s+tieu\s+chi|tieu\s+chi|quy\s+dinh|huong\s+dan|mau|(?:cac\s+)?buoc|quy\s+trinh|thu\s+tuc"
    r"|cach\s+lam))?(?:\s+(?:cua|of))?\s*$"
)
_YES_NO = re.compile(r"\b(?:khong|ko|k|hok|hong|chua|sai|nua|not|ok|okay|allowed|right|wrong)\b")
# "… năm nay em trích TT44 làm căn cứ … được không": a document used now (folded, right before its name).
_USING = re.compile(
    r"\b(?:dung|ap\s+dung|trich|dan|lay|xai|su\s+dung|use|apply|cite|lam|lam\s+theo|follow)"
    # "làm y chang quy trình TT44", "dùng mẫu của TT44": the way of a document
    r"(?:\s+(?:y\s+chang|y\s+nhu|y\s+het|giong|nhu))?"
    r"(?:\s+(?:quy\s+trinh|mau(?:\s+bieu)?|bieu\s+mau|bo\s+tieu\s+chi|tieu\s+chi|thu\s+tuc|huong\s+dan"
    r"|cach\s+lam|phieu|ho\s+so))?"
    r"(?:\s+(?:cua|theo|of))?\s*$"
)
# "TT44 giờ còn chấm được không", "… còn xài được nữa hông": still used, asked after the name (folded).
_STILL_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,4}?(?:con|van)\s+(?:duoc\s+)?(?:dung|ap\s+dung|cham|danh\s+gia|xai|lam|su\s+dung"
    r"|trich|dan|hieu\s+luc)\b(?:\s+\w+){0,3}?\s+(?:khong|ko|k|hong|hok|chua)\b"
)
# "giờ tải về dùng được không", "năm nay xài lại được hông": whether something told may be used now (folded).
_REUSE_ASKED = re.compile(
    r"\b(?:dung|xai|ap\s+dung|su\s+dung|lam\s+theo|cham\s+theo|use|apply)\s+(?:(?:lai|tiep|nua)\s+)?"
    r"(?:duoc|dc|dk)\s+(?:(?:nua|khong)\s+)?(?:khong|ko|k|hong|hok|chua|nua)\b"
    r"|\b(?:can|could|may)\s+(?:we|i)\s+(?:still\s+)?(?:use|apply|follow)\b"
)
# What the 2025 reform changed, asked about (folded): "sau 1/7/2025", "sau sáp nhập", "bỏ cấp huyện", "giao
# lại thẩm quyền" – which document says that is not known, whatever circular is in force.
_AFTER_REFORM = re.compile(
    r"\b2025\b|\bsap nhap\b|\bcai cach\b|\b(?:bo|khong con)\s+(?:cap\s+)?(?:huyen|quan)\b|\btham quyen\b"
    r"|\breform\b|\bmerg"
)
# "điều nào / điều mấy quy định …", "which article": the article that says something (folded).
_ARTICLE_ASKED = re.compile(
    r"\b(?:(?:o|tai|la|tu|toi|den)\s+)?(?:cac\s+)?dieu\s+(?:nao|may|so\s+may|so\s+nao|bao\s+nhieu)\b"
    r"|\b(?:in\s+)?(?:which|what)\s+articles?(?:\s+of)?\b"
)
# "điều khoản (về)", "the provision on": the provision that says something (folded).
_PROVISION = re.compile(r"\b(?:dieu\s+khoan|the\s+provisions?)(?:\s+(?:ve|on|about))?\b")
# A purpose or aim asked (folded): what an entry explains, not what the record says the document is about.
_PURPOSE = re.compile(r"\b(?:muc\s+dich|muc\s+tieu|y\s+nghia|purpose|aim|objective|goal|target)s?\b")
# "áp dụng tới năm nào", "có hiệu lực đến bao giờ", "until when": how long a document applies (folded)
_UNTIL_ASKED = re.compile(
    r"\b(?:ap\s+dung|dung|xai|hieu\s+luc|keo\s+dai|thuc\s+hien)\s+(?:den|toi)\s+(?:nam\s+|khi\s+|luc\s+)?"
    r"(?:nao|may|bao\s+gio)\b|\buntil\s+when\b|\b(?:valid|appl(?:y|ies)|in\s+force)\s+until\s+(?:when|which)\b"
)
# "năm nào", "năm mấy", "which year": the year asked, not the day (folded)
_YEAR_ASKED = re.compile(r"\bnam\s+(?:nao|may|bao\s*nhieu)\b|\b(?:which|what)\s+year\b")
# What a document is to the one named next ("… làm căn cứ cho QĐ 448", "một căn cứ của …"; folded).
_CITED_BY = re.compile(
    r"\b(?:(?:lam|mot)\s+)?can\s+cu\s+(?:chinh\s+)?(?:cho|cua|de\s+(?:ban\s+hanh|ra|soan(?:\s+thao)?))\s*$"
)
# "CV 9961 mà QĐ 448 (lấy làm) căn cứ", "… mà TT44 viện dẫn": what the citing document does to the one asked
# about
_CITING = re.compile(
    r"^\s*(?:da\s+|co\s+)?(?:(?:lay|dan|dung)\s+lam\s+can\s+cu|lam\s+can\s+cu|can\s+cu(?:\s+vao)?|vien\s+dan|dan\s+chieu"
    r"|trich\s+dan"
    r"|nhac\s+(?:toi|den))\b"
)
# "từ điều nào đến điều nào", "from which article to which": a span of articles asked (folded); and a span
# an answer gives ("Điều 5–9").
_SPAN_ASKED = re.compile(
    r"\b(?:tu|from)\s+(?:dieu|article)\s+(?:nao|may|so\s+may|which)\s+(?:den|toi|to)\s+(?:dieu|article)\b"
)
_ARTICLE_SPAN = re.compile(r"\b(?:Điều|Article)\s*\d+\s*[–-]\s*\d+")
_CONTENTS_ASKED = re.compile(r"\bnhung\s+dieu\b")  # "TT25 có những điều nào": what it holds
_BEGIN = re.compile(r"\bbat\s+dau\b")
# "QĐ 09/2008 và TT 40/2010 lần lượt ban hành ngày nào", "both": the same field of each (folded)
_EACH = re.compile(r"\b(?:va|voi|and|lan\s+luot|moi\s+van\s+ban|each|both|respectively)\b")
_FIELDS_OF_EACH = frozenset({"signed", "in_force", "issuer", "signer", "number"})
# Where a question about a document goes on to another clause (folded).
_CLAUSE_BREAK = re.compile(r"[,;?]|\s(?:va|con|and)\s")
# The words a clause asks with (folded).
_QUESTION_WORD = re.compile(r"\b(?:ai|gi|nao|may|sao|the nao|ra sao|who|what|which|how)\b")
# "bao nhiêu", "mấy", "how many": a count, which a record's description never gives (folded)
_QUANTITY = re.compile(r"\b(?:bao\s+nhieu|may|how\s+many|how\s+much)\b")
# "CĐHT là gì", "HKH nghĩa là gì", "what does TTHC mean": the meaning of a name asked, as the abbreviation
# entries answer it.
_MEANING_ASKED = re.compile(
    r"\bviet\s+tat\b|\bnghia\s+(?:la\s+)?(?:gi|sao)\b|\bla\s+(?:chu\s+|cai\s+)?gi\b|\bla\s+(?:cai\s+)?chi\b"
    r"|\bstands?\s+for\b|\bmeans?\b|\bmeaning\b|\babbreviat\w*|\bwhat\s+(?:is|are|s)\b|\bla\s+sao\b"
)
# "these two", "them", "mấy chữ đó", "hai cái đó": letters the story named, pointed back to (folded).
# Narrower than focus.points_back on purpose: "đó", "it", "this" alone point back at a document or a fact
# more often than at letters (with points_back, two unread-set answers were lost).
_POINTED_BACK = re.compile(
    r"\b(?:these|those|they|them|both)\b|\b(?:chu|cai|tu)\s+(?:do|nay|ay)\b|\bhai\s+(?:chu|cai|tu)\b"
)
# "GĐHT, DHHT là viết tắt của gì", "what does TTHTCĐ stand for": what the letters stand for.
_SPELLING_ASKED = re.compile(r"\bviet\s+tat\b|\bstands?\s+for\b|\babbreviat\w*")
# "quy định cụ thể những gì", "liệt kê", "in detail": details, which a record's description never gives
_DETAILS = re.compile(
    r"\b(?:cu\s+the|chi\s+tiet|nhung\s+gi|nhung\s+(?:noi\s+dung|dieu)\s+nao|gom|liet\s+ke|details?|specific\w*"
    r"|list)\b"
)
# "văn bản mới thay cho TT44 …", "the circular that replaced Circular 44 …" right before the document
_SUCCESSOR_OF = re.compile(
    r"\b(?:moi\s+|de\s+)?thay(?:\s+the)?(?:\s+cho)?\s*$|\b(?:that|which)\s+(?:replaced|superseded)\s*$"
    r"|\breplac(?:ing|ement\s+(?:of|for))\s*$|\bsuccessor\s+(?:to|of)\s*$"
)
_CITES_ARTICLE = re.compile(r"\b(?:Điều|Article|Art\.?)\s*\d")
_ARTICLE_RUNNER_UP = 0.1  # how far behind the best match an entry citing the article asked may be
# "Điều 20-Điều 24", "điều 5 đến 9": a span of articles named (folded)
_ARTICLE_SPAN_NAMED = re.compile(r"\bdieu\s+(\d+)\s*(?:[–-]|den|toi|to)\s*(?:dieu\s+)?(\d+)\b")
# "Điều 6 …", "khoản 3 Điều 11 …": an article (and clause) a question names (folded).
_ARTICLE_NAMED = re.compile(r"\b(?:khoan\s+(?P<clause>\d+)\s+)?dieu\s+(?P<article>\d+)\b")
_NAMED_ARTICLE_SHARE = 0.25  # of the suggestion bar, the least an entry citing the article named must score
# "thông tư đó", "văn bản này", "that circular" (lower case, typed with or without marks; unaccented "do" is
# also "by"): the document a long message's story named.
_DOCUMENT_ANAPHOR = re.compile(
    r"(?<!\w)(?:thông tư|thong tu|văn bản|van ban|quyết định|quyet dinh|nghị định|nghi dinh|công văn"
    r"|cong van|chỉ thị|chi thi|nghị quyết|nghi quyet|cái|circular|decision|document|decree|letter|directive"
    r"|resolution)"
    r"\s+(?:đó|ấy|này|kia|nói trên|ay|nay|noi tren)(?!\w)"
    r"|\b(?:that|this|the\s+same)\s+(?:circular|decision|document|decree|letter|directive|resolution)\b"
)

# What kind of answer a question wants, from its question words (folded, after the normaliser's rewriting):
# its contents, who, when, where, how many, how, whether. A phrasing asking for another kind fits less.
_QUESTION_TYPES = (
    ("contents", re.compile(r"\bgom\b|\bthanh phan\b|\bnhung gi\b|\bgiay to gi\b|\bcan gi\b")),
    ("who", re.compile(r"\bai\b")),
    ("when", re.compile(r"\bkhi nao\b|\bngay nao\b|\bthang nao\b|\bnam nao\b|\bhan\b|\btruoc ngay\b")),
    ("where", re.compile(r"\bo dau\b|\bve dau\b|\bnoi nao\b|\bcho ai\b|\bgui ai\b")),
    ("quantity", re.compile(r"\bbao nhieu\b")),
    ("duration", re.compile(r"\bbao lau\b")),
    ("how", re.compile(r"\bthe nao\b|\bra sao\b|\bnhu the nao\b|\bcach\b|\bcac buoc\b|\bquy trinh\b")),
    # what something is or says ("tiêu chí 1, 2, 3 nói về gì", "TT44 là gì"), not how many of them there are
    (
        "what",
        re.compile(
            r"\bla gi\b|\b(?:noi|quy dinh|danh gia|de cap) (?:ve )?(?:gi|cai gi|nhung gi)\b|\bve gi\b"
            r"|^what\b(?! (?:date|day|year|time)\b)"
        ),
    ),
)

# Values a question asks for: what asks for one, what an answer holding one looks like, and how an answer
# saying it is not known names it (all on folded text): a fee ("có mất phí không", "tốn đồng nào"), points
# ("tối đa mấy điểm"), a share ("tỷ lệ bao nhiêu phần trăm"), a calendar date ("ngày nào", "ngày mấy"). A
# confirmed entry whose answer holds none answers something else about the same words ("Tiêu chí 5 … mấy
# điểm" → what criterion 5 is about); an unconfirmed one that names the value says it is not known.
_ASKED_VALUES = (
    (
        re.compile(r"(?<!kinh )\b(?:le phi|phi)\b"),
        re.compile(r"\bphi\b|\bfees?\b|\bfree\b|\bcharge\b"),
        re.compile(r"\bphi\b|\bfees?\b"),
    ),
    (
        # a number of points asked ("tối đa mấy điểm", "bao nhiêu điểm thì đạt", "điểm tối đa"), not a way of
        # scoring ("chấm điểm thế nào", "phiếu cho điểm")
        re.compile(
            r"\b(?:bao\s+nhieu|toi\s+da|tong(?:\s+cong)?)\s+(?:\w+\s+){0,2}?(?:diem|points?|scores?)\b"
            r"|\b(?:diem|points?|scores?)\s+(?:toi\s+da|bao\s+nhieu|dat|la\s+bao\s+nhieu)\b"
            r"|\b(?:maximum|max|total|pass(?:ing)?)\s+(?:scores?|points?|marks?)\b"
        ),
        # points held are a number of them ("tối đa 30 điểm", "thang 100 điểm", "85/70/50 điểm"); an answer
        # that only says points are not known ("điểm tối đa từng tiêu chí chưa xác minh") holds none
        re.compile(r"\d\s*(?:diem|points?)\b|\b(?:diem|points?)\s+(?:toi\s+da\s+)?\d"),
        re.compile(r"\bdiem\b|\bpoints?\b"),
    ),
    (
        # an amount of money ("hỗ trợ bao nhiêu tiền một tháng"): an answer holding one names a sum
        re.compile(
            r"\b(?:bao nhieu|may) tien\b|\btien\b.*\bbao nhieu\b|\bbao nhieu\b.*\btien\b|\bhow much money\b"
        ),
        re.compile(r"\d[\d.,]*\s*(?:dong|vnd|trieu|nghin)\b"),
        re.compile(r"\btien\b|\bkinh phi\b|\bmoney\b|\bfunds?\b"),
    ),
    (
        re.compile(r"\bty le\b|\bphan tram\b|%|\bpercent"),
        re.compile(r"%"),
        re.compile(r"%|\bty le\b"),
    ),
    (
        # a length of time ("tổng cộng bao nhiêu ngày", "mấy năm", "how many working days"): an answer holding
        # one counts days, months or years
        re.compile(
            r"\b(?:bao nhieu|may)\s+(?:ngay|thang|nam)\b(?!\s+(?:nao|gi))"
            r"|\bhow many\s+(?:\w+\s+)?(?:days|months|years)\b"
        ),
        re.compile(r"\b\d+\s*(?:ngay|thang|nam|days?|months?|years?)\b"),
        re.compile(
            r"\bthoi (?:han|gian)\b|\bngay lam viec\b|\bbao luu\b|\btime limit\b|\bdeadline\b|\bkept\b"
        ),
    ),
    (
        re.compile(r"\bngay (?:nao|bao nhieu)\b|\bwhat date\b|\bwhich day\b"),
        re.compile(r"\b\d{1,2}/\d{1,2}\b"),
        re.compile(r"\bngay\b|\bdates?\b"),
    ),
)


# "tiêu chí 3", "tiêu chí số 2", "tiêu chí 1, 2, 3", "tiêu chí 9 đến 15" (normalised: "criterion 5" and "thứ
# ba" are already "tieu chi 5", "3"): the criteria a question or a phrasing names by number.
_CRITERION_NUMBERS = re.compile(
    r"\btieu chi (?:so |thu )?(\d{1,2}(?:(?: va| voi| den|,)?(?: tieu chi)?(?: so| thu)? \d{1,2})*)\b"
)


# "Điều 23 của TT25 giao cho ai", "Article 5": an article a normalised question names by number.
_ARTICLE_NUMBER = re.compile(r"\b(?:dieu|article) (\d{1,3})\b")
# "TT25/2023/TT-BGDĐT, Điều 15, Điều 23", "Điều 20–24": the articles a source cites (as written).
_SOURCE_ARTICLE = re.compile(r"\b(?:Điều|Article)\s*(\d{1,3})(?:\s*[–-]\s*(\d{1,3}))?\b")


def _articles(text: str) -> frozenset[int]:
    """The article numbers a normalised question names."""
    return frozenset(int(n) for n in _ARTICLE_NUMBER.findall(text))


def _criteria_unnumbered(match: re.Match[str]) -> str:
    """A mention of several criteria by number, without the numbers ("tiêu chí 10 và 12" → "tiêu chí")."""
    return "tieu chi" if len(re.findall(r"\d+", match.group(1))) > 1 else match.group(0)


def _criteria(text: str) -> frozenset[int]:
    """The criterion numbers a normalised text names ("tieu chi 9 den 15" is 9 to 15)."""
    found: set[int] = set()
    for match in _CRITERION_NUMBERS.finditer(text):
        spec = match.group(1)
        numbers = [int(n) for n in re.findall(r"\d+", spec)]
        if " den " in spec and len(numbers) == 2 and numbers[0] < numbers[1]:
            found.update(range(numbers[0], numbers[1] + 1))
        else:
            found.update(numbers)
    return frozenset(found)


# "điểm" that is a pilot or a place, not points ("chọn mấy xã làm điểm", "thí điểm", "địa điểm"; folded).
_NOT_POINTS = re.compile(r"\b(?:lam|chi\s+dao|thi|dia|xa|don\s+vi)\s+diem\b|\bpilot")


def _asked_values(text: str, folded: str = "") -> int:
    """The kinds of value a normalised question (`folded`: as typed) asks for, as a bit mask."""
    mask = sum(1 << k for k, (asked, _, _) in enumerate(_ASKED_VALUES) if asked.search(text))
    if _NOT_POINTS.search(folded):
        mask &= ~(1 << 1)
    return mask


def _held_values(text: str, confirmed: bool) -> int:
    """The kinds of value an answer (folded) holds – or, unconfirmed, says are not known – as a bit mask."""
    return sum(
        1 << k
        for k, (_, held, named) in enumerate(_ASKED_VALUES)
        if (held if confirmed else named).search(text)
    )


def _actor_levels(text: str) -> int:
    """The levels the bodies a normalised text names act at, as a bit mask (0: it names none)."""
    return sum({_LEVEL_BITS[level] for level in _ACTOR_LEVEL.findall(text)})


def _question_types(text: str) -> int:
    """The kinds of answer a normalised question wants, as a bit mask (0: it does not say)."""
    return sum(1 << k for k, (_, pattern) in enumerate(_QUESTION_TYPES) if pattern.search(text))


def _terms(tokens: list[str]) -> list[str]:
    """Unigrams, then adjacent-word bigrams ("ho_so")."""
    return tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]


def _idf(count: int, total: int, term: str) -> float:
    """BM25's inverse document frequency, damped for bigrams."""
    return math.log(1 + (total - count + 0.5) / (count + 0.5)) * (_BIGRAM_FACTOR if "_" in term else 1.0)


class _Hit(NamedTuple):
    """Where one term occurs: documents (phrasings or entries) and how they spell it.

    `items` lists the documents that use the term in full first, then (from `full`) those that only earn
    partial credit (an entry whose answer alone uses it). `marks[i]` has bit k set when `items[i]` spells
    the word as `forms[k]`.
    """

    items: Sequence[int]
    full: int
    forms: tuple[str, ...]
    marks: Sequence[int]

    def other_accent(self, typed: str) -> set[int]:
        """Documents that spell the word with other diacritics than `typed`, and never as `typed`."""
        if not self.forms:
            return set()
        bit = 1 << self.forms.index(typed) if typed in self.forms else 0
        return {item for item, mark in zip(self.items, self.marks, strict=True) if mark and not mark & bit}


class _PostingIndex:
    """Every term's hits, in flat arrays of small integers (one slice per term).

    The index stays resident for the bot's lifetime: a few hundred kilobytes this way, where a list or a
    set per term would cost megabytes.
    """

    __slots__ = ("_forms", "_full", "_items", "_marks", "_slot", "_start")

    def __init__(
        self,
        full: dict[str, list[int]],
        partial: dict[str, list[int]],
        accents: dict[str, dict[str, set[int]]],
    ) -> None:
        """`full[term]`, `partial[term]`: ascending ids of the documents using it; `accents[word][form]`: who
        spells it so."""
        self._slot: dict[str, int] = {}
        self._start = array("L", [0])
        self._full = array("L")
        self._forms: dict[int, tuple[str, ...]] = {}
        items: list[int] = []
        marks: list[int] = []
        for slot, term in enumerate([*full, *(t for t in partial if t not in full)]):
            ordered = full.get(term, []) + partial.get(term, [])
            spelt = {form: ids for form, ids in accents.get(term, {}).items() if not ids.isdisjoint(ordered)}
            forms = tuple(sorted(spelt))
            if forms:
                self._forms[slot] = forms
            self._slot[sys.intern(term)] = slot
            self._full.append(len(full.get(term, ())))
            items.extend(ordered)
            marks.extend(
                sum(1 << k for k, form in enumerate(forms) if item in spelt[form]) for item in ordered
            )
            self._start.append(len(items))
        self._items = array("H", items)
        self._marks = _pack(marks)

    def get(self, term: str) -> _Hit | None:
        """Where `term` occurs, or None for a term no document uses."""
        slot = self._slot.get(term)
        if slot is None:
            return None
        start, end = self._start[slot], self._start[slot + 1]
        forms = self._forms.get(slot, ())
        return _Hit(self._items[start:end], self._full[slot], forms, self._marks[start:end] if forms else ())


def _pack(values: list[int]) -> Sequence[int]:
    """`values` (non-negative) in the narrowest array that holds them."""
    largest = max(values, default=0)
    for code in ("B", "H", "L", "Q"):
        if largest < 1 << (array(code).itemsize * 8):
            return array(code, values)
    return tuple(values)


class FaqMatcher:
    """Answers questions from a KnowledgeBase; build once, then `ask` is fast (no I/O)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        answer_threshold: float = ANSWER_THRESHOLD,
        suggest_threshold: float = SUGGEST_THRESHOLD,
        subject_threshold: float = SUBJECT_THRESHOLD,
        core_texts: texts.Texts | None = None,
    ) -> None:
        self.kb = kb
        self._texts = core_texts if core_texts is not None else texts.load_texts()
        self._documents = DocumentIndex(kb.documents)
        self._abbreviations = frozenset(fold(k) for k in kb.abbreviations)
        # Phrases marking a question as outside the FAQ, as written and folded: a question typed with its
        # marks is read as written ("cơ sở do phường" is no "sổ đỏ"), one typed without them folded.
        self._outside = (
            re.compile(r"\b(?:" + "|".join(re.escape(fold(p)) for p in kb.outside) + r")\b")
            if kb.outside
            else None
        )
        self._outside_marked = (
            re.compile(r"\b(?:" + "|".join(re.escape(p) for p in kb.outside) + r")\b") if kb.outside else None
        )
        self.answer_threshold = answer_threshold
        self._issuers: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.suggest_threshold = suggest_threshold
        self.subject_threshold = subject_threshold
        self._normaliser = Normaliser(kb.abbreviations, kb.synonyms, kb.english)
        self._year_names = YearNames(kb.documents, self._normaliser.tokens)
        # Two-syllable words of the knowledge base's own (formal) texts: what protects "tiêu chí" from the
        # chat word "chị" when a message's pronouns and chat syllables are dropped.
        formal = [t for e in kb.entries for t in (to_plain(e.answer), to_plain(e.more), e.source)]
        formal += [t for r in kb.documents for t in (r.name, r.about, r.issuer, r.signer, r.basis)]
        self._compounds = frozenset(
            f"{a} {b}" for text in formal for a, b in itertools.pairwise(self._normaliser.text(text).split())
        )
        self._held_values = [
            _held_values(
                fold(" ".join((to_plain(e.answer), to_plain(e.answer_en), to_plain(e.more)))), e.confirmed
            )
            for e in kb.entries
        ]
        # The criteria a confirmed entry is asked about by number ("Tiêu chí 7 và 8 của TT44 là gì?"): a
        # question about another criterion by number is not for it. An unconfirmed entry may say that the
        # criteria are not known from the one it names on ("tiêu chí 3 trở đi …"): it is never ruled out.
        self._entry_criteria = [
            frozenset().union(*(_criteria(self._normaliser.text(q)) for q in e.questions))
            if e.confirmed
            else frozenset()
            for e in kb.entries
        ]
        # The sets of several criteria a phrasing asks about together ("Tiêu chí 7 và 8 của TT44 là gì?").
        self._phrased_criteria = frozenset(
            found
            for e in kb.entries
            for q in e.questions
            if len(found := _criteria(self._normaliser.text(q))) > 1
        )
        # The documents each entry's source cites ("NĐ 142/2025/NĐ-CP; NĐ 46/2017/NĐ-CP Điều 43").
        self._entry_sources = [
            frozenset(r.ref for part in e.source.split(";") for r in self._documents.references(fold(part)))
            for e in kb.entries
        ]
        # The articles each entry's source cites, with the documents they are of ("TT25/2023, Điều 23; NĐ 142"
        # cites article 23 of TT25): a question naming that article of that document is asked of it.
        self._entry_articles = [
            frozenset(
                (r.ref, n)
                for part in e.source.split(";")
                for r in self._documents.references(fold(part))[:1]
                for first, last in _SOURCE_ARTICLE.findall(part)
                for n in range(int(first), int(last or first) + 1)
            )
            for e in kb.entries
        ]
        doc_entry: list[int] = []
        doc_tokens: list[list[str]] = []
        doc_accents: list[dict[str, str]] = []
        doc_types: list[int] = []
        doc_levels: list[int] = []
        for index, entry in enumerate(kb.entries):
            for question in entry.questions:
                tokens = self._normaliser.tokens(question, self._compounds)
                if tokens:
                    doc_entry.append(index)
                    doc_tokens.append(tokens)
                    doc_accents.append(accent_forms(question))
                    doc_types.append(_question_types(self._normaliser.text(question)))
                    doc_levels.append(_actor_levels(self._normaliser.text(question)))
        # A document only an answer or two mention ("QĐ 89", "NĐ 143/2025") is a question of its own:
        # a one-word phrasing makes "QĐ 89 là gì?" find the entries that cite it.
        asked = {t for tokens in doc_tokens for t in tokens}
        cited: dict[str, set[int]] = {}
        for index, entry in enumerate(kb.entries):
            for token in self._normaliser.tokens(to_plain(entry.answer)):
                if _DOCUMENT.match(token) and token not in asked:
                    cited.setdefault(token, set()).add(index)
        for token, indices in sorted(cited.items()):
            if len(indices) <= _MAX_CITING_ENTRIES:
                for index in sorted(indices):
                    doc_entry.append(index)
                    doc_tokens.append([token])
                    doc_accents.append({})
                    doc_types.append(0)
                    doc_levels.append(0)
        doc_terms = [set(_terms(tokens)) for tokens in doc_tokens]
        df: Counter[str] = Counter()
        for terms in doc_terms:
            df.update(terms)
        self._idf = {sys.intern(t): _idf(c, len(doc_tokens), t) for t, c in df.items()}
        self._unknown_idf = _idf(0, len(doc_tokens), "")

        phrased: dict[str, list[int]] = {}
        accents: dict[str, dict[str, set[int]]] = {}
        entry_terms: list[set[str]] = [set() for _ in kb.entries]
        entry_accents: dict[str, dict[str, set[int]]] = {}
        for doc, (entry_index, terms, typed) in enumerate(
            zip(doc_entry, doc_terms, doc_accents, strict=True)
        ):
            for term in terms:
                phrased.setdefault(term, []).append(doc)
            entry_terms[entry_index] |= terms
            for folded, form in typed.items():
                accents.setdefault(folded, {}).setdefault(form, set()).add(doc)
                entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
        # Answers widen what an entry is about: their words count (half) for the entry as a whole and are
        # known words for spelling correction; their idf comes from how many answers use them.
        entry_phrased: dict[str, list[int]] = {}
        entry_answered: dict[str, list[int]] = {}
        answer_df: Counter[str] = Counter()
        for entry_index, entry in enumerate(kb.entries):
            for term in entry_terms[entry_index]:
                entry_phrased.setdefault(term, []).append(entry_index)
            terms = set()
            for text in (to_plain(entry.answer), to_plain(entry.answer_en)):
                terms.update(_terms(self._normaliser.tokens(text)))
                for folded, form in accent_forms(text).items():
                    entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
            answer_df.update(terms)
            for term in terms - entry_terms[entry_index]:
                entry_answered.setdefault(term, []).append(entry_index)
        for term, count in answer_df.items():
            if term not in self._idf:
                self._idf[sys.intern(term)] = _idf(count, len(kb.entries), term)
        # Two-word terms many entries use ("tieu chi", "hieu luc", "cong nhan"): a slip in one of their
        # syllables is read from the other one (see _in_context).
        spread_pairs: Counter[str] = Counter()
        for entry_index in range(len(kb.entries)):
            spread_pairs.update(t for t in entry_terms[entry_index] if "_" in t)
        for term, count in answer_df.items():
            if "_" in term:
                spread_pairs[term] += count
        self._common_pairs = frozenset(
            sys.intern(t.replace("_", " ")) for t, c in spread_pairs.items() if c >= _COMMON_PAIR_ENTRIES
        )

        self._doc_entry = array("H", doc_entry)
        self._doc_types = array("B", doc_types)
        self._doc_levels = array("B", doc_levels)
        self._doc_weight = array("d", (sum(self._idf[t] for t in terms) for terms in doc_terms))
        self._doc_texts = [" ".join(tokens) for tokens in doc_tokens]
        self._postings = _PostingIndex(phrased, {}, accents)
        self._entry_postings = _PostingIndex(entry_phrased, entry_answered, entry_accents)
        self._docs_naming_documents = frozenset(
            doc for doc, ts in enumerate(doc_tokens) if any(_DOCUMENT.match(t) for t in ts)
        )
        self._entries_naming_documents = frozenset(doc_entry[doc] for doc in self._docs_naming_documents)
        entry_documents: list[set[str]] = [set() for _ in kb.entries]
        for entry_index, tokens in zip(doc_entry, doc_tokens, strict=True):
            entry_documents[entry_index].update(t for t in tokens if _DOCUMENT.match(t))
        self._entry_documents = [frozenset(d) for d in entry_documents]
        self._entry_index = {entry.id: i for i, entry in enumerate(kb.entries)}
        self._documents_with_entries = frozenset().union(*self._entry_documents)
        # Entries that compare things ("TT44 và TT25 khác nhau thế nào"): they answer a comparison whole.
        self._comparing_entries = frozenset(
            entry.id
            for entry in kb.entries
            if any(_comparison(fold(q)) for q in entry.questions)
            or any(w in fold(" ".join(entry.questions)) for w in ("so sanh", "khac biet", "difference"))
        )
        # Entries asked about repealed documents only (TT44, TT22/2020): "what applies now" is not them.
        repealed = {ref for record in kb.documents if record.repealed for ref in record.refs}
        self._repealed_refs = frozenset(repealed)
        self._entries_about_repealed = frozenset(
            i for i, names in enumerate(self._entry_documents) if names and names <= repealed
        )
        # Entries asked about the documents that replaced them (TT25): "back then" is not them.
        successors = {
            ref
            for record in kb.documents
            if record.replaces and any(r.id == record.replaces and r.repealed for r in kb.documents)
            for ref in record.refs
        }
        self._entries_about_successors = frozenset(
            i for i, names in enumerate(self._entry_documents) if names and names <= successors
        )
        # Entries on what the 2025 reform changed (who recognises now, the merged wards): "back then", or a
        # question asked about a repealed circular, is not them.
        self._entries_after_reform = frozenset(
            i
            for i, entry in enumerate(kb.entries)
            if entry.sections
            and all(s.startswith(_REFORM_SECTION) or s == _UNCONFIRMED_SECTION for s in entry.sections)
            and any(s.startswith(_REFORM_SECTION) for s in entry.sections)
        )
        self._vocabulary = sorted({t for t in self._idf if "_" not in t})
        self._vocabulary_set = frozenset(self._vocabulary)
        self._known_words = self._vocabulary_set | self._abbreviations
        self._surface_words = sorted(
            {w for w in self._normaliser.surface_words() if " " not in w and w not in self._vocabulary_set}
        )
        # Every record's words and the field words as the matcher reads them (see _explained).
        self._record_tokens = {
            record.id: frozenset(self._normaliser.tokens(" ".join(self._record_texts(record))))
            for record in kb.documents
        }
        # (and the words themselves: "nội dung" keeps its stop-word syllable "nội" as a word of its own)
        # What the answers spell out ("CĐHT" → "Cộng đồng học tập"), found in a folded question; and the ones
        # an entry of their own explains (its first question asks about that one alone).
        self._spellings = [
            (short, re.compile(rf"(?<![\w&./-]){re.escape(fold(short))}(?![\w&/-])"))
            for short in sorted(kb.spelled.get("vi", {}), key=len, reverse=True)
        ]
        self._spelling_entries = {}
        for entry in kb.entries:
            if "abbrev" in entry.sections:
                named = self._spelled_in(fold(entry.title))
                if len(named) == 1:
                    self._spelling_entries[named[0]] = entry
        # Each word read alone: words joined in a set's order would meet as phrases by chance ("may" next to
        # "ngay"), and what is generic would change with the hash seed, from one start of the bot to the next.
        generic = (token for word in GENERIC_WORDS for token in self._normaliser.tokens(word))
        self._generic_tokens = frozenset(generic) | GENERIC_WORDS
        self._described = DescribedDocuments(
            kb.documents, self._normaliser, self._compounds, self._generic_tokens, self._vocabulary_set
        )

        # The ministries and laws the knowledge base speaks of: a question naming another one is not for it.
        kb_texts = [
            t
            for e in kb.entries
            for t in (*e.questions, to_plain(e.answer), to_plain(e.answer_en), to_plain(e.more), e.source)
        ]
        kb_texts += [t for r in kb.documents for t in (*self._record_texts(r), r.source)]
        self._scope = Scope(fold(t) for t in kb_texts)
        # Documents some entry mentions (phrasings, answers, sources): a question may name them.
        self._cited_refs = frozenset(
            r.ref
            for entry in kb.entries
            for text in (*entry.questions, to_plain(entry.answer), to_plain(entry.answer_en), entry.source)
            for r in self._documents.references(fold(text))
        )

    def ask(self, question: str, locale: str = "vi") -> FaqAnswer:
        """The bot's verdict on a message from a person whose language setting is `locale`.

        Small talk → kind "small_talk"; a question naming a document and asking one of its fields → the
        document's record (or a decline when the record lacks the field); two questions in one message →
        both answered (`parts`); otherwise the best entry: answer, unconfirmed, suggest or none.
        """
        text = mend_slips(untelex(" ".join(question.split()), self._known_words, self._is_vietnamese))
        text = self._documents.with_kinds(in_digits(text))
        spoken = language.detect(text, self._abbreviations)
        # The person's setting, unless the question is clearly English.
        answer_language = "en" if spoken == "en" or locale.startswith("en") else "vi"
        # "👍", "dạ": small talk before anything reads it as a question; "test" before Telex reads "tét"
        talk = small_talk(question) or small_talk(text)
        if talk is None and just_saying_hello(text) and not self._names_our_subject(text):
            talk = "greeting"  # "…, nghe nói có bot này nên vô chào một tiếng, từ từ có gì tôi hỏi sau nha"
        if talk is None and not asks(text) and not self._names_our_subject(text):
            talk = small_talk_within(text)  # "Chào con nghen, bữa nay trời nóng quá": greets, asks nothing
        if talk is not None:
            return FaqAnswer(False, None, 1.0, (), "small_talk", answer_language, small_talk=talk)
        if not is_question(text):
            return FaqAnswer(False, None, 0.0, (), "none", "en" if locale.startswith("en") else "vi")
        text = without_guess(focus.without_purpose(without_greeting(text)))
        if self._year_names.unknown(text):
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        text = self._year_names.rewrite(text)
        numbers = self._one_under_numbers(fold(text), answer_language)
        if numbers is not None:
            return numbers
        # A long message that tells a story: its asking clauses are the question, the story is context.
        focused = focus.split(text)
        question_part, story = focused if focused is not None else (text, ())
        frame = ""
        if story and not self._documents.references(fold(question_part)):
            # "Chỉ thị 04 của Thành ủy…, ban hành ngày nào": the story names the document asked about.
            told = fold(" , ".join(piece for piece, _ in story))
            named = [r for r in self._documents.references(told) if r.subject]
            if len({r.ref for r in named}) == 1:
                frame = told[named[0].start : named[0].end]
                if _SUCCESSOR_OF.search(told[: named[0].start]):
                    frame = f"van ban moi thay {frame}"  # "bộ tiêu chí mới thay QĐ 448 số mấy, ngày nào"
            mentioned = self._documents.references(told)
            pointed = _DOCUMENT_ANAPHOR.search(question_part.lower())
            if len({r.ref for r in mentioned}) == 1 and pointed:
                if _points_elsewhere(fold(pointed.group(0)), mentioned[0].record):
                    frame = ""  # "…Thông tư 44… một quyết định năm 2013…, số hiệu quyết định đó": not TT44
                else:
                    # "…theo Thông tư 44. Có người bảo thông tư đó hết hạn rồi, có đúng không": that one.
                    named_text = told[mentioned[0].start : mentioned[0].end]
                    question_part = _DOCUMENT_ANAPHOR.sub(named_text, question_part.lower(), count=1)
                    frame = ""
        if self._scope.foreign(fold(question_part)):
            # Named before any cut into two questions: "Luật Cán bộ, công chức …" is one law, not two parts.
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        if story and asks_personal_data(fold(text)) and not self._names_our_subject(question_part):
            # "I need the home address of our chairwoman, | can you share it?": the story says what "it" is
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        folded = fold(question_part)
        if _SPELLING_ASKED.search(folded):
            # "What do BCĐ and GDTX stand for?": one question, however many abbreviations it lists.
            spelled = self._spelled(folded, answer_language)
            if spelled is not None:
                return spelled
        pointed_back = _POINTED_BACK.search(folded) is not None
        if story and pointed_back and _MEANING_ASKED.search(folded) and not self._spelled_in(folded):
            # "…people keep writing TTHTCĐ and CĐHT… What do these two mean?": the ones the story names
            spelled = self._spelled(fold(text), answer_language)
            if spelled is not None:
                return spelled
        reused = self._reused(question_part, story, answer_language) if story else None
        if reused is not None:
            return reused
        whole = self._ask_one(question_part, answer_language, context=story, frame=frame)
        if (
            whole.kind == "none"
            and any(weight < focus.PREMISE_WEIGHT for _, weight in story)
            and not self._speaks_of_else(question_part, 1)
        ):
            # "…chị bảo giữ 3 năm, anh bảo năm nào cũng làm lại… ai đúng, giải thích giùm": a question that
            # says nothing alone asks about what was told.
            premised = tuple((piece, max(weight, focus.PREMISE_WEIGHT)) for piece, weight in story)
            retold = self._ask_one(question_part, answer_language, context=premised, frame=frame)
            if retold.kind != "none":
                whole = retold
        if whole.kind == "none" and story and not self._has_content(question_part):
            # "…bên TT44 có một tiêu chí về cán bộ đi học, cụ thể là gì ta": a question with no word of its
            # own asks about what was told – the whole message is the question.
            question_part, story, focused = text, (), None
            folded = fold(question_part)
            whole = self._ask_one(text, answer_language)
        if focused is not None:
            whole = self._ask_clauses(question_part, whole, answer_language, story) or whole
        if story and whole.document is None and not self._documents.references(fold(text)):
            # "…Năm 2015 Bộ có ra công văn hướng dẫn … Bot nhớ số hông?": the story describes the document
            told = fold(" , ".join(piece for piece, _ in story))
            described = self._field_of_described(folded, answer_language, told)
            kind_pointed = pointed_kind(folded)
            if (
                described is None
                and kind_pointed is not None
                and not _detect_fields(self._normaliser.abbreviated(folded))
            ):
                # "…một đề án của Thủ tướng đặt chỉ tiêu đến năm 2020… Theo quyết định kia thì chỉ tiêu là bao
                # nhiêu": a question about the document of that kind the story describes, as if it named it
                kind = KIND_SAID[kind_pointed]
                clauses = _clauses_of(piece for piece, _ in reversed(story))
                tellings = [f"{kind} , {clause}" for clause in clauses if clause.strip()]
                described = self._about_described(question_part, tellings, answer_language)
            whole = described or whole
        elif whole.document is None:
            # "…căn cứ vào QĐ 89, QĐ 281 và một công văn của VPCP…, cho em xin số của công văn VPCP đó": the
            # story describes a letter beside the decisions it names
            pieces = [piece for piece, _ in story]
            asked = folded
            if not story:  # one run-on message: its last clause asks, the ones before tell
                *pieces, last = re.split(r"[,.;:!?]+(?=\s)", question_part)
                asked = fold(last)
            found = self._pointed_back_described(asked, pieces, answer_language)
            if found is not None:
                return found  # one document pointed back at: every field asked is of that one
        if _comparison(folded):
            # A comparison is one question, whatever "và" / "and" joins.
            compared = self._compare(question_part, whole, answer_language)
            return compared if compared is not None else whole
        if whole.parts:
            return whole  # already one answer per document asked about ("QĐ 281 và QĐ 387 …")
        if whole.kind == "none" and self._is_outside(question_part, folded):
            return whole  # "TTHTCĐ phường mình có mở lớp tiếng Anh không, học phí bao nhiêu": not ours
        if whole.document is not None and whole.fields == ("about",) and asks_which(folded):
            # "công văn nào hướng dẫn đánh giá Gia đình học tập, Cộng đồng học tập": one question
            return whole
        # Two questions in one: of the ways to cut the message, the one whose weaker answer is surest.
        best: FaqAnswer | None = None
        for parts in question_splits(question_part):
            combined = self._ask_two(parts, whole, answer_language, story)
            if combined is not None and (best is None or combined.score > best.score):
                best = combined
        return best if best is not None else whole

    def _about_described(self, question: str, tellings: list[str], answer_language: str) -> FaqAnswer | None:
        """The answer to `question` framed by the document described by the first of `tellings` (folded
        clauses of the story, nearest first) to describe one, when drawn from that document; else None."""
        record = next((r for t in tellings if (r := self._described.described(t)) is not None), None)
        if record is None:
            return None
        framed = self._ask_one(f"theo {record.name}, {question}", answer_language)
        index = self._entry_index.get(framed.entry.id) if framed.entry is not None else None
        if index is None or framed.kind not in ("answer", "unconfirmed"):
            return None
        drawn = self._entry_documents[index] | self._entry_sources[index]
        return framed if set(record.refs) & drawn else None

    def _pointed_back_described(self, folded: str, told: list[str], answer_language: str) -> FaqAnswer | None:
        """ "…một công văn của Văn phòng Chính phủ…, công văn đó số mấy": a field of the document of the kind
        the question points back at, which the pieces `told` describe but name no document of; None
        otherwise."""
        pointed = pointed_kind(folded)
        if pointed is None or not told or self._documents.references(folded):
            return None
        if any(r.ref.startswith(pointed) for r in self._documents.references(fold(" , ".join(told)))):
            return None
        # the clauses that speak of a document of that kind describe it, from that word on ("quyết định này
        # căn cứ vào ý kiến … ở | một công văn của Văn phòng Chính phủ")
        pieces = [c[at:] for c in _clauses_of(told) if (at := kind_spoken_at(c, pointed)) is not None]
        described = " , ".join(_unnamed(p, self._documents.references(p)) for p in pieces)
        return self._field_of_described(folded, answer_language, described) if described else None

    def _names_our_subject(self, text: str) -> bool:
        """Whether `text` names what the knowledge base is about: a document it holds a record of, a
        learning-society term, or back then, when the repealed circulars applied."""
        folded = fold(text)
        return (
            any(r.record is not None for r in self._documents.references(folded))
            or names_subject(folded)
            or _PAST.search(folded) is not None
        )

    def _has_content(self, text: str) -> bool:
        """Whether `text` has a word the knowledge base uses, chat aside ("cụ thể là gì ta": none)."""
        return any(
            t in self._vocabulary_set and t not in CHAT_SYLLABLES for t in self._normaliser.tokens(text)
        )

    def _is_vietnamese(self, text: str) -> bool:
        return language.detect(text, self._abbreviations) == "vi"

    def _ask_clauses(
        self, question: str, whole: FaqAnswer, answer_language: str, story: focus.Context
    ) -> FaqAnswer | None:
        """The question of a long message asked one asking clause at a time, the rest as its frame.

        "…, trong báo cáo có đoạn ghi căn cứ pháp lý, thông tư 25 ký ngày nào": the clause that names a
        document and asks its field is answered from the record; a clause answered where the whole was not
        is the answer. None when no single clause does better than the whole.
        """
        asking = [c.text.strip(" ,") for c in focus.clauses(question) if c.asks]
        if len(asking) != 1 or whole.document is not None:
            return None
        clause = asking[0]
        rest = fold(question).replace(fold(clause), " ")
        context = ((rest, focus.PREMISE_WEIGHT), *story) if rest.strip(" ,") else story
        alone = self._ask_one(clause, answer_language, context=context)
        if alone.document is not None:
            return alone
        if whole.kind not in ("answer", "unconfirmed") and alone.kind in ("answer", "unconfirmed"):
            return alone
        return None

    def _compare(self, question: str, whole: FaqAnswer, answer_language: str) -> FaqAnswer | None:
        """ "TTHTCĐ với CĐHT khác nhau chỗ nào": when no entry compares the two, what each of them is.

        None when the message compares nothing, or an entry that compares things answers it ("TT44 và TT25
        khác nhau thế nào"), or either of the two is not known.
        """
        folded = fold(question)
        match = _comparison(folded)
        if match is None:
            return None
        sides = [match.group("a").strip(" ,?"), match.group("b").strip(" ,?")]
        side_tokens = [self._normaliser.tokens(side, self._compounds) for side in sides]
        if not all(side_tokens):
            return None
        if whole.entry is not None and whole.entry.id in self._comparing_entries:
            # An entry that compares these very things ("TT44 và TT25") answers the comparison.
            entry = self._entry_index[whole.entry.id]
            if all(self._explains(entry, tokens) for tokens in side_tokens):
                return None
        first, second = (self._ask_one(f"{side} là gì", answer_language) for side in sides)
        if first.entry is None or second.entry is None or first.entry.id == second.entry.id:
            return None
        kind: AnswerKind = "unconfirmed" if "unconfirmed" in (first.kind, second.kind) else "answer"
        return FaqAnswer(
            answered=kind == "answer",
            entry=self._combined_entry(first.entry, second.entry),
            score=min(first.score, second.score),
            suggestions=(),
            kind=kind,
            language=answer_language,
            parts=(first, second),
        )

    def _explains(self, entry: int, tokens: list[str]) -> bool:
        """Whether most of `tokens` are words of the entry's phrasings."""
        found = 0
        for token in tokens:
            hit = self._entry_postings.get(token)
            found += hit is not None and entry in hit.items[: hit.full]
        return found * 2 >= len(tokens)

    def _ask_two(
        self, parts: list[str], whole: FaqAnswer, answer_language: str, story: focus.Context = ()
    ) -> FaqAnswer | None:
        """Both questions of a two-question message answered, or None when that is not the better reading."""
        first = self._ask_one(parts[0], answer_language, context=story)
        second_text = parts[1]
        # "…, và bị bãi bỏ khi nào": the second question often leaves out the document the first one named.
        named = [r for r in self._documents.references(fold(parts[0])) if r.subject]
        if named and not self._documents.references(fold(parts[1])):
            document = parts[0][named[0].start : named[0].end]
            if focus.points_back(parts[1]) or all(
                t in self._generic_tokens for t in self._normaliser.tokens(parts[1])
            ):
                second_text = f"{document} {parts[1]}"  # "…, và văn bản nào sửa đổi nó": the same document
            else:
                # "TT25 có mấy điều, UBND xã làm gì": a frame; the second question has its own subject.
                second_text = f"theo {document}, {parts[1]}"
        second = self._ask_one(second_text, answer_language, context=story)
        if second.entry is None and second_text != parts[1]:
            bare = self._ask_one(parts[1], answer_language, context=story)
            about = self._documents_of(bare)
            # "QĐ 09/2008 ký ngày nào, sau đó được sửa bằng …": never an answer about another document
            if not about or named[0].ref in about:
                second = bare
        if (
            first.document is not None
            and first.document == second.document
            and first.fields
            and second.fields
        ):
            # Two fields of one document: one answer from its record.
            fields = list(dict.fromkeys(first.fields + second.fields))
            record = self._documents.get(first.document)
            entry = self._record_entry(record, fields) if record is not None else None
            if record is not None and entry is not None:
                return FaqAnswer.of_entry(
                    entry, 1.0, answer_language, document=record.id, fields=tuple(fields)
                )
        if second.entry is None and first.entry is not None and self._answered_in(first.entry, parts[1]):
            return first  # "TTHTCĐ lập ra để làm gì, dành cho ai": the first answer says it ("mọi người")
        if second.entry is None and first.entry is not None:
            retry = self._ask_one(
                f"{parts[1]} {parts[0]}", answer_language, exclude=first.entry.id, context=story
            )
            if retry.entry is not None and retry.score >= self.answer_threshold:
                second = retry
        if first.entry is None or second.entry is None:
            if whole.entry is None and (first.entry is not None or second.entry is not None):
                unanswered = parts[1] if first.entry is not None else parts[0]
                answered = parts[0] if first.entry is not None else parts[1]
                if not story and self._speaks_of_else(unanswered):
                    return None  # "mua bảo hiểm y tế ở đâu, giá bao nhiêu": not a question of ours
                whole_text = f"{answered} , {unanswered}"
                if not story and self._is_vietnamese(whole_text) and not self._names_our_subject(whole_text):
                    return None  # "điện thoại bị đơ màn hình, làm sao sửa": the bare half leans on the other
                return first if first.entry is not None else second
            return None
        # A part that is itself two answers ("…ký ngày nào? có cùng ngày với TT11 không": both dates) is
        # flattened, and an answer already given is not repeated.
        answers = list(
            {a.entry.id: a for part in (first, second) for a in (part.parts or (part,)) if a.entry}.values()
        )
        # "CV 6782 ra ngày nào | bảo Sở phối hợp với ai" read again whole: its date once, not twice
        answers = [
            a
            for a in answers
            if not any(
                b is not a and a.document and b.document == a.document and set(a.fields) < set(b.fields)
                for b in answers
            )
        ]
        if len(answers) == 1:
            return answers[0] if whole.entry is None or answers[0].score >= whole.score else None
        kinds = {a.kind for a in answers}
        kind: AnswerKind = "unconfirmed" if "unconfirmed" in kinds else "answer"
        entry = self._combined_entry(*(a.entry for a in answers if a.entry is not None))
        return FaqAnswer(
            answered=kind == "answer",
            entry=entry,
            score=min(a.score for a in answers),
            suggestions=(),
            kind=kind,
            language=answer_language,
            parts=tuple(answers),
        )

    def _answered_in(self, entry: FaqEntry, text: str) -> bool:
        """Whether every word `text` asks about (beyond generic words) is a word of `entry`'s answer."""
        asked = [t for t in self._normaliser.tokens(text) if t not in self._generic_tokens]
        if not asked:
            return True
        answer = set(self._normaliser.tokens(f"{to_plain(entry.answer)} {to_plain(entry.answer_en)}"))
        return all(t in answer for t in asked)

    def _speaks_of_else(self, text: str, words: int = 2) -> bool:
        """Whether `text` uses `words` or more words the knowledge base never does ("mua bảo hiểm y tế"): it
        is about something else. (One such word is often a typo or the person's own word.)"""
        unknown = [
            t
            for t in self._normaliser.tokens(text)
            if t not in self._vocabulary_set and t not in STOP_WORDS and t not in CHAT_SYLLABLES
        ]
        return len(unknown) >= words

    def _combined_entry(self, *entries: FaqEntry) -> FaqEntry:
        """One entry holding every answer, numbered, with every source."""

        def joined(locale: str) -> str:
            template = self._texts[locale][texts.PART]
            return "\n\n".join(
                template.format(n=n, answer=e.answer_for(locale)) for n, e in enumerate(entries, 1)
            )

        sources = [e.source for e in entries]
        source = (
            sources[0]
            if len(set(sources)) == 1
            else " · ".join(f"({n}) {text}" for n, text in enumerate(sources, 1))
        )
        return FaqEntry(
            id="+".join(e.id for e in entries)[:80],
            topic=entries[0].topic,
            questions=tuple(e.title for e in entries),
            answer=joined("vi"),
            answer_en=joined("en"),
            source=source,
            status="confirmed" if all(e.confirmed for e in entries) else "unconfirmed",
        )

    def _ask_one(
        self,
        question: str,
        answer_language: str,
        exclude: str | None = None,
        context: focus.Context = (),
        frame: str = "",
    ) -> FaqAnswer:
        """One question: from a document's record when it asks a document's field, else by retrieval.

        `context` is the story around the question in a long message: its words count for less. `frame`: the
        document the story names, when the question itself names none ("…, vậy nó ban hành ngày nào").
        """
        if frame and all(t in self._generic_tokens for t in self._normaliser.tokens(question)):
            # Only a bare field question ("…, vậy nó ban hành ngày nào") is about the story's document;
            # "…tập huấn thông tư 44…, tập huấn đó vào ngày nào" asks about something else the story told.
            framed = f"{frame} {question}"
            folded = fold(framed)
            from_record = self._from_record(
                framed, folded, self._documents.references(folded), answer_language
            )
            if from_record is not None:
                return from_record
        folded = fold(question)
        if self._scope.foreign(folded):
            # "Thông tư 44/2014 của Bộ Tài chính", "Luật Cán bộ, công chức": not what the FAQ covers.
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        if _SPELLING_ASKED.search(folded):
            spelled = self._spelled(folded, answer_language)
            if spelled is not None:
                return spelled
        if _ARTICLE_ASKED.search(folded):
            # "phần cấp xã của TT25 ở những điều nào": the layout, even where "những điều" asks what it holds
            cited = self._layout(folded, answer_language)
            if cited is None and not _CONTENTS_ASKED.search(folded):
                cited = self._by_article(folded, answer_language, context)
            if cited is not None:
                return cited
        references = self._documents.references(folded)
        if not _ARTICLE_ASKED.search(folded):
            named_article = self._by_named_article(question, folded, references, answer_language, context)
            if named_article is not None:
                return named_article
        still = self._still_applies(folded, references, answer_language)
        if still is not None:
            return still
        from_record = self._from_record(question, folded, references, answer_language)
        if from_record is not None:
            return from_record
        each = self._field_of_each(folded, references, answer_language) or self._question_of_each(
            folded, references, answer_language
        )
        if each is not None:
            return each
        if self._is_outside(question, folded):
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        if any(
            (r.record is None and r.ref not in self._cited_refs) or self._documents.of_another_year(r)
            for r in references
        ):
            # A document the knowledge base knows nothing about: whatever is asked about it, not from here.
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        if not any(r.subject or not _cites(folded, r) for r in references):
            # "số công văn của VPCP … trong phần căn cứ của QĐ 448": a document described, beside the one
            # named only as what cites it (not "theo QĐ 09/2008, quy chế …": the one named is asked about)
            described_field = self._field_of_described(_unnamed(folded, references), answer_language)
            if described_field is not None and described_field.document not in {
                r.record.id for r in references if r.record is not None
            }:
                return described_field
        found = self._retrieve(question, answer_language, exclude, context)
        # "Phường tôi năm 2023 xếp loại theo TT44, | sang năm 2024 thì theo văn bản nào": the story's document
        # is named too (not the answer, and the one whose successor may be)
        told = fold(" , ".join(piece for piece, _ in context)) if context and not references else ""
        told_references = self._documents.references(told) if told else []
        described = self._described_document(folded, [*references, *told_references], answer_language)
        if described is not None and (
            found.kind in ("none", "suggest")
            or not (any(r.subject for r in references) or self._names(found, described))
            or (found.kind == "unconfirmed" and not references and not _AFTER_REFORM.search(folded))
            or asks_which_in_year(folded)
        ):
            # an entry that never names the document asked for does not answer "which one"; one asked about a
            # document the question names ("văn bản nào thay TT44") is kept; "năm nay xét công nhận theo thông
            # tư nào" is the circular in force, not the unconfirmed "who recognises since 2025" that cites it;
            # "năm 2019 xếp loại theo thông tư nào" is the one in force that year, not an entry naming it
            return described
        if found.kind == "none":
            return self._told_by_record(folded, references, answer_language) or found
        if _DETAILS.search(folded) and self._details_elsewhere(found, references):
            return FaqAnswer(False, None, 0.0, (), "none", answer_language)
        return found

    def _spelled_in(self, folded: str) -> list[str]:
        """The abbreviations of the answers' table named in `folded`, longest first, none inside another."""
        found: list[str] = []
        for short, pattern in self._spellings:
            if pattern.search(folded) and not any(fold(short) in fold(longer) for longer in found):
                found.append(short)
        return found

    def _spelled(self, folded: str, answer_language: str) -> FaqAnswer | None:
        """ "GĐHT, DHHT là viết tắt của gì": each abbreviation asked, spelled out from the table the answers
        use. None when the question names none, or only one that an entry of its own explains."""
        asked = self._spelled_in(folded)
        if not asked:
            return None
        if len(asked) == 1 and asked[0] in self._spelling_entries:
            return FaqAnswer.of_entry(self._spelling_entries[asked[0]], 1.0, answer_language)

        def spelled(locale: str) -> str:
            table = self.kb.spelled.get(locale) or self.kb.spelled["vi"]
            template = self._texts[locale][texts.SPELLED]
            return "\n".join(
                template.format(
                    short=f"<b>{short}</b>", full=f"<b>{table.get(short) or self.kb.spelled['vi'][short]}</b>"
                )
                for short in sorted(asked, key=lambda short: folded.find(fold(short)))
            )

        source = next(iter(self._spelling_entries.values()), None)
        entry = FaqEntry(
            id="spelled:" + "+".join(asked),
            topic=source.topic if source is not None else "general",
            questions=(", ".join(asked),),
            answer=spelled("vi"),
            answer_en=spelled("en"),
            source=source.source.split(";")[0] if source is not None else "",
            status="confirmed",
        )
        return FaqAnswer.of_entry(entry, 1.0, answer_language)

    def _is_outside(self, question: str, folded: str) -> bool:
        """Whether the question names something the FAQ never covers (`outside:` in abbreviations.yaml)."""
        if self._outside is None or self._outside_marked is None:
            return False
        lowered = unicodedata.normalize("NFC", question).lower()
        if fold(lowered) != lowered:  # typed with its marks: read as written
            return self._outside_marked.search(" ".join(re.findall(r"\w+", lowered))) is not None
        return self._outside.search(" ".join(re.findall(r"\w+", folded))) is not None

    def _details_elsewhere(self, found: FaqAnswer, references: list[Reference]) -> bool:
        """Whether `found` answers a request for one known document's details ("NĐ 143/2025 quy định cụ thể
        những gì") with an entry neither asked about that document nor drawn from it: a nearby entry, not the
        details asked ("bộ tiêu chí GĐHT của QĐ 448 gồm những nhóm nào" is the entry drawn from QĐ 448)."""
        subjects = {r.ref: r.record for r in references if r.subject}
        if len(subjects) != 1:
            return False
        record = next(iter(subjects.values()))
        entries = [found.entry] if found.entry is not None else list(found.suggestions)
        return record is not None and not any(
            set(record.refs) & (self._entry_documents[index] | self._entry_sources[index])
            for e in entries
            if (index := self._entry_index.get(e.id)) is not None
        )

    def _field_of_each(
        self, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """ "Ngày ban hành QĐ 09/2008 và TT 40/2010 lần lượt là ngày nào": one field of two documents, each
        answered from its own record; None unless both records hold it."""
        named = list({r.ref: r for r in references if r.subject}.values())
        if len(named) != 2 or ARTICLE.search(folded) or not _EACH.search(folded):
            return None
        unnamed = folded
        for reference in sorted(references, key=lambda r: -r.start):
            unnamed = f"{unnamed[: reference.start]} {unnamed[reference.end :]}"
        fields = _detect_fields(self._normaliser.abbreviated(unnamed))
        if len(fields) != 1 or fields[0] not in _FIELDS_OF_EACH:
            return None
        parts = []
        for reference in named:
            record = reference.record
            entry = self._record_entry(record, fields) if record is not None else None
            if record is None or entry is None or not entry.confirmed:
                return None
            parts.append(
                FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=tuple(fields))
            )
        first, second = parts
        assert first.entry is not None and second.entry is not None
        return FaqAnswer(
            True,
            self._combined_entry(first.entry, second.entry),
            1.0,
            (),
            "answer",
            answer_language,
            parts=(first, second),
        )

    def _question_of_each(
        self, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """ "QĐ 281 và QĐ 387 đặt mục tiêu bao nhiêu % …": one question about two documents named side by
        side, asked of each; None unless each is answered by its own entry about that document."""
        named = sorted({r.ref: r for r in references if r.subject}.values(), key=lambda r: r.start)
        if len(named) != 2 or ARTICLE.search(folded):
            return None
        first, second = named
        if _detect_fields(self._normaliser.abbreviated(folded[: first.start] + folded[second.end :])):
            return None  # a field of each document: their records answer it, or nobody does
        if not re.fullmatch(r"\s*(?:va|voi|and|,|hoac|or)\s*", folded[first.end : second.start]):
            return None
        before, after = folded[: first.start], folded[second.end :]
        parts = []
        for reference in named:
            asked = f"{before}{folded[reference.start : reference.end]}{after}"
            found = self._retrieve(asked, answer_language)
            entry = found.entry
            if (
                found.kind not in ("answer", "unconfirmed")
                or entry is None
                or reference.ref not in self._entry_documents[self._entry_index[entry.id]]
            ):
                return None
            parts.append(found)
        if parts[0].entry is parts[1].entry:
            return None
        assert parts[0].entry is not None and parts[1].entry is not None
        kind: AnswerKind = "unconfirmed" if "unconfirmed" in (parts[0].kind, parts[1].kind) else "answer"
        return FaqAnswer(
            kind == "answer",
            self._combined_entry(parts[0].entry, parts[1].entry),
            min(p.score for p in parts),
            (),
            kind,
            answer_language,
            parts=tuple(parts),
        )

    def _described_document(
        self, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """ "Giai đoạn 2021–2030 … triển khai theo quyết định nào": the document a question asks for by
        describing it, with what it is; None when no record clearly fits the description."""
        named = [r.record.id for r in references if r.record is not None]
        # "sau cải cách 2025, phân cấp về GDTX theo thông tư nào": when it is asked about, not what it is;
        # "… theo TT44 hay văn bản khác": a document named as a guess does not describe the one asked
        unnamed = _unnamed(folded, references) if asks_another(folded) else folded
        untimed = _REFORM_TIME.sub(" ", " ".join(re.sub(r"[^\w\s]", " ", without_asides(unnamed)).split()))
        record = self._described.find(untimed, named, now=_NOW.search(folded) is not None)
        if record is None:
            return None
        entry = self._record_entry(record, ["about"])
        if entry is None:
            return None
        return FaqAnswer.of_entry(
            entry, self.answer_threshold, answer_language, document=record.id, fields=("about",)
        )

    def _documents_of(self, found: FaqAnswer) -> frozenset[str]:
        """The documents (refs) an answer is about: its record's, or its entry's."""
        record = self._documents.get(found.document or "")
        if record is not None:
            return frozenset(record.refs)
        index = self._entry_index.get(found.entry.id) if found.entry is not None else None
        return self._entry_documents[index] if index is not None else frozenset()

    def _field_of_described(self, folded: str, answer_language: str, told: str = "") -> FaqAnswer | None:
        """ "cái thông tư chấm cộng đồng học tập hồi 2014 ký ngày nào", "công văn năm 2015 của Bộ hướng dẫn
        công nhận gia đình học tập số mấy": a field of the document the question describes instead of naming
        it, from its record; None when it asks no field, or no record clearly fits the description. `told`:
        the story of a long message, where the document may be described ("…, bot nhớ số hông")."""
        # what a document is, not whether it applies: "thông tư đang áp dụng" describes the one in force
        fields = [f for f in _detect_fields(self._normaliser.abbreviated(folded)) if f in _IDENTITY_FIELDS]
        if not fields:
            return None
        described = f"{told} , {folded}" if told else folded
        if {"signer", "signed", "issuer"} & set(fields) and _RECOGNITION_PAPER.search(described):
            return None  # "quyết định công nhận CĐHT do ai ký": the recognition, not a document of ours
        record = self._described.described(described)
        if record is None:
            return None
        # "công văn đó số mấy": its name with its number, and what it is
        entry = self._record_entry(record, ["about"] if fields == ["number"] else fields)
        if entry is None:
            return None
        return FaqAnswer.of_entry(
            entry, self.answer_threshold, answer_language, document=record.id, fields=tuple(fields)
        )

    def _names(self, found: FaqAnswer, described: FaqAnswer) -> bool:
        """Whether the answer `found` names the document `described` answers with."""
        record = self._documents.get(described.document or "")
        if record is None or found.entry is None:
            return False
        said = fold(f"{found.entry.answer} {found.entry.answer_en}")
        return any(r.record is record for r in self._documents.references(said))

    def _one_under_numbers(self, folded: str, answer_language: str) -> FaqAnswer | None:
        """ "vb ghi 448/QĐ-KHVN, Bộ lại ghi 448/QĐ-HKH, vậy là 2 qđ khác nhau hay 1": one document written
        under several numbers, asked whether they are one, is its number – which says they are one document.
        None for any other message."""
        if not SAME_DOCUMENT_ASKED.search(folded):
            return None
        if set(_detect_fields(self._normaliser.abbreviated(folded))) - {"number", "about"}:
            return None  # "… hai quyết định khác nhau …, ban hành ngày nào": the date
        references = self._documents.references(folded)
        typed = (folded[r.start : r.end] for r in references)
        written = {"".join(number.split()) for number in typed if "/" in number}
        records = {r.record.id: r.record for r in references if r.record is not None}
        if len(written) < 2 or len(records) != 1 or any(r.record is None for r in references):
            return None
        record = next(iter(records.values()))
        entry = self._record_entry(record, ["number"])
        if entry is None:
            return None
        return FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=("number",))

    def _told_by_record(
        self, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """ "TT 26/2025 chuyển thẩm quyền từ cấp huyện về cho ai": a question about one document that no entry
        answers, but whose every word the document's record explains, is answered with what the document is.
        """
        subjects = {r.ref: r for r in references if r.subject}
        if len(subjects) != 1 or ARTICLE.search(folded):
            return None
        record = next(iter(subjects.values())).record
        if record is None or not record.about or _QUANTITY.search(folded) or _DETAILS.search(folded):
            return None
        text = folded
        for reference in sorted(references, key=lambda r: -r.start):
            text = text[: reference.start] + " " + text[reference.end :]
        # Abbreviations count as the words they stand for ("cổng DVCQG" is "cổng dịch vụ công quốc gia").
        content = [
            w
            for w in re.findall(r"[a-z]+", self._normaliser.abbreviated(text))
            if w not in GENERIC_WORDS and w not in STOP_WORDS and w not in _CHAT
        ]
        known = self._documents.words(record)
        if len(content) < 2 or any(w not in known for w in content):
            return None
        entry = self._record_entry(record, ["about"])
        if entry is None:
            return None
        return FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=("about",))

    def _still_applies(
        self, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """ "dùng thông tư 44 hay 25", "Hội mình vẫn tự chấm theo TT44 thì có sai không": which of two
        documents applies, or whether one may still be followed, is the status of the repealed one (which
        names what replaced it), or of one whose status an entry tells ("còn xét theo QĐ 448 không"). None
        for any other question."""
        repealed = [
            r
            for r in references
            if r.record is not None and (r.record.repealed or "status" in r.record.entries)
        ]
        if len({r.ref for r in repealed}) != 1:
            return None
        reference = repealed[0]
        record = reference.record
        assert record is not None
        choice = _CHOICE.search(folded)
        successor = self._documents.get(record.repealed_by)
        named = {f"tt{int(n)}" for n in choice.group("a", "b")} if choice is not None else set()
        chosen = (
            successor is not None
            and reference.ref in named
            and bool(named & set(successor.refs))
            and _APPLYING.search(folded) is not None
        )
        before, after = folded[: reference.start], folded[reference.end :]
        # "năm 2025 phường lấy mẫu của TT44 ra làm tiếp được không": a year after its repeal is a time it no
        # longer applies, as "bây giờ" is
        now = _NOW.search(folded) is not None or _after_repeal(folded, record)
        followed = (
            _STILL_FOLLOWING.search(before) is not None or (now and _USING.search(before) is not None)
        ) and _YES_NO.search(after) is not None
        # "bộ tiêu chí TT44 giờ còn chấm được không": whether it may still be used, asked after its name
        followed = followed or _STILL_AFTER.match(after) is not None
        # "có mẫu báo cáo theo TT44 từ mấy năm trước, giờ lấy ra dùng tiếp được không": used now, asked later
        followed = followed or (_NOW.search(after) is not None and _REUSE_ASKED.search(after) is not None)
        if not (chosen or followed):
            return None
        return self._status_of(record, answer_language)

    def _status_of(self, record: DocumentRecord, answer_language: str) -> FaqAnswer | None:
        """Whether `record`'s document is in force, and what replaced it: its curated entry or its record."""
        curated = record.entries.get("status")
        entry = self.kb.entry(curated) if curated else self._record_entry(record, ["status"])
        if entry is None:
            return None
        return FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=("status",))

    def _reused(self, question: str, story: focus.Context, answer_language: str) -> FaqAnswer | None:
        """ "Tui có bộ hồ sơ mẫu của thông tư 44 hồi 2019. Năm nay xài lại được hông": a story that names one
        repealed document, and a question that names none but asks whether it may be used now, asks the
        document's status. None otherwise."""
        folded = fold(question)
        if not _REUSE_ASKED.search(folded) or self._documents.references(folded):
            return None
        told = fold(" , ".join(piece for piece, _ in story))
        repealed = {
            r.record.id: r.record
            for r in self._documents.references(told)
            if r.record is not None and r.record.repealed
        }
        if len(repealed) != 1:
            return None
        return self._status_of(next(iter(repealed.values())), answer_language)

    def _by_article(self, folded: str, answer_language: str, context: focus.Context) -> FaqAnswer | None:
        """ "TT44 điều mấy quy định các tiêu chí", "Which article of Circular 44 lists the criteria?": what
        the rest of the question asks, answered by a record or an entry whose source cites the article; None
        when none does (the question is then read as it is)."""
        # "điều khoản về hiệu lực của TT25 là điều mấy": the provision on its effect is what is asked
        rest = " ".join(_PROVISION.sub(" ", _ARTICLE_ASKED.sub(" ", folded)).split())
        found = self._from_record(rest, rest, self._documents.references(rest), answer_language)
        if found is not None:
            return found if found.entry is not None and _CITES_ARTICLE.search(found.entry.source) else None
        if _SPAN_ASKED.search(folded):
            # "phần cấp xã của TT25 từ điều nào tới điều nào": an entry that gives a span of articles.
            for entry, score in self.rank(rest, limit=MAX_SUGGESTIONS, context=context):
                if score >= self._answer_threshold(folded, entry) and _ARTICLE_SPAN.search(
                    entry.answer_for(answer_language)
                ):
                    return FaqAnswer.of_entry(entry, score, answer_language)
        # Only an entry citing an article can say which one: a close runner-up that cites one beats a best
        # match that does not ("which article lists the criteria": the criteria, not the dossier's article).
        ranked = self.rank(rest, limit=3, context=context)
        citing = [
            (entry, score)
            for entry, score in ranked
            if score >= self._answer_threshold(folded, entry)
            and score >= ranked[0][1] - _ARTICLE_RUNNER_UP
            and _CITES_ARTICLE.search(entry.source)
        ]
        if not citing:
            return None
        entry, score = citing[0]
        return FaqAnswer.of_entry(entry, score, answer_language)

    def _layout(self, folded: str, answer_language: str) -> FaqAnswer | None:
        """ "phần cấp xã của TT25 từ điều nào tới điều nào", "TT25: cấp tỉnh nằm ở Đ mấy": where a part sits
        in the one document named, from its record's layout – when the question names nothing but parts the
        layout lists ("TT25 tiêu chí 1 ở điều mấy" is the entry on that criterion)."""
        references = self._documents.references(folded)
        records = {r.record.id: r.record for r in references if r.record is not None}
        if len(records) != 1 or len(records) != len({r.ref for r in references}):
            return None
        record = next(iter(records.values()))
        if not record.articles:
            return None
        layout = set(re.findall(r"[a-z0-9]+", fold(f"{record.articles} {record.articles_en}")))
        asked = self._normaliser.abbreviated(_ARTICLE_ASKED.sub(" ", _unnamed(folded, references)))
        if set(_detect_fields(asked)) - {"about"}:
            return None  # "TT25 hiệu lực từ ngày nào, ở điều mấy": its date too
        words = [  # "xã/p.": a letter abbreviates
            w for w in re.findall(r"[a-z]+", asked) if len(w) > 1 and w not in STOP_WORDS and w not in _CHAT
        ]
        if not any(w in layout for w in words):
            return None
        if any(w not in layout and w not in GENERIC_WORDS for w in words):
            return None
        entry = self._record_entry(record, ["articles"])
        if entry is None:
            return None
        return FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=("articles",))

    def _by_named_article(
        self,
        question: str,
        folded: str,
        references: list[Reference],
        answer_language: str,
        context: focus.Context,
    ) -> FaqAnswer | None:
        """ "Điều 6 của quy chế TTHTCĐ (QĐ 09/2008) quy định gì", "khoản 3 Điều 11 quy chế … nói gì": what an
        article says is what an entry whose answer cites that article (and clause) says – of the document
        named, or, when none is named, the one entry that cites it. None when no entry does."""
        named = _ARTICLE_NAMED.search(folded)
        if named is None:
            return None
        clause, article = named.group("clause"), named.group("article")
        cited = re.compile(
            rf"\bkhoan {clause} dieu {article}\b" if clause else rf"\bdieu {article}\b(?!\s*[–-])"
        )
        documents = {ref for r in references if r.record is not None for ref in r.record.refs}
        span = _ARTICLE_SPAN_NAMED.search(folded)
        if span is not None and documents:
            # "TT25 Điều 20 – Điều 24 nói về gì": the entry that gives that span of the document's articles
            cited = re.compile(rf"(?<![\d/]){span.group(1)}\s*[–-]\s*{span.group(2)}(?![\d/])")
        # "NĐ 46/2017 Điều 43 quy định gì": the one entry whose source cites that article of the document
        sourced = {
            entry.id
            for index, entry in enumerate(self.kb.entries)
            if entry.confirmed
            and not clause
            and span is None
            and any((ref, int(article)) in self._entry_articles[index] for ref in documents)
        }
        if len(sourced) == 1:
            entry = self.kb.entry(next(iter(sourced)))
            return FaqAnswer.of_entry(entry, self.answer_threshold, answer_language)
        citing = {
            entry.id
            for index, entry in enumerate(self.kb.entries)
            if entry.confirmed
            and cited.search(fold(to_plain(entry.answer)))
            and (not documents or documents & (self._entry_documents[index] | self._entry_sources[index]))
        }
        if not citing or (not documents and len(citing) > 1):
            return None
        ranked = [
            (e, s)
            for e, s in self.rank(question, limit=len(self.kb.entries), context=context)
            if e.id in citing
        ]
        if not ranked or ranked[0][1] < self.suggest_threshold * _NAMED_ARTICLE_SHARE:
            return None
        return FaqAnswer.of_entry(ranked[0][0], ranked[0][1], answer_language)

    def _retrieve(
        self, question: str, answer_language: str, exclude: str | None = None, context: focus.Context = ()
    ) -> FaqAnswer:
        ranked = self.rank(question, limit=MAX_SUGGESTIONS + 1, context=context)
        if exclude is not None:
            ranked = [(e, s) for e, s in ranked if e.id != exclude]
        if not _MEANING_ASKED.search(fold(question)):
            # "HKHVN thành lập năm nào", "TTHC mã 1.005097 là TTHC gì": the abbreviations only share letters
            ranked = [(e, s) for e, s in ranked if "abbrev" not in e.sections]
        ranked = ranked[:MAX_SUGGESTIONS]
        # The subject may be named in the story around the question ("…bên TT44 có một tiêu chí về cán bộ đi
        # học, cụ thể là gì").
        asked = " , ".join((question, *(piece for piece, _ in context)))
        answer_at = self._answer_threshold(fold(asked), ranked[0][0] if ranked else None)
        if not ranked or ranked[0][1] < min(self.suggest_threshold, answer_at):
            score = ranked[0][1] if ranked else 0.0
            return FaqAnswer(False, None, score, (), "none", answer_language)
        best, score = ranked[0]
        if score >= answer_at:
            return FaqAnswer.of_entry(best, score, answer_language)
        floor = max(self.suggest_threshold * 0.8, score - 0.2)
        suggestions = tuple(entry for entry, s in ranked if s >= floor)
        return FaqAnswer(False, None, score, suggestions, "suggest", answer_language)

    def _answer_threshold(self, folded: str, best: FaqEntry | None) -> float:
        """The score at which `best` answers the question: SUBJECT_THRESHOLD when the question names what
        the knowledge base is about (a document it holds a record of, "TT44", "QĐ 448", a learning-society
        term, "CĐHT", "gia đình học tập", or back then, "hồi đó", when the repealed circulars applied),
        unless `best` is an entry about other documents than the one the question asks about, or than one
        only a record knows ("TT26/2025 chuyển thẩm quyền…" is no question for an entry on TT44's
        procedure)."""
        if best is None or not self._names_our_subject(folded):
            return self.answer_threshold
        references = [r for r in self._documents.references(folded) if r.record is not None]
        index = self._entry_index.get(best.id)
        about = self._entry_documents[index] if index is not None else frozenset()
        asked = {r.ref for r in references if r.subject}
        if asked and not about & asked and (about or asked & self._documents_with_entries):
            # an entry about other documents, or about none when entries about the one asked exist
            return self.answer_threshold
        named = {r.ref for r in references}
        if named - self._documents_with_entries and not about & named:
            return self.answer_threshold
        return self.subject_threshold

    def _from_record(
        self, question: str, folded: str, references: list[Reference], answer_language: str
    ) -> FaqAnswer | None:
        """The answer from a document's record when `question` asks a field of one named document, else None.

        The question must name exactly one document as what it is about (not "theo TT25, …"), ask at least
        one field, and say nothing the record does not explain ("ai ký quyết định công nhận CĐHT theo TT44"
        asks about recognition, not about TT44's signer).
        """
        subjects = [r for r in references if r.subject]
        successor_of = [r for r in subjects if _SUCCESSOR_OF.search(folded[: r.start])]
        replacing = False
        if len(subjects) == 2 and successor_of == subjects[1:]:
            # "thông tư mới thay cho TT44 ra đời hồi nào": the new circular, named with what it replaced
            first, replaced = subjects
            replaced_by = replaced.record.repealed_by if replaced.record is not None else ""
            if first.record is not None and first.record.id == replaced_by:
                subjects, successor_of, replacing = [first], [], True
        if len({r.ref for r in subjects}) != 1 or ARTICLE.search(folded):
            return None
        # The field is asked outside the document's name ("Hiến pháp sửa đổi 2025" asks no amendment) and
        # outside "the one that replaced" it.
        unnamed = _unnamed(folded, references, successor_of)
        fields = _detect_fields(self._normaliser.abbreviated(unnamed))
        if _UNTIL_ASKED.search(unnamed) and subjects[0].record is not None:
            # "QĐ 448 áp dụng tới năm nào": the end of its period, or the day it was repealed – not its date
            until = "repealed_by" if subjects[0].record.repealed else "about"
            fields = [f for f in FIELDS if f in {*fields, until} - {"signed", "in_force"}]
        if replacing and "signed" in fields and not ISSUE_WORD.search(unnamed):
            # "TT25 thay TT44 từ năm nào": since when it applies
            fields = [f for f in FIELDS if f in {*fields, "in_force"} - {"signed"}]
        reference = subjects[0]
        if "about" in fields and not _is_subject(folded, reference, self._abbreviations):
            fields.remove("about")  # "UBND xã làm gì trong quy trình TT44": asks about the committee
        if "purpose" in fields and (reference.record is None or "purpose" not in reference.record.entries):
            fields.remove("purpose")  # an entry on that document's aims, if any, answers by retrieval
        if "about" in fields and ("purpose" in fields or _PURPOSE.search(unnamed)):
            fields.remove("about")  # "mục đích của việc đánh giá theo TT25 là gì": its purpose, an entry's
        if {"signer", "signed", "issuer"} & set(fields) and _OTHER_PAPER.search(unnamed):
            # "hồi TT44 quyết định đó do ai ký", "QĐ 448 quy định cấp nào ra quyết định công nhận …": the
            # recognition decision, not the document
            return None
        record = reference.record
        if (
            not fields
            and record is not None
            and not record.entry
            and reference.ref not in self._documents_with_entries
            and not _DETAILS.search(unnamed)
            and self._asks_what_it_says(unnamed, record)
        ):
            # "TT26/2025 chuyển thẩm quyền từ cấp nào về cho ai": what a document no entry is about says
            fields = ["about"]
        if not fields:
            return None
        # the words asking why it was issued are explained by the entry on its aims
        said = PURPOSE_ASKED.sub(lambda m: " " * len(m.group()), folded) if "purpose" in fields else folded
        if not self._explained(said, references, record):
            return None
        if record is not None and "about" not in fields and self._asks_what_it_says(unnamed, record):
            fields.append("about")  # "CV 6782 ra ngày nào, bảo Sở phối hợp với ai": what it says, too
        if _points_elsewhere(unnamed, record):
            return None  # "TT44 … số hiệu quyết định đó": another document
        if set(fields) <= _DATE_OR_NUMBER and _describes_another_kind(unnamed, record):
            # "cái quyết định công bố thủ tục … hồi TT44 là số mấy", "đề án … mà TT44 dựa vô là quyết định số
            # mấy": a document of another kind, described; the one named only dates or grounds it
            return self._field_of_described(unnamed, answer_language)
        if record is not None and successor_of:
            # "văn bản thay TT44 có hiệu lực từ ngày nào": a field of the document that replaced it; when that
            # one is not known, what is known of the old one's status
            asked = [f for f in fields if f not in ("status", "repealed_by", "replaces")]
            successor = self._documents.get(record.repealed_by)
            if asked and successor is not None:
                record, fields = successor, asked
            elif asked:
                fields = ["status"]
        if record is None:
            if reference.ref in self._cited_refs:
                return None
            return FaqAnswer(False, None, 0.0, (), "none", answer_language, fields=tuple(fields))
        if fields == ["about"]:
            # "TT44 có quy định gì về CĐHT cấp tỉnh không": an entry on this very point of that document,
            # asked almost in these words, before what the document is about in general
            ranked = self.rank(question, limit=1) if self._asks_a_point(unnamed) else []
            if (
                ranked
                and ranked[0][0].confirmed
                and ranked[0][1] >= _POINT_ASKED
                and reference.ref in self._entry_documents[self._entry_index[ranked[0][0].id]]
            ):
                return FaqAnswer.of_entry(ranked[0][0], ranked[0][1], answer_language)
        curated = record.entries.get(fields[0]) or (
            record.entries.get("status") if fields[0] == "repealed_by" else None
        )
        if len(fields) == 1 and curated:
            return FaqAnswer.of_entry(
                self.kb.entry(curated), 1.0, answer_language, document=record.id, fields=tuple(fields)
            )
        entry = self._record_entry(record, fields, _YEAR_ASKED.search(unnamed) is not None)
        if entry is None:
            # The record does not hold it; an entry asked about this very document may ("NĐ 46/2017 còn áp
            # dụng không": its Article 42 was repealed). Never an entry about another document.
            about = [
                (e, score)
                for e, score in self.rank(question, limit=MAX_SUGGESTIONS)
                if set(record.refs) & self._entry_documents[self._entry_index[e.id]]
            ]
            if about and about[0][1] >= self.answer_threshold:
                best, score = about[0]
                return FaqAnswer.of_entry(
                    best, score, answer_language, document=record.id, fields=tuple(fields)
                )
            return FaqAnswer(
                False, None, 0.0, (), "none", answer_language, document=record.id, fields=tuple(fields)
            )
        return FaqAnswer.of_entry(entry, 1.0, answer_language, document=record.id, fields=tuple(fields))

    def _asks_a_point(self, unnamed: str) -> bool:
        """Whether the question, outside the documents it names, has a word of its own: a point asked ("TT44
        có quy định gì về CĐHT cấp tỉnh"), not what a document is about ("NĐ 143 quy định về vấn đề gì")."""
        return bool(self._content_words(unnamed))

    def _content_words(self, text: str) -> list[str]:
        """The words of `text` (abbreviations written out) that are not generic, stop words or chat."""
        return [
            w
            for w in re.findall(r"[a-z]+", self._normaliser.abbreviated(text))
            if w not in GENERIC_WORDS and w not in STOP_WORDS and w not in _CHAT
        ]

    def _asks_what_it_says(self, unnamed: str, record: DocumentRecord) -> bool:
        """Whether a clause of the question that asks no field of its own asks what the record says of the
        document ("…, bảo Sở phối hợp với ai để đánh giá"): a question word, and words of the record's
        "about" for all it says."""
        if not record.about:
            return False
        about = set(re.findall(r"[a-z0-9]+", fold(f"{record.about} {record.about_en}")))
        for clause in _CLAUSE_BREAK.split(unnamed):
            if not _QUESTION_WORD.search(clause) or _detect_fields(self._normaliser.abbreviated(clause)):
                continue
            content = self._content_words(clause)
            if content and all(w in about for w in content):
                return True
        return False

    def _explained(self, folded: str, references: list[Reference], record: DocumentRecord | None) -> bool:
        """Whether every word of the question is the document, a field word, chat, or the record's own
        words."""
        text = folded
        for reference in sorted(references, key=lambda r: -r.start):
            text = text[: reference.start] + " " + text[reference.end :]
        text = _BEGIN.sub(" ", text)  # "bắt đầu áp dụng từ khi nào": when it applies
        known = self._documents.words(record) if record is not None else frozenset()
        # "Theo Công văn 6782 của Bộ GD&ĐT, QĐ 448 …": who issued another document named is no question
        issuers = [r.record for r in references if r.record is not None and r.record is not record]
        known = known.union(*(re.findall(r"[a-z]+", fold(r.issuer)) for r in issuers))
        words = re.findall(r"[a-z]+(?:&[a-z]+)?|\d+", text)  # "gd&dt" is one abbreviation
        unexplained = [
            w
            for w in words
            if w not in GENERIC_WORDS
            and w not in STOP_WORDS
            and w not in known
            and not (w.isdigit() and record is not None and record.year == int(w))
            and w not in self._abbreviations
            and w not in _CHAT
        ]
        if len(unexplained) <= 1 and not any(w.isdigit() for w in unexplained):
            return True
        if record is None:
            return False
        # "QĐ 281 về đẩy mạnh phong trào học tập suốt đời ban hành ngày nào": the question describes the
        # document in words of its own, most of them the record's
        described = {w for w in words if w in known and w not in GENERIC_WORDS and w not in STOP_WORDS}
        if len(unexplained) * _DESCRIBED_SHARE <= len(described) and not any(
            w.isdigit() for w in unexplained
        ):
            return True
        linked = self._documents.linked_words(record)
        if described and unexplained and all(w in linked and not w.isdigit() for w in unexplained):
            # "CV 9961 truyền đạt ý kiến Phó Thủ tướng về bộ tiêu chí mô hình học tập": described by the
            # decision it was a basis for
            return True
        # Read as the matcher reads it ("Association for Promoting Education" is "hội khuyến học"), the
        # question may still say only what the record says.
        generic = self._generic_tokens
        left = [
            t
            for t in self._normaliser.tokens(text)
            if t not in generic
            and t not in self._record_tokens[record.id]
            and not (t.isdigit() and record.year == int(t))
        ]
        return len(left) <= 1 and not any(t.isdigit() for t in left)

    @staticmethod
    def _record_texts(record: DocumentRecord) -> list[str]:
        """The texts of a record that say what the document is."""
        keys = ("name", "about", "issuer", "signer", "basis")
        return [getattr(record, f"{k}{s}") for k in keys for s in ("", "_en")] + list(record.names)

    def _record_entry(
        self, record: DocumentRecord, fields: list[str], year_asked: bool = False
    ) -> FaqEntry | None:
        """An entry written from the record: the fields asked, in both languages, with the record's source
        (`year_asked`: see `answer_fields`)."""
        answers = {
            locale: answer_fields(self._documents, record, fields, self._texts[locale], locale, year_asked)
            for locale in ("vi", "en")
        }
        if answers["vi"] is None or answers["en"] is None:
            return None
        topic = self.kb.entry(record.entry).topic if record.entry else self.kb.topics[0].id
        spelled = self.kb.spelled
        return FaqEntry(
            id=f"doc-{record.id}-{'-'.join(fields)}"[:80],
            topic=topic,
            questions=(record.name,),
            answer=spell_out(answers["vi"].text, spelled.get("vi", {}), "vi"),
            answer_en=spell_out(answers["en"].text, spelled.get("en", {}), "en"),
            source=record.source,
            status="confirmed" if answers["vi"].confirmed else "unconfirmed",
            more=spell_out(
                card(self._documents, record, self._texts["vi"], "vi"), spelled.get("vi", {}), "vi"
            ),
            more_en=spell_out(
                card(self._documents, record, self._texts["en"], "en"), spelled.get("en", {}), "en"
            ),
        )

    def _issuer(self, issuer: str) -> tuple[str, tuple[str, ...]]:
        """An issuer's name as a question is normalised, and its tokens (kept: a few issuers)."""
        found = self._issuers.get(issuer)
        if found is None:
            normalised = self._normaliser.text(issuer)
            found = normalised, tuple(self._normaliser.tokens_of_text(normalised, self._compounds))
            self._issuers[issuer] = found
        return found

    def rank(
        self, question: str, limit: int = 5, context: focus.Context = ()
    ) -> list[tuple[FaqEntry, float]]:
        """Entries most likely meant by `question`, best first, with scores in 0..1.

        `context`: the text around the question in a long message (its story, its premise), each piece with
        the weight its words count for (see `focus`).
        """
        normalised = self._mend_before_chat(self._normaliser.text(question))
        # "tiêu chí số 10 với số 12": several numbers pick the entries that name those criteria (below); no
        # phrasing holds them all – unless a phrasing asks those very ones ("tiêu chí 7 và 8 …")
        worded = normalised
        if _criteria(normalised) not in self._phrased_criteria:
            worded = _CRITERION_NUMBERS.sub(_criteria_unnumbered, normalised)
        tokens, credit = self._correct(self._normaliser.tokens_of_text(worded, self._compounds))
        if not tokens:
            return []
        focus_weights = [1.0] * len(tokens)
        # "Theo QĐ 09/2008, TTHTCĐ phối hợp …": a document named as the frame, not as what is asked about,
        # counts for less (it still rules out entries about other documents).
        named = self._documents.references(fold(question))
        framed = {r.ref for r in named if _FRAMING.search(fold(question)[: r.start])}
        now = _NOW.search(fold(question)) is not None
        # "giờ có phải năm nào cũng đánh giá như TT44 không": asked about now, the circular compared with is
        # not what is asked about.
        compared = frozenset(r.ref for r in named if now and _COMPARED.search(fold(question)[: r.start]))
        framed -= {r.ref for r in named if r.subject}
        # "sau cải cách 2025", "từ 1/7/2025", "after the 2025 reform": when, not what, is asked there.
        for match in (*_REFORM_TIME.finditer(normalised), *_RULES_FRAME.finditer(normalised)):
            framed.update(match.group(0).split())
        # "QĐ 448 của Hội Khuyến học Việt Nam nói về …": who issued a document named says nothing more of it
        for reference in named:
            if reference.record is not None and reference.record.issuer:
                issuer, issuer_tokens = self._issuer(reference.record.issuer)
                if f" {issuer} " in f" {normalised} ":
                    framed.update(issuer_tokens)
        if any(token not in framed for token in tokens):
            for i, token in enumerate(tokens):
                if token in framed:
                    focus_weights[i] = _FRAME_WEIGHT
        asked = dict.fromkeys(tokens)
        for piece, weight in context:
            told_tokens, told_credit = self._correct(self._normaliser.tokens(piece, self._compounds))
            for token, token_credit in zip(told_tokens, told_credit, strict=True):
                # Words the knowledge base never uses are the teller's life ("volunteer", "wife"): no help;
                # nor is a repealed circular the story names, when the question asks what applies now.
                if now and token in self._repealed_refs:
                    continue
                if token not in asked and token in self._vocabulary_set:
                    tokens.append(token)
                    credit.append(token_credit)
                    focus_weights.append(weight)
                    asked[token] = None
        if not any(token in self._vocabulary_set for token in tokens):
            return []  # no word the knowledge base uses ("tin nhắn 1", "ok"): nothing can score
        told = " ".join(piece for piece, _ in context)
        # "Hồi đó huyện nhận đủ hồ sơ rồi | thì bao lâu …": back then may be told in the premise, but not in
        # the person's story ("trước đây tôi dạy học, …").
        premise = " , ".join(piece for piece, weight in context if weight >= focus.PREMISE_WEIGHT)
        past = not now and _PAST.search(fold(f"{question} , {premise}")) is not None
        types = _question_types(normalised)
        values = _asked_values(normalised, fold(question))
        criteria = _criteria(normalised)
        return self._rank(
            tokens,
            credit,
            focus_weights,
            f"{question} {told}",
            limit,
            now,
            types,
            past,
            values,
            criteria,
            _articles(normalised),
            _actor_levels(normalised),
            compared,
        )

    def _rank(
        self,
        tokens: list[str],
        credit: list[float],
        focus_weights: list[float],
        raw: str,
        limit: int,
        now: bool = False,
        types: int = 0,
        past: bool = False,
        values: int = 0,
        criteria: frozenset[int] = frozenset(),
        articles: frozenset[int] = frozenset(),
        levels: int = 0,
        compared: frozenset[str] = frozenset(),
    ) -> list[tuple[FaqEntry, float]]:
        """`rank` on the question's tokens, each with its spelling credit and focus weight; `now`: the
        question asks what applies now ("bây giờ", "năm nay", "currently"); `past`: what applied back then
        ("hồi đó", "ngày trước", "back then"); `values`: the kinds of value it asks for (`_ASKED_VALUES`);
        `criteria`: the criteria it names by number; `articles`: the articles it names by number; `levels`:
        the levels the bodies it names act at (`_actor_levels`); `compared`: the documents it compares
        with."""
        weights, credited, focused = self._query_weights(tokens, credit, focus_weights)
        # What a match must cover is the question; the story around it can only add ("…phường em…").
        total = sum(w for t, w in focused.items() if w >= weights[t])
        typed = accent_forms(raw)
        documents = [t for t in tokens if _DOCUMENT.match(t) and t not in compared]
        size = sum(1 for f in focus_weights if f == 1.0)
        # A phrasing's precision counts what the question mentions; a word only the story mentions, less.
        phrasing_best = self._score_phrasings(
            tokens, size, focused, credited, total, typed, documents, types, levels
        )
        spread = self._score_entries(focused, credited, total, typed, documents)
        coverage = self._key_coverage(tokens, [c * f for c, f in zip(credit, focus_weights, strict=True)])
        scores = [
            max(p, min(s, p + _SPREAD_LEAD)) * c
            for p, s, c in zip(phrasing_best, spread, coverage, strict=True)
        ]
        # A document the story names ("hồi làm theo TT44 …") does not make "bây giờ" a question about it.
        asked_documents = [
            t
            for t, f in zip(tokens, focus_weights, strict=True)
            if f >= _FRAME_WEIGHT and _DOCUMENT.match(t) and t not in compared
        ]
        if now and not asked_documents:
            # "hồ sơ năm nay gồm gì": what applies now, not what a repealed circular said.
            for entry in self._entries_about_repealed:
                scores[entry] *= _REPEALED_NOW_FACTOR
        if past and not asked_documents:
            # "hồi đó huyện giải quyết trong bao lâu": what the repealed circular said, not its successor.
            for entry in self._entries_about_successors | self._entries_after_reform:
                scores[entry] *= _SUCCESSOR_PAST_FACTOR
        elif not now and asked_documents and set(asked_documents) <= self._repealed_refs:
            # "ai ký quyết định công nhận theo TT44": what that circular said, not who recognises since 2025.
            for entry in self._entries_after_reform:
                scores[entry] *= _SUCCESSOR_PAST_FACTOR
        if values:
            # "Tiêu chí 5 được tối đa mấy điểm": an entry that says what criterion 5 is, but gives no points,
            # answers another question.
            for entry, held in enumerate(self._held_values):
                if not values & held:
                    scores[entry] *= _UNHELD_VALUE_FACTOR
        if criteria:
            # "Tiêu chí 3 của TT25 gồm những chỉ tiêu nào": the entry asked about criteria 1 and 2 answers
            # another question.
            for entry, named in enumerate(self._entry_criteria):
                if named and not criteria & named:
                    scores[entry] *= _UNHELD_VALUE_FACTOR
                elif named and criteria <= named:
                    # "tiêu chí thứ 8 nói về gì": the entry on criteria 7–8 before the list of all fifteen
                    scores[entry] *= _CITED_ARTICLE_FACTOR
                elif not named and not values and self.kb.entries[entry].confirmed:
                    # "tiêu chí 7 TT44 đánh giá kết quả học tập của ai": that criterion, not complaints about
                    # results
                    scores[entry] *= _UNNAMED_CRITERION_FACTOR
        if documents:
            # "NĐ 142/2025 giao cho Chủ tịch UBND xã quyền gì": an entry whose source cites that decree
            asked = set(documents)
            for entry, sources in enumerate(self._entry_sources):
                if sources & asked:
                    scores[entry] *= _CITED_DOCUMENT_FACTOR
        if articles:
            # "Điều 23 của TT25 giao trách nhiệm cho ai": the entry whose source cites that article of it.
            for entry, cited in enumerate(self._entry_articles):
                of_asked = [n for ref, n in cited if not documents or ref in documents]
                if any(n in articles for n in of_asked):
                    scores[entry] *= _CITED_ARTICLE_FACTOR
                elif of_asked:
                    # "Điều 43 NĐ 46/2017 quy định gì": the entry on its Article 42 answers another question.
                    scores[entry] *= _UNHELD_VALUE_FACTOR
        order = sorted(
            (i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], -phrasing_best[i], i)
        )
        if not order:
            return []
        # An entry far ahead of the next one is a surer match than one among several close candidates.
        top = scores[order[0]]
        runner_up = scores[order[1]] if len(order) > 1 else 0.0
        boosted = top + _MARGIN_BONUS * min(top, top - runner_up)
        # One or two common words ("học tập", "phường") say too little to answer with confidence.
        factor = min(1.0, sum(self._idf.get(t, 0.0) for t in dict.fromkeys(tokens)) / _MIN_INFORMATION)
        # Words the knowledge base never uses ("karaoke", "vắc xin") suggest a question about something else.
        unknown = sum(
            focused[t] for t in dict.fromkeys(tokens) if t not in self._vocabulary_set and not t.isdigit()
        )
        factor *= 1.0 - _UNKNOWN_PENALTY * unknown / total
        # A single topic word ("giảm" cân, "tên") is too thin to answer on.
        if len({t for t in tokens if not _DOCUMENT.match(t)}) < 2 and not documents:
            factor *= _SINGLE_WORD_FACTOR
        ranked = []
        for rank, index in enumerate(order[:limit]):
            score = boosted if rank == 0 else scores[index]
            ranked.append((self.kb.entries[index], round(min(1.0, score * factor), 4)))
        return ranked

    def _key_coverage(self, tokens: list[str], credit: list[float]) -> list[float]:
        """Per entry, a factor for how much of the question's rarest words the entry explains.

        The words that set a question apart ("khiếu nại", "minh chứng") weigh more than its common ones:
        each known word counts with its squared idf, over the entry's phrasings and (half) its answer.
        An entry that leaves the question's key words unexplained loses up to _KEY_PENALTY of its score.
        """
        size = len(self.kb.entries)
        keys = {
            t: self._idf[t] ** _KEY_POWER * c for t, c in zip(tokens, credit, strict=True) if t in self._idf
        }
        total = sum(keys.values())
        if not total:
            return [1.0] * size
        explained = [0.0] * size
        for term, weight in keys.items():
            hit = self._entry_postings.get(term)
            if hit is not None:
                for position, item in enumerate(hit.items):
                    explained[item] += weight * (1.0 if position < hit.full else _ANSWER_ONLY_CREDIT)
        return [1.0 - _KEY_PENALTY + _KEY_PENALTY * e / total for e in explained]

    def _query_weights(
        self, tokens: list[str], credit: list[float], focus_weights: list[float]
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """Per query term: its idf weight (what a phrasing's precision counts), that weight times its focus
        (what the question's coverage is out of: story words count less) and times its spelling credit too
        (what a match earns)."""
        weights: dict[str, float] = {}
        credited: dict[str, float] = {}
        focused: dict[str, float] = {}
        size = len(tokens)
        for i, term in enumerate(_terms(tokens)):
            is_bigram = i >= size
            weight = self._idf.get(term, self._unknown_idf * (_BIGRAM_FACTOR if is_bigram else 1.0))
            if is_bigram:
                share = min(credit[i - size], credit[i - size + 1])
                focus_weight = min(focus_weights[i - size], focus_weights[i - size + 1])
            else:
                share, focus_weight = credit[i], focus_weights[i]
            if term in focused and focused[term] >= weight * focus_weight:
                continue
            weights[term] = weight
            focused[term] = weight * focus_weight
            credited[term] = weight * focus_weight * share
        return weights, credited, focused

    @staticmethod
    def _accumulate(
        postings: _PostingIndex,
        weights: dict[str, float],
        credited: dict[str, float],
        typed: dict[str, str],
    ) -> tuple[dict[int, float], dict[int, float], dict[int, int]]:
        """Matched weight, credited matched weight and matched word count of every document the question
        touches."""
        matched: dict[int, float] = {}
        gained: dict[int, float] = {}
        words: dict[int, int] = {}
        for term, weight in weights.items():
            hit = postings.get(term)
            if hit is None:
                continue
            credit = credited[term]
            form = typed.get(term)
            # "dạy" typed, "đây" stored: probably another word.
            other = hit.other_accent(form) if form is not None else None
            is_word = "_" not in term
            for position, item in enumerate(hit.items):
                gain = credit if position < hit.full else credit * _ANSWER_ONLY_CREDIT
                if other and item in other:
                    gain *= _OTHER_ACCENT_CREDIT
                if item in matched:
                    matched[item] += weight
                    gained[item] += gain
                    if is_word:
                        words[item] += 1
                else:
                    matched[item] = weight
                    gained[item] = gain
                    words[item] = 1 if is_word else 0
        return matched, gained, words

    @staticmethod
    def _named(postings: _PostingIndex, documents: list[str]) -> set[int]:
        """Items (phrasings or entries) that name one of the question's circulars/decisions.

        An entry names a document when a phrasing does: nearly every answer about TT44 also says that TT25
        replaced it, which does not make it an answer about TT25.
        """
        named: set[int] = set()
        for document in documents:
            hit = postings.get(document)
            if hit is not None:
                named.update(hit.items[: hit.full])
        return named

    def _score_phrasings(
        self,
        tokens: list[str],
        size: int,
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
        types: int = 0,
        levels: int = 0,
    ) -> list[float]:
        """Best phrasing score per entry: F-measure of question coverage and phrasing coverage.

        `size`: how many words the question itself has (a long message's story not counted).
        """
        matched, gained, _ = self._accumulate(self._postings, weights, credited, typed)
        # A long question carries chat around what it asks: then a phrasing it fully contains matters more.
        beta2 = max(1.0, _BETA2 - max(0, size - _LONG_QUESTION) * _BETA2_STEP)
        fuzzy = any(t not in self._vocabulary_set for t in tokens)
        query_text = " ".join(tokens)
        conflicts = self._docs_naming_documents - self._named(self._postings, documents) if documents else ()
        best = [0.0] * len(self.kb.entries)
        for doc, weight in matched.items():
            recall = min(1.0, gained[doc] / total)
            precision = weight / self._doc_weight[doc]
            denominator = beta2 * precision + recall
            score = (1 + beta2) * precision * recall / denominator if denominator > 0 else 0.0
            if fuzzy and score >= _FUZZ_MIN_LEXICAL:
                # Words the vocabulary does not know may be typos: let character similarity help.
                similarity = fuzz.token_sort_ratio(query_text, self._doc_texts[doc]) / 100.0
                if similarity > score:
                    score += _FUZZ_WEIGHT * (similarity - score)
            if doc in conflicts:
                score *= _OTHER_DOCUMENT_FACTOR
            if types and self._doc_types[doc] and not types & self._doc_types[doc]:
                score *= _OTHER_TYPE_FACTOR  # "hồ sơ gồm gì" is not "các bước … trước khi gửi hồ sơ"
            if levels and self._doc_levels[doc] and not levels & self._doc_levels[doc]:
                score *= _OTHER_LEVEL_FACTOR
            entry = self._doc_entry[doc]
            best[entry] = max(best[entry], score)
        if documents:
            for entry in self._entries_about_other_documents(documents):
                best[entry] *= _OTHER_TOPIC_DOCUMENT_FACTOR
            named = set(documents)
            if any(names & named for names in self._entry_documents):
                # "Đơn vị học tập theo TT22 … loại tốt": an entry asked about TT22 before one asked about no
                # document at all.
                for entry, names in enumerate(self._entry_documents):
                    if not names:
                        best[entry] *= _UNNAMED_DOCUMENT_FACTOR
        return best

    def _entries_about_other_documents(self, documents: list[str]) -> list[int]:
        """Entries whose phrasings name circulars/decisions, none of them named in the question.

        "chấm điểm CĐHT theo TT44" should not land on an entry asked about as TT25's, even through one
        of its phrasings that names no document.
        """
        named = set(documents)
        return [entry for entry, names in enumerate(self._entry_documents) if names and not names & named]

    def _score_entries(
        self,
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
    ) -> list[float]:
        """Credit for a question whose words are spread over several phrasings (and the answer) of one entry.

        Words found only in the answer count half: answers are long, so chance matches are likelier.
        """
        _, gained, words = self._accumulate(self._entry_postings, weights, credited, typed)
        conflicts = (
            self._entries_naming_documents - self._named(self._entry_postings, documents) if documents else ()
        )
        spread = [0.0] * len(self.kb.entries)
        for entry, gain in gained.items():
            if words[entry] < _ENTRY_LEVEL_MIN_WORDS:
                continue
            spread[entry] = min(_ENTRY_LEVEL_CAP, _ENTRY_LEVEL_FACTOR * (gain / total) ** 2)
            if entry in conflicts:
                spread[entry] *= _OTHER_DOCUMENT_FACTOR
        return spread

    def _correct(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Fix misspelt and run-together words against the vocabulary; credit < 1 marks a guess."""
        fixed: list[str] = []
        credit: list[float] = []
        for i, token in enumerate(tokens):
            if token.isdigit() or len(token) < 2:
                words, share = [token], 1.0
            elif (paired := self._in_context(tokens, i)) is not None:
                words, share = [paired], _CONTEXT_CREDIT
            elif token in self._vocabulary_set or len(token) < 3:
                words, share = [token], 1.0
            elif (surface := self._closest_surface(token)) is not None:
                words, share = surface[0], _SURFACE_CREDIT * surface[1] / 100.0
            elif split := self._split(token):
                words, share = split, _CORRECTED_CREDIT
            elif (match := self._closest(token)) is not None:
                words, share = [match[0]], _CORRECTED_CREDIT * match[1] / 100.0
            else:
                words, share = [token], 1.0
            fixed.extend(words)
            credit.extend([share] * len(words))
        return fixed, credit

    def _mend_before_chat(self, text: str) -> str:
        """`text` with a slip mended in a word whose second syllable reads as chat ("tiu chí" → "tieu chi":
        "chí" folds like "chị", which would be dropped, leaving "tiu" nothing to be read against)."""
        words = text.split()
        for i, word in enumerate(words[:-1]):
            if words[i + 1] in CHAT_SYLLABLES and len(word) >= 3 and word not in self._vocabulary_set:
                words[i] = self._in_context(words[: i + 2], i) or word
        return " ".join(words)

    def _in_context(self, tokens: list[str], i: int) -> str | None:
        """The word a slip stands for, told by its neighbour: one letter off a word that makes a two-syllable
        word of the knowledge base's own texts with the word next to it ("cng nhan" → "cong nhan",
        "tieeu chi" → "tieu chi"). Known words are left as they are."""
        token = tokens[i]
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if not before and not after:
            return None
        if token in self._vocabulary_set:
            return None
        # A Vietnamese syllable the knowledge base does not use is usually a real word ("vàng", "xăng"): it is
        # read as a slip only into a term many entries use ("teu chi" → "tieu chi").
        syllable = language.is_vietnamese_syllable(token)
        limit = 1 if len(token) <= _CONTEXT_SHORT else 2
        best: tuple[tuple[int, float], str] | None = None
        for candidate, distance, _ in process.extract(
            token, self._vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=32
        ):
            if candidate == token or candidate.isdigit() or (syllable and candidate[0] != token[0]):
                continue
            pairs = [p for p in (f"{before} {candidate}", f"{candidate} {after}") if "  " not in f" {p} "]
            fits = [
                p
                for p in pairs
                if p in self._compounds
                and p.replace(" ", "_") in self._idf
                and (not syllable or p in self._common_pairs)
            ]
            if fits:
                rank = (distance, -max(self._idf.get(p.replace(" ", "_"), 0.0) for p in fits))
                if best is None or rank < best[0]:
                    best = (rank, candidate)
        return best[1] if best is not None else None

    def _closest(self, token: str) -> tuple[str, float] | None:
        """The known word `token` is most likely a misspelling of, with its similarity (0..100).

        Short Vietnamese syllables differ by one letter from unrelated words ("bong" / "bang"), so
        four-letter words are only corrected for swapped letters ("tiue" → "tieu").
        """
        if len(token) < _MIN_FUZZY_LEN:
            return None
        if len(token) == _MIN_FUZZY_LEN:
            for candidate, score, _ in process.extract(
                token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=70, limit=8
            ):
                if sorted(candidate) == sorted(token) or _is_dropped_letter(token, candidate):
                    return candidate, score
            return None
        match = process.extractOne(token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return (match[0], match[1]) if match is not None else None

    def _closest_surface(self, token: str) -> tuple[list[str], float] | None:
        """A misspelt abbreviation, English word or chat word ("tthtd", "vlaid", "khogn"), with what it stands
        for.

        Such words are rewritten by the normaliser before matching, so the matched vocabulary never holds
        them; a close slip is read as the word and expanded the same way (chat words to nothing).
        """
        if len(token) < _MIN_SURFACE_LEN:
            return None
        match = process.extractOne(
            token, self._surface_words, scorer=fuzz.ratio, score_cutoff=_SURFACE_SIMILARITY
        )
        # A slip rarely changes the first letter; "award" is not "ward", "mother" not "other".
        if match is None or match[0][0] != token[0]:
            return None
        vocabulary_match = self._closest(token)
        if vocabulary_match is not None and vocabulary_match[1] > match[1]:
            return None
        return self._normaliser.tokens(match[0]), match[1]

    def _split(self, token: str) -> list[str] | None:
        """'hoso' → ['ho', 'so'] when both halves are known words."""
        for cut in range(2, len(token) - 1):
            left, right = token[:cut], token[cut:]
            if left in self._vocabulary_set and right in self._vocabulary_set:
                return [left, right]
        return None


# The fields that say which document it is, asked of one a question describes instead of naming.
_IDENTITY_FIELDS = frozenset({"signed", "number", "issuer", "signer", "in_force", "basis", "about"})
# Papers a procedure produces, named besides the document asked about: who signs or dates them is not the
# document's signer or date (folded). Next to a document named, any "quyết định" is such a paper; in a
# question that describes the document instead, only the recognition decision is.
_PAPERS = "|".join(
    (
        r"giay\s+chung\s+nhan",
        r"giay\s+khen",
        r"bang\s+cong\s+nhan",
        r"to\s+trinh",
        r"bien\s+ban",
        r"certificate",
        r"recognition\s+decision",
    )
)
_OTHER_PAPER = re.compile(rf"\b(?:quyet\s+dinh|qd|{_PAPERS})\b")
_RECOGNITION_PAPER = re.compile(rf"\b(?:(?:quyet\s+dinh|qd)\s+cong\s+nhan|{_PAPERS})\b")


def _cites(folded: str, reference: Reference) -> bool:
    """Whether `folded` names `reference` as what cites the document asked about ("… làm căn cứ cho QĐ 448",
    "… mà QĐ 448 lấy làm căn cứ")."""
    return bool(_CITED_BY.search(folded[: reference.start]) or _CITING.match(folded[reference.end :]))


def _unnamed(folded: str, references: list[Reference], successor_of: Iterable[Reference] = ()) -> str:
    """`folded` without the documents it names, nor what they are to the one asked about ("… làm căn cứ cho
    QĐ 448", "… mà QĐ 448 lấy làm căn cứ", "văn bản thay …"): what is asked outside their names."""
    unnamed = folded
    for named in sorted(references, key=lambda r: -r.start):
        before = unnamed[: named.start]
        if named in successor_of:
            before = _SUCCESSOR_OF.sub(" ", before)
        after = unnamed[named.end :]
        if not named.subject:
            before = _CITED_BY.sub(" ", before)  # "… làm căn cứ cho QĐ 448": no basis asked
            after = _CITING.sub(" ", after)  # "… mà QĐ 448 lấy làm căn cứ": no basis asked either
        unnamed = f"{before} {after}"
    return unnamed


def _after_repeal(folded: str, record: DocumentRecord) -> bool:
    """Whether `folded` names a year after the one `record`'s document was repealed in (2025 for TT44)."""
    repealed = year_of(record.repealed)
    return repealed is not None and any(int(year) > repealed for year in _YEAR.findall(folded))


# A document's kind written as a word, with no number after it and not asking which one ("cái quyết định công
# bố …", "đề án", not "quyết định nào") (folded)
_NOT_NAMED = r"\b(?!\s*(?:so\s*)?\d)(?!\s+(?:nao|gi)\b)"
_KIND_WORD = re.compile(
    rf"\b(?P<qd>quyet\s+dinh|de\s+an){_NOT_NAMED}|\b(?P<tt>thong\s+tu){_NOT_NAMED}"
    rf"|\b(?P<nd>nghi\s+dinh){_NOT_NAMED}|\b(?P<cv>cong\s+van){_NOT_NAMED}|\b(?P<ct>chi\s+thi){_NOT_NAMED}"
)
_DATE_OR_NUMBER = frozenset({"signed", "number", "issuer", "signer", "in_force"})


def _describes_another_kind(unnamed: str, record: DocumentRecord | None) -> bool:
    """Whether `unnamed` (the question without its named documents) speaks of a document of one other kind
    than `record`, by its kind word alone (one pointed back to, "quyết định đó", is _points_elsewhere's)."""
    if record is None or not record.refs:
        return False
    kinds = {m.lastgroup for m in _KIND_WORD.finditer(unnamed)}
    return len(kinds) == 1 and not record.refs[0].startswith(next(iter(kinds)) or "")


def _clauses_of(pieces: Iterable[str]) -> list[str]:
    """The clauses of the pieces of a story, folded, in order."""
    return [clause for piece in pieces for clause in re.split(r"[,.;:!?]", fold(piece))]


def _points_elsewhere(folded: str, record: DocumentRecord | None) -> bool:
    """Whether `folded` points back to a document of another kind than `record` ("quyết định đó" when the
    record is a circular)."""
    pointed = pointed_kind(folded)
    if pointed is None or record is None or not record.refs:
        return False
    return not record.refs[0].startswith(pointed)


def _is_subject(folded: str, reference: Reference, abbreviations: frozenset[str] = frozenset()) -> bool:
    """Whether the question is about the document it names, not about something else named before it.

    "TT44 quy định gì", "What does Circular 44 cover": the document comes first (after question words and
    chat) or right before the verb. "UBND xã làm gì trong quy trình TT44", "What did the commune association
    do in the Circular 44 process": something else comes first; the question is about that.
    """
    before = re.findall(r"[a-z]{2,}|\d+", folded[: reference.start])  # not the "s" of "what's"
    return all(
        w in GENERIC_WORDS or w in STOP_WORDS or w in CHAT_SYLLABLES or w in abbreviations for w in before
    )


def _is_dropped_letter(token: str, candidate: str) -> bool:
    """'nhiu' is 'nhieu' with one letter left out (same first letter)."""
    if len(candidate) != len(token) + 1 or candidate[0] != token[0]:
        return False
    return any(candidate[:i] + candidate[i + 1 :] == token for i in range(1, len(candidate)))
