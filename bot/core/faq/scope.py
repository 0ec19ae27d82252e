"""What a question names that the knowledge base does not cover: another ministry ("Bộ Tài chính", "Ministry
of Health", "TT 44/2014/TT-BTC"), another law ("Luật Cán bộ, công chức", "Labour Code"), or the person who
holds an office ("Bộ trưởng Bộ GD hiện nay là ai", "ông bộ trưởng ký TT44 tên gì"): the knowledge base speaks
of offices, never of the people in them; or how a named place fared ("phường 12 năm 2019 được xếp loại gì"):
it holds the rules, never anyone's results; or a person's own data ("số điện thoại của chị chủ tịch").

Such a question is declined before any similarity: its other words ("thông tư", "quy định", "tiêu chí") are
the knowledge base's words too, and would find an entry about something else. What counts as covered is read
from the knowledge base's own texts, so an entry that starts speaking of a ministry or a law brings it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.faq.words import words

# Ministries and ministry-level bodies, folded, by the words that follow "bộ" / "ministry of" (the first
# word or two is enough to tell them apart).
_MINISTRIES_VI = (
    "giao duc",
    "tai chinh",
    "y te",
    "cong an",
    "quoc phong",
    "ngoai giao",
    "tu phap",
    "noi vu",
    "lao dong",
    "xay dung",
    "giao thong",
    "cong thuong",
    "nong nghiep",
    "tai nguyen",
    "khoa hoc",
    "thong tin",
    "van hoa",
    "ke hoach",
    "dan toc",
)
_MINISTRIES_EN = (
    "education",
    "finance",
    "health",
    "public security",
    "defence",
    "defense",
    "foreign affairs",
    "justice",
    "home affairs",
    "labour",
    "labor",
    "construction",
    "transport",
    "industry",
    "agriculture",
    "natural resources",
    "science",
    "information",
    "culture",
    "planning",
    "ethnic",
)
# The ministry's code in a document number ("44/2014/TT-BTC"), folded.
_CODES = (
    "bgddt",
    "btc",
    "byt",
    "bca",
    "bqp",
    "bng",
    "btp",
    "bnv",
    "bldtbxh",
    "bxd",
    "bgtvt",
    "bct",
    "bnnptnt",
    "bnnmt",
    "btnmt",
    "bkhcn",
    "btttt",
    "bvhttdl",
    "bkhdt",
)
_MINISTRY = re.compile(
    r"\bbo\s+(?:truong\s+bo\s+)?(?P<vi>" + "|".join(_MINISTRIES_VI) + r")\b"
    r"|\bministry\s+of\s+(?P<en>" + "|".join(_MINISTRIES_EN) + r")\b"
    r"|\b(?P<en2>" + "|".join(_MINISTRIES_EN) + r")\s+ministry\b"
    r"|[/-]\s*(?:tt|qd|ct|cv)?\s*-?\s*(?P<code>" + "|".join(_CODES) + r")\b"
)
# "Luật Giáo dục", "bộ luật Lao động", "the Labour Code", "Law on Cadres": the law's name is the word after.
_LAW_VI = re.compile(r"\bluat\s+(?P<name>[a-z]+)")
_LAW_EN = re.compile(r"\blaw\s+on\s+(?:the\s+)?(?P<after>[a-z]+)|\b(?P<before>[a-z]+)\s+(?:law|code)\b")
# Words after "luật" / around "law" that do not name a law ("theo luật thì", "which law", "the law").
_NOT_A_NAME = words(
    """
    thi la co khong ko gi nao so ve nay do dinh quy moi cu hien hanh the which what this that a an of by
    under new old current any its our your their relevant applicable same procedure admin administrative
    postal zip area access qr xep bao noi ghi cho bat yeu chia phan duoc j ji k
    """
)


# Offices whose holder is a public figure, and offices that hold no one in particular until "now" or "ông/bà"
# says a person is meant ("chủ tịch UBND huyện là ai" asks who decides, "chủ tịch hội hiện nay là ai" a name).
_HIGH_OFFICE = (
    r"bo\s+truong|thu\s+truong|thu\s+tuong|chu\s+tich\s+nuoc|tong\s+bi\s+thu|bi\s+thu|minister|prime\s+minister"
    r"|general\s+secretary"
)
_OFFICE = rf"{_HIGH_OFFICE}|chu\s+tich|giam\s+doc\s+so|chair(?:man|woman|person)?|president|director"
# A person's name asked: "tên là gì", "họ tên", "Bộ trưởng nào ký …", "which minister signed" (not the office)
_WHAT_NAME = r"\bten\s+(?:day\s+du\s+)?(?:la\s+)?gi\b"  # "tên gì", "tên đầy đủ là gì"
_NAME = (
    rf"{_WHAT_NAME}|\bten\s+la\b|\bho\s+ten\b|\bname\b"
    rf"|\b(?:{_HIGH_OFFICE})\s+nao\b|\bwhich\s+(?:minister|deputy\s+minister)\b"
)
_IDENTITY = rf"\bla\s+ai\b|\bai\s+(?:dang\s+|hien\s+)?(?:la|giu|lam)\b|\bwho\s+(?:is|s)\b|{_NAME}"
_NOW_OR_PERSON = (
    r"\b(?:hien\s+nay|hien\s+tai|hien\s+gio|duong\s+nhiem|bay\s+gio|current|currently|now|ong|ba)\b"
    r"|\bai\s+(?:dang|hien)\b"  # "ai đang làm chủ tịch …"
)
_HIGH = re.compile(rf"\b(?:{_HIGH_OFFICE})\b")
_SIGNER_ASKED = re.compile(r"\bnguoi\s+k[iy]\b")
_NAME_ASKED = re.compile(_NAME)
_ANY_OFFICE = re.compile(rf"\b(?:{_OFFICE})\b")
_IDENTITY_ASKED = re.compile(_IDENTITY)
_PERSON_MEANT = re.compile(_NOW_OR_PERSON)


# The name of a thing asked: "đề án đó tên gì", "thủ tục có tên đầy đủ là gì" – a title, not a person's name
_THING_NAMED = re.compile(
    r"\b(?:de\s+an|van\s+ban|quyet\s+dinh|thong\s+tu|nghi\s+dinh|chuong\s+trinh|thu\s+tuc|danh\s+hieu|luat"
    rf"|cong\s+van|chi\s+thi|bo\s+tieu\s+chi)(?:\s+(?:do|nay|ay|kia))?\s+(?:co\s+)?{_WHAT_NAME}"
)


def asks_office_holder(folded: str) -> bool:
    """Whether the question asks who holds an office (a name), not what the office does; "người ký TT25 là
    ai, bộ trưởng hay thứ trưởng" asks which office signed; "đề án đó tên gì" asks a title."""
    folded = _THING_NAMED.sub(" ", folded)
    if not _IDENTITY_ASKED.search(folded) or not _ANY_OFFICE.search(folded):
        return False
    if _SIGNER_ASKED.search(folded) and not _NAME_ASKED.search(folded):
        return False
    return bool(_HIGH.search(folded) or _PERSON_MEANT.search(folded))


