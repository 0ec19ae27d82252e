"""What a message is before it is matched: a question at all, and one question or two."""

from __future__ import annotations

import re

from bot.core.text import fold

_CODE_LENGTH = 6  # attendance and seminar check-in codes (bot.core.attendance.rules.CODE_LENGTH)
_NUMBER = re.compile(r"^[\s\d+().,:/-]*\d[\s\d+().,:/-]*$")
_CODE = re.compile(rf"^[A-Za-z0-9]{{{_CODE_LENGTH}}}$")
_LINK = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def is_question(text: str) -> bool:
    """Whether `text` is for the FAQ (a question, or small talk it answers) rather than something else.

    False for an empty message, a bare number or phone number ("12", "0912 345 678"), a link, and a
    check-in-code-shaped word (six letters or digits with a digit or in capitals: "KTW4KD", "A3F9QX"), so
    the chat layer can send those elsewhere (a check-in, a choice in a list).
    """
    stripped = " ".join(text.split())
    if not stripped or not _LETTER.search(stripped):
        return False
    if _NUMBER.match(stripped) or _LINK.match(stripped):
        return False
    word = stripped.strip(" .!?,")
    return not (_CODE.match(word) and (any(ch.isdigit() for ch in word) or word.isupper()))


# Where two questions meet: "…?", ";", a comma, "và" / "and" (each side must ask something: see
# question_splits).
_JOINS = re.compile(
    r"\?\s*(?=\S)|;\s*|,\s*(?:(?:va|con|and|also|plus|roi|voi lai|them nua)\s+)?|\s+(?:va|and)\s+"
)
# The words that ask, in Vietnamese (folded) and in English
_ASKING_VI = (
    r"gi|j|nao|ai|bao\s*nhieu|bn|may|khong|ko|k|hok|chua|sao|the\s+nao|ntn|khi\s+nao|dau|bao\s+lau|bao\s+gio"
    r"|ra\s+sao"
)
_ASKING_EN = r"what|whats|who|when|where|which|how|why|is|are|does|do|did|can"
_MARKER = re.compile(rf"\b(?:{_ASKING_VI}|{_ASKING_EN})\b|\?")
_MIN_WORDS = 3
# A tag after a statement ("…, đúng không", "…, phải không ạ", "…, right?") asks to confirm it: no second
# question.
TAG_QUESTION = re.compile(
    r"^(?:(?:co\s+)?(?:dung|phai|that|thiet)\s+(?:khong|ko|k|hong|hok|chua)(?:\s+(?:a|ad|vay|ha|nhi|ban))*"
    r"|(?:is\s+(?:that|it)\s+)?(?:right|correct|true)|isn\s*t\s+it)\s*\??$"
)

# "…ai ký vậy con, | ông chủ tịch phường hả?", "…theo văn bản nào, TT25 phải không": a guess at the answer to
# "who" or "which", offered to be confirmed – no second question (folded).
_ASKS_WHO_OR_WHICH = re.compile(r"\b(?:ai|nao|who|which)\b")
_GUESS = re.compile(
    r"^(?!.*\b(?:ai|gi|nao|sao|bao\s*nhieu|may|dau|khi|chua)\b)(?:\w+\s+){0,6}?"
    r"(?:ha|ho|phai\s+(?:khong|ko|k|hong|hok)|dung\s+(?:khong|ko|k|hong|hok))(?:\s+(?:a|ad|vay|con|chau|ban|em))*$"
)


def without_guess(text: str) -> str:
    """`text` without a guess at its answer after it ("…ai ký vậy con, ông chủ tịch phường hả?" → "…ai ký vậy
    con"): the guess names no more than what is asked, and read as asking it would ask who holds an office."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    cut = max(folded.rfind(","), folded.rstrip(" ?").rfind("?"))
    if cut <= 0:
        return text
    if not _ASKS_WHO_OR_WHICH.search(folded[:cut]) or not _GUESS.match(folded[cut + 1 :].strip(" ,;?")):
        return text
    return text[:cut].rstrip(" ,;") + "?"


# "cho hỏi", "nhờ tra giúp", "tell me", "please": a request, which asks as a question does (folded)
_REQUEST = re.compile(
    r"\b(?:cho\s+(?:\w+\s+)?(?:hoi|biet|xin)|muon\s+(?:hoi|biet)|xin\s+(?:hoi|cho)|tra\s+(?:giup|gium|dum)"
    r"|nho\s+(?:\w+\s+)?(?:tra|xem|coi|giup|gium|dum|chi|hoi|tim)|cho\s+(?:\w+\s+)?(?:nghe|xem|coi)"
    r"|tell|show|please|pls|plz|explain|can\s+you|could\s+you)\b"
)
# A Vietnamese question word near a clause's end ("… còn hiệu lực không", "… nộp ở đâu vậy"), an English one
# at its start; "mấy đứa nhỏ chỉ cô", "bữa nào rảnh tui hỏi tiếp" ask nothing (folded).
_ASKING_CLAUSE = re.compile(rf"\b(?:{_ASKING_VI}|hong)(?:\s+\w+){{0,2}}\s*$|^\s*(?:{_ASKING_EN})\b")


def asks(text: str) -> bool:
    """Whether `text` asks or requests anything: a question mark, a clause that ends asking, a request."""
    folded = fold(text)
    if "?" in folded or _REQUEST.search(folded):
        return True
    return any(_ASKING_CLAUSE.search(clause) for clause in re.split(r"[,.;:!\n]+", folded))


def split_questions(text: str) -> list[str]:
    """The questions in a message: two when it joins two questions ("hồ sơ gồm những gì, và nộp trước ngày
    nào"), else the message itself. Each part must ask something (a question word) and have a few words."""
    splits = question_splits(text)
    return splits[0] if splits else [text]


def question_splits(text: str, limit: int = 3) -> list[list[str]]:
    """Every way (at most `limit`, first joins first) to read the message as two questions, each a few words
    long and asking something; [] for a message that asks one question."""
    folded = fold(text)
    if len(folded) != len(text):  # offsets must carry over; fold() keeps one letter per letter
        return []
    found: list[list[str]] = []
    for match in _JOINS.finditer(folded):
        left, right = text[: match.start()], text[match.end() :]
        left_folded, right_folded = folded[: match.start()], folded[match.end() :]
        if (
            len(left.split()) >= _MIN_WORDS
            and len(right.split()) >= _MIN_WORDS - 1
            and _MARKER.search(left_folded + ("?" if match.group(0).startswith("?") else ""))
            and _MARKER.search(right_folded)
            and not TAG_QUESTION.match(right_folded.strip(" ,;?"))
        ):
            found.append([left.strip(" ,;?") + "?", right.strip(" ,;")])
            if len(found) == limit:
                break
    return found
