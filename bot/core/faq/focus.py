"""Where a long message asks its question: the story around it counts for less.

Cadres often tell their situation first and ask at the end ("em mới nhận việc ở phường, chị trước nghỉ rồi,
cho em hỏi hồ sơ gồm gì"), or ask first and explain after ("…, em cần gấp để báo cáo sếp"). Every word of
such a message counted alike dilutes the question with the story. A message is cut into clauses (sentences,
commas, the openers that turn to the question: "cho em hỏi", "vậy", "không biết", "could you tell me", and
the end of a premise: "… rồi | thì …"). A clause *asks* when it carries a question marker ("gì", "ai",
"bao nhiêu", a clause-final "không", "?", "what", "how many"…) or follows an opener.

- The question: the asking clauses and those that only frame them ("Theo Thông tư 44, …").
- The story: clauses that speak of the person or the past ("phường em năm ngoái…", "I'm a volunteer…"), and
  everything told before an opener; kept as context at STORY_WEIGHT (a story still says "phường", "hồ sơ").
- A premise ("phường em được công nhận rồi | thì …") counts more: PREMISE_WEIGHT. So does the story when the
  question points back into it ("tập huấn đó vào ngày nào", "when did it take effect").

Short messages (≤ LONG_MESSAGE words) are never split: they are the question.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from bot.core.faq.messages import TAG_QUESTION
from bot.core.faq.smalltalk import is_chatter
from bot.core.text import fold

LONG_MESSAGE = 12
"""Typed words; a longer message is read for where it asks."""
STORY_WEIGHT = 0.1
"""A word of the story a long message tells, against a word of its question."""
PREMISE_WEIGHT = 0.5
"""A word of the premise a question starts from ("phường em được công nhận rồi | thì năm nay …")."""

_BARE_QUESTION = LONG_MESSAGE
"""Typed words of a question that, like a short message, is too bare to be read without the story around it
("…gửi báo cáo sơ kết về Bộ…, hạn gửi là trước ngày nào"): its story then counts as a premise."""

Context = tuple[tuple[str, float], ...]
"""Text around a question, each piece with the weight its words count for."""

# Openers after which the message asks (folded). "cho hỏi" alone is also "cho Hội" (khuyến học), "cho hội
# viên / hội đồng / hội nghị": it needs a person between, or no such word after it.
_PERSON = r"(?:e|em|toi|minh|chau|con|chu|co|bac|anh|chi|tui|tao|ad|t)"
_OPENER = re.compile(
    r"\b(?:"
    rf"cho\s+(?:{_PERSON}\s+)?hoi(?:\s+(?:chut|ti|xiu|nhanh|ngu|thu|them|lai|la|luon))*(?!\s+(?:khuyen|vien|dong|nghi|thao|truong|phi))"
    rf"|(?:{_PERSON}\s+)?(?:muon|xin|can)\s+(?:hoi|biet)"
    r"|hoi\s+(?:ngu|nhanh|chut|ti|xiu|thu|them)(?:\s+(?:chut|ti|xiu|nha|nhe|ad))*"
    # "tụi nó hỏi …", "người ta hỏi là …": a question someone else asked, passed on
    r"|(?:tui\s+no|chung\s+no|bon\s+no|nguoi\s+ta|may\s+ban(?:\s+tre)?|may\s+dua(?:\s+nho)?)\s+(?:co\s+)?hoi"
    r"(?:\s+(?:tui|toi|em|minh|chau|con))?(?:\s+(?:la|rang))?(?!\s+(?:thi|roi|hoai|mai|di|lai|han|nua))"
    # A request instead of a question: "nhờ bot cho tôi ngày ban hành …", "bot tra giúp em …", "cho tôi xin".
    rf"|(?:nho\s+(?:bot\s+|ad\s+|admin\s+)?|(?:bot|ad|admin)\s+)(?:cho|gui|tra|tim|ghi)(?:\s+(?:giup|dum|gium|ho))?"
    rf"\s+{_PERSON}(?:\s+(?:xin|biet))?"
    rf"|(?:cho|gui)\s+{_PERSON}\s+xin|xin\s+(?:cho|gui)\s+{_PERSON}\b(?!\s+(?:hoi|biet))"
    # "nhờ mọi người cho biết", "xin cho biết", "cho tôi biết", "please let me know": a request to be told
    rf"|(?:(?:nho|xin)\s+(?:(?:moi\s+nguoi|cac\s+ban|ban|bot|ad|admin|cac\s+anh\s+chi|{_PERSON})\s+)?)?cho\s+"
    rf"(?:{_PERSON}\s+)?biet"
    r"|please\s+let\s+me\s+know"
    r"|khong\s+biet(?!\s+(?:chu|doc|lam|dung))"
    r"|(?:could|can|would)\s+you\s+(?:please\s+)?(?:tell|let|explain|help)(?:\s+me)?"
    r"|i\s+(?:would\s+like|want|wanted|need|d\s+like)\s+to\s+(?:know|ask|check)"
    r"|(?:my|the|a|one|quick)\s+question\s+is|quick\s+(?:question|one)|do\s+you\s+know|please\s+tell\s+me"
    r")\b"
)
# Openers that only turn to the question at the start of a clause ("…, vậy giờ còn …"): at its end "vậy" is
# a particle ("… mấy mức vậy chị").
_LEADING_OPENER = re.compile(
    r"^\s*(?:vay\s+(?:thi|cho|ad|nen|con)|vay|the\s+thi|rot\s+cuoc|tom\s+lai|nhu\s+vay)\b"
)
# Sentence and clause ends; a full stop only before a space ("TP.HCM", "1.005097" stay whole).
_SENTENCE_END = re.compile(r"[!?;\n.]")
# A period ends a clause, not one after the letter of "xã/p." (phường).
_CLAUSE_END = re.compile(r"[!?;:\n]+|(?<!/[pPqQxX])\.+(?=\s|$)|,|\s[-–]\s")
# Question markers (folded). A clause-final "không/chưa" asks ("… được không"); inside a story it negates
# ("không ai chỉ"), so it only counts at the end of a clause.
_MARKER = re.compile(
    r"\b(?:gi|j|nao(?!\s+cung)|ai(?!\s+cung)|bao\s+nhieu|bn|bao\s+lau|bao\s+gio|khi\s+nao|the\s+nao|ntn|"
    r"ra\s+sao|o\s+dau|di\s+dau|dau\s+(?:a|ad|vay|nhi|ha)|sao|phai\s+khong|co\s+phai|hay\s+khong|hay\s+chua"
    # "điều mấy", "ngày mấy", "số mấy": "mấy" after what it counts asks which one
    r"|(?:dieu|tieu\s+chi|ngay|thang|so|buoc|muc|lop|khoan|bac|cap|loai)\s+may)\b"
)
# "mấy năm", "mấy người": a question, or "a few years" in a story; it counts only where no clause asks
# plainly.
_WEAK_MARKER = re.compile(r"\bmay\s+(?:ngay|nam|thang|muc|buoc|tieu|bo|lan|nguoi|cap|loai|phan|diem|dieu)\b")
_FINAL_NEGATION = re.compile(
    r"\b(?:khong|ko|k|hok|hong|chua|hem|nua\s+khong|duoc\s+khong|dau)"
    r"(?:\s+(?:a|ah|ak|ad|vay|nhi|ha|nhe|nha|ta|chi|anh|em|ban|admin|oi|chu|bac|co|vay\s+a|a\s+ad|ad\s+oi|ban\s+oi))*\s*$"
)
# "trang đầu", "lúc đầu", "đóng dấu", "thi đậu": a last word folded to "dau" that, as written, is not "đâu"
# (where).
_NOT_WHERE = re.compile(r"\b(?:đầu|dầu|dấu|đấu|đậu|đẩu|dâu)(?:\W+\w+){0,3}\W*$", re.IGNORECASE)
_NOT_ASKING = re.compile(
    r"\b(?:(?:khong|chang|cha|chua)\s+(?:co\s+)?(?:ai|gi|j)|chua\s+(?:\w+\s+){0,3}bao\s+gio|"
    r"khong\s+biet\s+(?:chu|doc))\b"
)
_ENGLISH_ASKING = re.compile(
    r"^(?:what|whats|who|whom|whose|when|where|which|how|why|is|are|was|were|does|did|could|should|"
    r"would|must|has)\b"
    # "do", "can", "may", "will", "have", "had" fold like Vietnamese syllables ("Mấy cháu …", "Do phường …",
    # "Cần …"): English only before who or what they ask about
    r"|^(?:do|can|may|will|have|had)\s+(?:i|we|you|they|he|she|it|the|a|an|this|that|these|those|our|my|your"
    r"|there|someone|anyone|people|communes?|wards?|districts?)\b"
)
# English questions asked inside a sentence: "she wants to know how many criteria …", "tell me which …".
_ENGLISH_HOW = re.compile(r"\bhow\s+(?:many|much|long|often|do|does|did|can|to)\b")
# "… and I'd like to know whether …": asks, but only weakly beside a question put plainly ("Is TT44 still in
# force? … I'd like to know whether we should still use it" restates it in a story)
_ENGLISH_INDIRECT = re.compile(
    r"\b(?:know|tell\s+(?:me|us)|ask|asking|wonder|wondering|explain|check|sure|clear|understand|find\s+out)"
    r"\s+(?:\w+\s+)?(?:what|which|who|whom|when|where|whether|if|why|how)\b"
)
# Words that make a clause part of a story rather than of the question: the person speaking or spoken to, time
# in the past, greetings and thanks ("phường em năm ngoái…", "hồi đó tụi tôi…", "I'm a volunteer…").
_NARRATIVE = re.compile(
    r"\b(?:em|e|toi|tui|tao|minh(?!\s+chung)|chau|chu|bac|anh|ad|admin|roi|da|vua|nghe|hom\s+qua|nam\s+ngoai|"
    r"(?:hom|tuan|thang|lan|dot)\s+(?:truoc|kia|roi)|"
    r"hoi\s+(?:truoc|do|xua)|ngay\s+xua|lau\s+roi|chao|cam\s+on|kinh\s+gui|thua|sep|"
    r"i|im|my|we|our|me|us|hello|hi|hey|dear|thanks?|cheers)\b"
)
# A clause in which the person introduces themselves ("em là cán bộ …", "tôi năm nay 68 tuổi", "I'm a
# volunteer"): the story, never what a question points back at.
_INTRODUCTION = re.compile(
    rf"^(?:(?:da|thua|xin\s+chao|chao\s+\w+)\s+)?{_PERSON}\s+(?:la|lam|dang|moi|nam\s+nay|o|hien|vua|tu|\d+\s+tuoi)\b"
    r"|^(?:i\s+am|im|my\s+name)\b"
)
_CALLED = re.compile(r"\w+\s+oi\s+")  # "cô ơi …": the person called before the clause (folded)
# Where a premise ends and its question begins: "… rồi thì …", "… xong thì …" (folded; cut before "thì").
_PREMISE_END = re.compile(r"(?<=\broi)\s+(?=thi\b)|(?<=\bxong)\s+(?=thi\b)")
# Words pointing back at something told before (typed with their marks: unaccented "do", "nay" are other
# words).
_ANAPHOR = re.compile(r"(?<!\w)(?:đó|này|ấy|nó|kia|it|this|that|these|those|they|them)(?!\w)")
_WORD = re.compile(r"\w+")
# A year or a numbered document in a clause (folded).
_ANCHOR = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:tt|qd|nd|thong\s+tu|quyet\s+dinh|nghi\s+dinh|circular|decision)\s*\d"
    r"|\b(?:thong\s+tu|quy\s+dinh|van\s+ban)\s+moi\b"  # "giờ đổi qua thông tư mới": the one in force
)


# A clause that states what the person needs, lacks or forgot (folded): in a message that asks nowhere, the
# question ("tôi cần ghi số hiệu", "còn thiếu công văn …", "mà quên mất tên").
_NEED = re.compile(
    r"\b(?:can\s+(?:ghi|biet|tim|nam|xem|so|ngay|ten)|chua\s+(?:co|ro|biet|nam)|quen\s+mat|khong\s+nho|con\s+thieu"
    r"|muon\s+(?:biet|nam|hoi)|i\s+need|need\s+to\s+know|forgot|missing)\b"
)


class Clause(NamedTuple):
    """A piece of a message and whether it asks (plainly, or only by a weak marker such as "mấy năm").

    A clause that does not ask is part of the story when it speaks of the person or the past (`story`), else
    it frames the question ("Theo Thông tư 44, …", "Mục đích của việc đánh giá, xếp loại …"). A `premise`
    ends where its question begins ("… rồi | thì …").
    """

    text: str
    asks: bool
    weak: bool = False
    premise: bool = False
    before_opener: bool = False  # told before "cho em hỏi", "could you tell me": the story, whatever it says
    sentence: int = 0  # which sentence of the message it is in

    @property
    def story(self) -> bool:
        return (
            not self.asks
            and not self.premise
            and (
                self.before_opener
                or _NARRATIVE.search(" ".join(_WORD.findall(fold(self.text)))) is not None
                # "cô ơi con là cán bộ văn hóa phường": "con", "cô" are other words too, not narrative alone
                or _introduces_when_called(self.text)
            )
        )


def clauses(raw: str) -> list[Clause]:
    """The message cut into clauses, each marked asking or not (see the module docstring)."""
    text = unicodedata.normalize("NFC", raw)
    pieces: list[tuple[str, bool, int]] = []  # (text, ends with "?", sentence)
    last = 0
    sentence = 0
    for match in _CLAUSE_END.finditer(text):
        pieces.append((text[last : match.start()], "?" in match.group(0), sentence))
        last = match.end()
        sentence += _SENTENCE_END.search(match.group(0)) is not None
    pieces.append((text[last:], False, sentence))
    found: list[Clause] = []
    parts = [(*part, number) for text_piece, mark, number in pieces for part in _premises(text_piece, mark)]
    for piece, question_mark, premise, number in parts:
        folded = fold(piece)
        if not _WORD.search(folded):
            continue
        if len(folded) == len(piece.strip()):
            # The last opener turns to the question ("…, cho em hỏi …").
            openers = list(_OPENER.finditer(folded))
            opener = openers[-1] if openers else _LEADING_OPENER.match(folded)
            if opener is not None:
                start = len(piece) - len(piece.lstrip())
                before, after = piece[: start + opener.start()], piece[start + opener.end() :]
                if _WORD.search(fold(before)):
                    found.append(Clause(before, *_asks(fold(before), False, before), sentence=number))
                if _WORD.search(fold(after)):
                    # What came before the turn to the question is its story.
                    found = [c._replace(before_opener=True) for c in found]
                    found.append(Clause(after, True, premise=premise, sentence=number))
                continue
        if premise:
            found.append(Clause(piece, False, premise=True, sentence=number))
        else:
            found.append(Clause(piece, *_asks(folded, question_mark, piece), sentence=number))
    # "…, đúng không": a tag asks to confirm the clause before it; that clause is the question.
    for n in range(len(found) - 1, 0, -1):
        if TAG_QUESTION.match(" ".join(_WORD.findall(fold(found[n].text)))):
            stated = found[n - 1]
            found[n - 1 : n + 1] = [
                stated._replace(text=f"{stated.text}, {found[n].text}", asks=True, weak=False)
            ]
    if any(c.asks and not c.weak for c in found):
        found = [Clause(c.text, False, sentence=c.sentence) if c.weak else c for c in found]
    # A clause that neither asks nor tells of the person, in a sentence where nothing asks ("Năm rồi người
    # nói TT44 người nói thông tư mới. Giờ còn xài TT44 không?"), is what the question starts from: a premise.
    asking = {c.sentence for c in found if c.asks}
    if asking:
        found = [
            c._replace(premise=True) if not c.asks and not c.story and c.sentence not in asking else c
            for c in found
        ]
    return found


def points_back(text: str) -> bool:
    """Whether `text` points back at something said before ("sửa đổi nó", "tập huấn đó", "when did it …")."""
    return _ANAPHOR.search(unicodedata.normalize("NFC", text).lower()) is not None


def _premises(piece: str, question_mark: bool) -> list[tuple[str, bool, bool]]:
    """A clause cut after its premise ("TT44 hết hiệu lực rồi | thì …", "xã em được công nhận rồi | thì …").

    Each part: (text, ends with "?", is a premise).
    """
    folded = fold(piece)
    if len(folded) != len(piece.strip()):
        return [(piece, question_mark, False)]
    start = len(piece) - len(piece.lstrip())
    cuts = [start + m.start() for m in _PREMISE_END.finditer(folded)]
    if not cuts:
        return [(piece, question_mark, False)]
    ends = [*cuts, len(piece)]
    begins = [0, *cuts]
    return [
        (piece[b:e], question_mark and e == len(piece), e != len(piece))
        for b, e in zip(begins, ends, strict=True)
    ]


def _anchors_story(clause: Clause) -> bool:
    """Whether a story clause (not the person's introduction) names a year or a document."""
    return clause.story and not _introduces(clause.text) and _ANCHOR.search(fold(clause.text)) is not None


def _introduces_when_called(text: str) -> bool:
    """Whether a clause calls someone, then introduces the person ("cô ơi con là cán bộ …")."""
    spoken = " ".join(_WORD.findall(fold(text)))
    called = _CALLED.match(spoken)
    return called is not None and _introduces(spoken[called.end() :])


def _introduces(text: str) -> bool:
    """Whether a clause is the person introducing themselves ("em là cán bộ văn hóa phường …")."""
    return _INTRODUCTION.search(" ".join(_WORD.findall(fold(text)))) is not None


def _asks(folded: str, question_mark: bool, raw: str = "") -> tuple[bool, bool]:
    """(asks, only weakly) for one clause; `raw`: the clause as written, to tell "đâu" from "đầu"."""
    if question_mark:
        return True, False
    words = " ".join(_WORD.findall(folded))
    if _ENGLISH_ASKING.match(words) or _ENGLISH_HOW.search(words):
        return True, False
    if _ENGLISH_INDIRECT.search(words):
        return True, True
    spoken = _NOT_ASKING.sub(" ", words)
    final = _FINAL_NEGATION.search(spoken)
    if final is not None and final.group(0).startswith("dau") and _NOT_WHERE.search(raw):
        final = None  # "… bị rách mất trang đầu": the first page, not "where"
    if _MARKER.search(spoken) or final is not None:
        return True, False
    if _WEAK_MARKER.search(spoken):
        return True, True
    return False, False


# A clause telling what the person will do with the answer (folded): "…, tui ghi vô sổ", "…, để tui coi phường
# mình tới đâu", "…, tui cần ghi vô báo cáo", "…, to put in my report".
_PURPOSE = re.compile(
    rf"^(?:de\s+)?(?:{_PERSON}\s+)?(?:can\s+|muon\s+|se\s+|con\s+)?"
    r"(?:ghi|chep|dien|viet|bao\s+cao|coi|xem|noi|ke|day|tra\s+loi|in|dem|mang|so\s+sanh|doi\s+chieu)\b"
    r"|^(?:to|so\s+i\s+can)\s+(?:put|write|note|add|tell|check|report)\b"
)


# "… nói về chuyện gì để tôi ghi biên bản cho đúng": the purpose told without a mark before it (folded)
_PURPOSE_UNMARKED = re.compile(
    rf"\s(?=de\s+{_PERSON}\s+(?:con\s+|can\s+|se\s+)?(?:ghi|chep|dien|viet|bao\s+cao)\b)"
)


def without_purpose(text: str) -> str:
    """`text` without a last clause that tells what the person will do with the answer ("tt25 ra ngày nào,
    tui ghi vô sổ"), when what is left asks and the clause asks nothing and names no year or document."""
    cut = max(text.rfind(","), text.rfind(". "))
    folded = fold(text)
    unmarked = list(_PURPOSE_UNMARKED.finditer(folded)) if len(folded) == len(text) else []
    marked = not (unmarked and unmarked[-1].start() > cut)
    if not marked:
        cut = unmarked[-1].start()  # the sentence's "?" is the question's, not the purpose's
    if cut <= 0:
        return text
    last, rest = fold(text[cut + 1 :]).strip(" .!"), text[:cut]
    words = " ".join(_WORD.findall(last))
    if not _PURPOSE.match(words) or _asks(words, marked and "?" in last)[0] or _ANCHOR.search(words):
        return text
    return rest if any(c.asks for c in clauses(rest)) else text


def split(raw: str) -> tuple[str, Context] | None:
    """(question, context) of a long message that asks in some clauses and tells a story in others, else None.

    The question is the asking clauses and those that frame them, in order. The context is the story (the
    clauses that speak of the person or the past) at STORY_WEIGHT and the premises at PREMISE_WEIGHT. None
    for a short message, one that asks nowhere (nothing to tell apart) or has nothing around its question.
    """
    if len(raw.split()) <= LONG_MESSAGE:
        return None
    # Greetings, thanks, apologies and requests to help ("nhờ bot xem giúp") say nothing about the question.
    found = [c for c in clauses(raw) if not is_chatter(c.text)]
    # A story clause that names a year or a document ("tui đọc báo thấy mục tiêu đến 2025 …") tells what
    # the question is about: a premise.
    found = [c._replace(premise=True) if _anchors_story(c) else c for c in found]
    if not any(c.asks for c in found):
        # "… Tôi cần ghi số hiệu và ngày ký vào báo cáo. Nhờ bot cho biết.": what the person says they need,
        # lack or forgot is what they ask.
        found = [
            c._replace(asks=True, premise=False, before_opener=False) if _NEED.search(fold(c.text)) else c
            for c in found
        ]
        if not any(c.asks for c in found):
            return None
    question = [c.text.strip(" ,") for c in found if not c.story and not c.premise]
    introduction = ", ".join(c.text.strip(" ,") for c in found if c.story and _introduces(c.text))
    story = ", ".join(c.text.strip(" ,") for c in found if c.story and not _introduces(c.text))
    premise = ", ".join(c.text.strip(" ,") for c in found if c.premise)
    # "tập huấn đó vào ngày nào", "when did it take effect": the question points back into its story.
    asked = " ".join(question)
    told = PREMISE_WEIGHT if points_back(asked) or len(asked.split()) <= _BARE_QUESTION else STORY_WEIGHT
    if told == STORY_WEIGHT:
        story = ", ".join(c.text.strip(" ,") for c in found if c.story)
        introduction = ""
    context = tuple(
        (text, weight)
        for text, weight in ((story, told), (introduction, STORY_WEIGHT), (premise, PREMISE_WEIGHT))
        if text
    )
    if not context or not question:
        return None
    return ", ".join(question), context