# A named place: "phường 12", "Quận 10", "Hà Nội", "tỉnh Lai Châu" (folded).
_PLACE = re.compile(
    r"\b(?:phuong|quan|xa|huyen|tinh|thi\s+tran)\s+\d+\b"
    r"|\b(?:ha\s+noi|da\s+nang|hai\s+phong|can\s+tho|hue|tp\.?\s?hcm|sai\s+gon|thanh\s+pho\s+ho\s+chi\s+minh)\b"
    r"|\b(?:tinh|huyen|thanh\s+pho|tp)\s+[a-z]+"
)
# How a place fared: "có được công nhận … không", "xếp loại … loại gì", "bao nhiêu xã … đạt".
_RESULT_ASKED = re.compile(
    r"\b(?:co\s+)?(?:duoc|dat)\s+(?:cong\s+nhan|xep\s+loai)\b[^,.;?!]{0,40}?"
    r"\b(?:khong|chua|ko|k|hong|hok|hem)\s*(?:vay|ta|a|ha|nhi|nhe|nha|ban|bot|ad)?\s*[?.!]?\s*$"
    r"|\bxep\s+loai\b[^,.;?!]{0,40}?\b(?:loai|muc)\s+(?:gi|nao|may)\b"
    r"|\b(?:dat|duoc)\s+(?:loai|muc(?:\s+do)?)\s+(?:gi|nao|may)\b"
    r"|\b(?:bao\s+nhieu|may)\s+(?:xa|phuong|thi\s+tran|don\s+vi|gia\s+dinh|dong\s+ho)\b[^?]{0,40}"
    r"\b(?:dat|duoc\s+cong\s+nhan|duoc\s+xep\s+loai)\b"
)
# What makes such a sentence a question about the rules ("phường 12 muốn được công nhận thì cần gì").
_RULES_ASKED = re.compile(
    r"\b(?:muon|neu|can|phai|lam\s+sao|the\s+nao|bao\s+lau|khi\s+nao|dieu\s+kien|tieu\s+chi|ho\s+so"
    r"|muc\s+tieu|chi\s+tieu|phan\s+dau|theo)\b"
)


def asks_local_result(folded: str) -> bool:
    """Whether a sentence of the question asks how a named place fared ("năm 2019 phường 12 được xếp loại
    gì", "Hà Nội có bao nhiêu xã đạt mức độ 2"): the knowledge base holds the rules, not anyone's results."""
    return any(
        _PLACE.search(sentence) and _RESULT_ASKED.search(sentence) and not _RULES_ASKED.search(sentence)
        for sentence in re.split(r"(?<=[?.!])\s+", folded)
    )


# A person's own data: "địa chỉ nhà chị chủ tịch", "số điện thoại của …", "nhà ông Ba ở đâu", "home address",
# "phone number" (folded): the knowledge base holds no one's.
_PERSONAL = re.compile(
    r"\b(?:dia\s+chi\s+(?:nha|rieng|email|nha\s+rieng)|so\s+(?:dien\s+thoai|dt|phone|zalo)|sdt|email\s+cua"
    r"|zalo\s+cua|facebook\s+cua|cccd|cmnd|can\s+cuoc|ngay\s+sinh"
    r"|home\s+address|phone\s+number|mobile\s+number|email\s+address|date\s+of\s+birth)\b"
    r"|\bnha\s+(?:ong|ba|anh|chi|co|chu|bac)\s+\w+(?:\s+\w+)?\s+o\s+dau\b"
)


def asks_personal_data(folded: str) -> bool:
    """Whether the question (folded) asks for a person's own data: an address, a phone number, an email."""
    return _PERSONAL.search(folded) is not None


# The learning-society terms the knowledge base is about, folded, with their abbreviations and English names.
_SUBJECT = re.compile(
    r"\b(?:cdht|cong\s+dong\s+hoc\s+tap|tthtcd|trung\s+tam\s+hoc\s+tap\s+cong\s+dong|xhht|xa\s+hoi\s+hoc\s+tap"
    r"|gdht|gia\s+dinh\s+hoc\s+tap|dhht|dong\s+ho\s+hoc\s+tap|dvht|don\s+vi\s+hoc\s+tap"
    r"|learning\s+(?:communit|famil|clan|unit|societ)\w*|community\s+learning)\b"
)


def names_subject(folded: str) -> bool:
    """Whether the question (folded) names a learning-society term: a community of learning, a community
    learning centre, a learning family, clan or unit, the learning society."""
    return _SUBJECT.search(folded) is not None


def _ministries(folded: str) -> set[str]:
    found: set[str] = set()
    for match in _MINISTRY.finditer(folded):
        if match.group("vi"):
            found.add(match.group("vi"))
        elif match.group("en") or match.group("en2"):
            found.add("en:" + (match.group("en") or match.group("en2")))
        else:
            found.add("code:" + match.group("code"))
    return found


def _laws(folded: str) -> set[str]:
    found = {m.group("name") for m in _LAW_VI.finditer(folded) if m.group("name") not in _NOT_A_NAME}
    for match in _LAW_EN.finditer(folded):
        name = match.group("after") or match.group("before")
        if name not in _NOT_A_NAME:
            found.add("en:" + name)
    return found


class Scope:
    """The ministries and laws the knowledge base's texts speak of."""

    def __init__(self, folded_texts: Iterable[str]) -> None:
        ministries: set[str] = set()
        laws: set[str] = set()
        for text in folded_texts:
            ministries |= _ministries(text)
            laws |= _laws(text)
        self._ministries = frozenset(ministries)
        self._laws = frozenset(laws)

    def foreign(self, folded: str) -> bool:
        """Whether the question (folded) names a ministry or a law the knowledge base never speaks of, asks
        who holds an office, how a named place fared or a person's own data."""
        return bool(
            _ministries(folded) - self._ministries
            or _laws(folded) - self._laws
            or asks_office_holder(folded)
            or asks_local_result(folded)
            or asks_personal_data(folded)
        )
