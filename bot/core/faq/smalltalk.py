"""Small talk: greetings, thanks, "who are you", help and goodbyes get a friendly answer, not the FAQ decline.

A message is small talk only when small-talk phrases and chat words are all it says: "chào ad, TT44 còn hiệu
lực không" is a question (the greeting is dropped before matching).
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.faq.model import SmallTalk
from bot.core.faq.words import words
from bot.core.text import fold

# Folded phrases, longest first within each kind; the first kind that matches wins.
_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "who",
        (
            "ai lam ra",
            "ai tao ra",
            "co phai nguoi",
            "phai nguoi khong",
            "what s your name",
            "who made this",
            "who built this",
            "who created this",
            "ban la ai",
            "bot la ai",
            "em la ai",
            "may la ai",
            "ai day",
            "ai vay",
            "day la ai",
            "la ai vay",
            "ban ten gi",
            "bot ten gi",
            "ten gi",
            "ban la gi",
            "bot la gi",
            "la bot gi",
            "who are you",
            "what are you",
            "who is this",
            "what is this bot",
            "whats your name",
            "what is your name",
            "your name",
            "are you a bot",
            "are you human",
            "who am i talking to",
            "who am i talking with",
            "who is there",
            "co ai khong",
            "co ai do khong",
            "co do khong",
            "con do khong",
            "co o do khong",
            "con o do khong",
            "dang o do khong",
            "are you there",
            "nghe ro khong",
            "nghe khong",
            "can you hear me",
            "anyone there",
            "is anyone there",
            "ban la nguoi hay may",
            "nguoi hay may",
            "nguoi that hay may",
            "nguoi hay bot",
            "nguoi that hay bot",
            "may hay nguoi",
            "bot hay nguoi",
            "co phai nguoi that khong",
            "co phai may khong",
            "are you a robot",
            "are you real",
            "are you a person",
            "are you a human",
            "is this a bot",
            "am i talking to a bot",
            "gioi thieu ve ban",
            "ai tao ra bot",
            "ai tao ra ban",
            "ai lam ra bot",
            "who made you",
            "who created you",
            "who built you",
            "ai dang tra loi",
            "tra loi tu dong",
            "may tra loi tu dong",
            "may tra loi",
            "nguoi hay la may",
            "la nguoi hay may",
            "co ai truc",
            "ai dang truc",
            "co ai online",
            "con thuc khong",
            "co o day khong",
            "co ai o do khong",
            "anybody there",
            "somebody there",
            "nguoi that",
            "ten la gi",
            "lap ra bot",
            "lap ra cai bot",
            "bot cua ai",
            "ai lam bot",
            "tro ly ao",
            "who are you exactly",
            "real person",
            "a real person",
            "a bot or a real person",
            "bot or a real person",
            "hieu tieng viet",
            "understand vietnamese",
            # asking what the bot is like: "bot có thông minh không"
            "co thong minh khong",
            "thong minh khong",
            "are you smart",
        ),
    ),
    (
        "help",
        (
            "xai cai nay sao",
            "dung cai nay sao",
            "xai cai nay the nao",
            "menu",
            "xai sao",
            "dung sao",
            "xai the nao",
            "dung the nao",
            "go gi",
            "phai go gi",
            "khong biet hoi gi",
            # asking to be shown: "chỉ tui với", "chỉ giùm cô"
            "chi tui voi",
            "chi giup",
            "chi gium",
            "chi dum",
            "chi voi",
            # not knowing where to begin: "tôi không biết nên bắt đầu hỏi từ đâu", "where do I start"
            "khong biet nen bat dau hoi tu dau",
            "khong biet bat dau hoi tu dau",
            "khong biet nen hoi tu dau",
            "khong biet hoi tu dau",
            "bat dau hoi tu dau",
            "nen bat dau tu dau",
            "where do i start",
            "where should i start",
            "khong biet hoi cai gi",
            "biet hoi gi",
            "don t know what to ask",
            "do not know what to ask",
            "what should i ask",
            "what can i ask",
            "giup toi voi",
            "giup em voi",
            "giup minh voi",
            "giup voi",
            "giup toi",
            "giup em",
            "giup minh",
            "tro giup",
            "huong dan su dung",
            "huong dan cach dung",
            "cach su dung",
            "cach dung",
            "dung the nao",
            "dung nhu the nao",
            "how do i use",
            "how to use",
            # asking leave to ask: "cho mình hỏi chút được không", "hỏi xíu nha", "can I ask something"
            "cho hoi chut",
            "cho hoi xiu",
            "cho hoi ti",
            "cho hoi cai",
            "hoi chut",
            "hoi xiu",
            "hoi ti",
            "hoi cai nay",
            "can i ask",
            "may i ask",
            "can i ask you something",
            "can i ask a question",
            "huong dan",
            "lam duoc gi",
            "lam duoc nhung gi",
            "lam duoc nhung viec gi",
            "lam duoc viec gi",
            "lam nhung viec gi",
            "giup duoc viec gi",
            "giup duoc nhung viec gi",
            # "bạn giúp được tôi những việc gì": whom it helps, between
            "giup duoc toi",
            "giup duoc minh",
            "giup duoc em",
            # the language it answers in: "can you answer in English?", "bot nói tiếng Anh được không"
            "answer in english",
            "reply in english",
            "speak english",
            "tra loi bang tieng anh",
            "tra loi tieng anh",
            "noi tieng anh",
            "lam nhung gi",
            "biet lam nhung gi",
            "giup duoc nhung gi",
            "giup gi duoc",
            "hoi duoc nhung gi",
            "hoi nhung gi",
            "tra loi duoc gi",
            "tra loi duoc nhung gi",
            "what do you do",
            "what can you help with",
            "what can you help me with",
            "what can you help me",
            "what could you help me with",
            "how can you help",
            "what can i ask you",
            "biet lam gi",
            "lam gi duoc",
            "co the lam gi",
            "giup duoc gi",
            "hoi duoc gi",
            "hoi gi duoc",
            "dung the nao",
            "su dung the nao",
            "cach dung",
            "menu",
            "help me",
            "help",
            "what can you do",
            "how do i use",
            "how to use",
            "what can i ask",
            "can you help",
            "cuu",
            "huong dan toi",
            "chuc nang",
            "giup gi",
            "giup duoc gi cho",
            "biet gi ve",
            "biet nhung gi ve",
            "giup",
            "co the hoi gi",
            "co the hoi nhung gi",
            "how does this bot work",
            "how does it work",
            "hoi gi duoc",
            "cach dung bot",
            "nhung cau gi",
            "cau hoi gi",
            "hoi nhu the nao",
            "hoi the nao",
            "hoi bot nhu the nao",
            "hoi bot the nao",
            "su dung bot",
            "dung bot",
            "lam sao de dung",
            "kind of questions",
            "what questions",
            "how do i use this",
            # lost or starting out: "tui không hiểu", "bot nói gì vậy", "mình mới dùng lần đầu", "bắt đầu"
            "khong hieu",
            "chua hieu",
            "noi gi vay",
            "noi gi",
            "biet nhung gi",
            "biet gi",
            "bat dau",
            "start",
            "lan dau",
            "moi dung",
            "sos",
            "i don t understand",
            "don t understand",
        ),
    ),
    (
        "thanks",
        (
            "gioi qua",
            "gioi ghe",
            "thong minh qua",
            "thong minh du",
            "bot gioi",
            "bot thong minh",
            "cam on",
            "cam ong",
            "cam on nhieu",
            "cam on nhe",
            "cam on nha",
            "cam on ban",
            "cam on ad",
            "cam on bot",
            "cam on em",
            "cam on a",
            "thank you",
            "thanks",
            "thank",
            "thx",
            "tks",
            "ty",
            "many thanks",
            "cheers",
            "camon",
            "cmon",
            "ok cam on",
            "da cam on",
            "xin cam on",
            "cam on nhieu lam",
            "thank u",
            "thanks u",
            # an acknowledgement or praise: answered like thanks
            "ok",
            "oke",
            "okay",
            "vang",
            "da vang",
            "hay qua",
            "tuyet voi",
            "gioi qua",
            "gioi ghe",
            "hay lam",
            "tuyet",
            "hieu roi",
            "ro roi",
            "got it",
            "helpful",
            "useful",
            "you re great",
            "de thuong",
            "lam phien",
            "da ro",
        ),
    ),
    (
        "goodbye",
        (
            "bai bai",
            "bye bye",
            "pp",
            "nghi nha",
            "nghi nhe",
            "noi chuyen sau",
            "mai noi chuyen tiep",
            "noi chuyen tiep sau",
            "tam biet",
            "hen gap lai",
            # "thôi tui đi nghen": off, for now
            "thoi tui di",
            "thoi toi di",
            "thoi em di",
            "thoi minh di",
            "thoi con di",
            "thoi co di",
            "thoi chau di",
            # leaving for something else: "thôi tui đi nấu cơm", "đi ngủ đây"
            "di nau com",
            "di an com",
            "di ngu",
            "di nghi",
            "di lam",
            "di hop",
            "di cho",
            "bye",
            "bye bye",
            "goodbye",
            "good bye",
            "see you",
            "chao tam biet",
            "chuc ngu ngon",
            "ngu ngon",
            "good night",
            "see you later",
            "chao nhe",
            "chao nha",
            "hen hom khac",
            "hen hom sau",
            "hen lan sau",
            "hen dip khac",
            "hen khi khac",
            "see you tomorrow",
            "di ngu",
            "di ngu day",
            "di nghi",
            "thoi nha",
            "thoi nhe",
            "vay thoi",
            "thoi chao",
        ),
    ),
    (
        "greeting",
        (
            "moi tai app",
            "moi vao nhom",
            "moi vao",
            "xin chao",
            "chao ban",
            "chao bot",
            "chao ad",
            "chao admin",
            "kinh chao",
            "chao em",
            "chao anh",
            "chao chi",
            "chao",
            "alo",
            "a lo",
            "hello",
            "hi",
            "hey",
            "helo",
            "hallo",
            "good morning",
            "good afternoon",
            "good evening",
            "chao buoi sang",
            "chao buoi chieu",
            "chao buoi toi",
            "chao ca nha",
            "chao moi nguoi",
            "hi there",
            "chuc buoi sang tot lanh",
            "chuc mot ngay tot lanh",
            "chuc ngay moi tot lanh",
            "chuc ngay tot lanh",
            "chuc buoi sang vui ve",
            "chuc mot ngay vui ve",
            "chuc ngay moi vui ve",
            "buoi sang tot lanh",
            "buoi sang vui ve",
            "buoi chieu vui ve",
            "buoi trua vui ve",
            "ngay moi tot lanh",
            "ngay tot lanh",
            "ngay vui ve",
            "ngay moi vui ve",
            "cuoi tuan vui ve",
            "buoi toi vui ve",
            "lam viec vui ve",
            "nhieu suc khoe",
            "have a nice weekend",
            "have a good weekend",
            "have a nice day",
            "have a good day",
            "bot oi",
            "ad oi",
            "admin oi",
            "ban oi",
            "e bot",
            "happy new year",
            "chuc mung nam moi",
            "how are you",
            "khoe khong",
            "lam quen",
            "lam viec hieu qua",
            # asking after the bot as people do: "hôm nay bạn thế nào", "ăn cơm chưa"
            "ban the nao",
            "bot the nao",
            "the nao roi",
            "an com chua",
            "khoe chu",
            "nice to meet you",
            "vui duoc gap",
            "vui duoc lam quen",
        ),
    ),
    (
        "complaint",
        (
            # the last answer did not help: "bot trả lời sai rồi", "không đúng ý tôi hỏi", "chán quá"
            "tra loi sai",
            "tra loi khong dung",
            "tra loi lung tung",
            "tra loi cham",
            "tra loi gi ma",
            "khong dung y",
            "khong dung cai toi hoi",
            "khong hieu gi het",
            "khong hieu gi het tron",
            "bot ngu",
            "ngu qua",
            "chan qua",
            "chan qua di",
            "bot cham",
            "cham qua",
            "vo dung",
            "answer is wrong",
            "wrong answer",
            "that is wrong",
            "thats wrong",
            "that s wrong",
            "not what i asked",
            "not helpful",
            "useless",
            "boring",
            "so boring",
        ),
    ),
    (
        "apology",
        (
            # the person apologises: "xin lỗi, tôi gõ nhầm", "sorry, my mistake"
            "xin loi",
            "sorry",
            "go nham",
            "go lon",
            "bam nham",
            "bam lon",
            "noi hoi nang",
            "my mistake",
            "my bad",
            "excuse me",
        ),
    ),
    (
        "ack",
        (
            # an acknowledgement, a laugh, a test or a pause: "dạ", "được rồi", "hihi", "test", "chờ chút"
            "da",
            "u",
            "uh",
            "um",
            "uhm",
            "ok",
            "oke",
            "okay",
            "okie",
            "vang",
            "duoc roi",
            "vay ha",
            "vay a",
            "the a",
            "the ha",
            "biet roi",
            "hieu roi",
            "hihi",
            "haha",
            "hehe",
            "hic",
            "kkk",
            "lol",
            "test",
            "testing",
            # the count a tester types after it: "test 123", "alo alo 1 2 3"
            "123",
            "1 2 3",
            "thu coi",
            "thu xem",
            "co chay khong",
            "cho chut",
            "doi chut",
            "suy nghi chut",
            "suy nghi",
            "i see",
            "got it",
            "alright",
            "all right",
        ),
    ),
)
# Words that may surround small talk without making it a question (folded).
_FILLER = words(
    """
    a ah ak oi ad admin bot ban em anh chi minh toi nhe nha nhieu lam qua rat ok oke okay okie vang da
    du roi vay ha hi hihi haha nhiu cam on ca moi nguoi buoi sang chieu trua nay hom so much very lot
    you all there everyone again for your help that helps helped great good nice have day team really
    thanks yeah yes sir madam dear friend! please thoi lai sau nhe later now duoc
    giup hieu hay tot vui qua co ai khong the biet gi cho con chau cac tui bac co chu di ve khuyen hoc hoi
    oi alo do nghen nhen ne a ha hen roi la chuc mot tiep moi vao nhom can bo
    khac bua mai day de bao lai voi di hop tra loi ro hieu khoe quen vui duoc truc online thuc ghe tuyet
    was is it the really information tomorrow today how are got useful helpful ngay o may
    nen nhu sao lam de dung su cai nay ban quan tri kinh ra cua ao re great exactly this
    gium dum giup phai what can i ask questions kind ghe hihi hehe or evening nhieu
    huu ich troi nau com an ngu nghi tam
    xin ta het tron luon and va with phep
    bro sis nhung viec
    patience kindness
    bay cung ua ong ba dua met ray gioi nhanh nong xai
    """
)
# Whom a greeting, thanks or goodbye is addressed to (folded): "Xin chào Hội Khuyến học quận 10", "cảm ơn
# chi hội khu phố 3"; with the numbers of wards and districts.
_ADDRESSEE = words(
    """
    hoi khuyen hoc quan phuong xa huyen tinh thanh pho khu to dan chi ban chap hanh hcm tp q p ho minh
    """
)
_ADDRESSED: frozenset[SmallTalk] = frozenset({"greeting", "thanks", "goodbye"})
# What may close a greeting to someone: particles, never a word that asks ("còn không", "có mấy").
_CLOSING = words("a ah ak nha nhe oi ha nhieu lam qua ca")
# Words of apologies and requests to help, around a question in a longer message (folded).
_REQUEST = words(
    """
    nho xem coi giup dum gium tra loi mong vui long lam on truoc xin phien sorry excuse tom tat y chinh
    """
)
_WORD = re.compile(r"[a-z0-9]+")
# a key held down at a word's end: three times or more, as English words end in a doubled letter ("see",
# "all"), which telex.without_held_key would cut
_HELD = re.compile(r"([a-z])\1{2,}$")
# Ways to type "không" and "thật" in chat ("có ai hông", "người thiệt hay máy"), read as the word itself.
_SPELLINGS = {"hong": "khong", "ko": "khong", "k": "khong", "hok": "khong", "khum": "khong", "hem": "khong"}
_SPELLINGS |= {"thiet": "that", "thiec": "that"}
# "vậy", "vào", "được", "gì" as they are often typed
_SPELLINGS |= {"dzay": "vay", "zay": "vay", "dza": "va", "dzo": "vao", "vo": "vao"}
_SPELLINGS |= {"dc": "duoc", "dk": "duoc", "j": "gi", "ntn": "nhu the nao", "z": "vay", "r": "roi"}
# "bạn" and "vậy" as they are often typed ("bn là ai v")
_SPELLINGS |= {"bn": "ban", "b": "ban", "v": "vay"}


def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (
            kind,
            re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(ps, key=len, reverse=True)) + r")\b"),
        )
        for kind, ps in _PHRASES
    ]


_KINDS = _compiled()
_MAX_WORDS = 12
_MAX_CLAUSED_WORDS = 40
_CLAUSE = re.compile(r"[,.;!?\n]+")
# A clause in which the person introduces themselves or wishes well, asking nothing (folded): "tôi là cán bộ
# khuyến học phường", "tui năm nay 72 tuổi rồi", "I'm a volunteer from Ward 12", "chúc mọi người sức khỏe".
_INTRODUCTION = re.compile(
    r"^(?:(?:da|thua|va)\s+)*(?:(?:toi|tui|em|minh|con|chau|bac|co|chu)\s+(?:la|ten|nam\s+nay|moi|o|lam|dang)"
    r"|i\W*(?:am|m)\b|my\s+name\s+is|chuc"
    # "mới tập xài cái điện thoại này", "mới vào nhóm": new to it
    r"|moi\s+(?:tap|vao|biet|dung|xai|tham\s+gia))\b"
    r"(?!.*\b(?:gi|nao|sao|bao\s+nhieu|khong|ko|chua|ai|dau|what|which|how|when|where|why|who)\s*$)"
    r"(?!.*\b(?:tt|qd|nd|nq|cv|thong\s+tu|quyet\s+dinh|nghi\s+dinh)\s*\d)"
    # nor asks in other words: "tôi là cán bộ phường, muốn hỏi về hồ sơ"
    r"(?!.*\b(?:muon|nho|thac\s+mac|tim\s+hieu|biet|hoi\s+(?:ve|thu)|(?:can|xin|cho)\s+(?:\w+\s+)?hoi"
    r"|ask|want|need|know)\b)"
)
# A clause in which the person says what they will do next, asking nothing (folded): "để tui hỏi lại chị chủ
# tịch hội rồi tính", "thôi em xem lại rồi báo sau".
_LEAVE_TAKING = re.compile(
    r"^(?:(?:ok|oke|okay|vay|thoi|da|de)\s+)*(?:tui|toi|em|minh|chau|con|bac|co|chu)\s+"
    r"(?:(?:se|di|ve)\s+)?(?:hoi\s+lai|hoi|xem\s+lai|xem|coi\s+lai|coi|tinh|ban\s+lai|bao\s+lai|trao\s+doi)\b"
    r"(?!.*\b(?:gi|nao|sao|bao\s+nhieu|khong|ko|chua|ai|dau)\s*$)"
)
# A clause that only remarks, asking nothing (folded): typing without marks ("cô mới tập xài điện thoại nên gõ
# không dấu"), sympathy asked for ("cháu thông cảm nhé"), praise ("thông tin hữu ích lắm"), a wish.
_REMARK = re.compile(
    r"^(?:\w+\s+){0,10}?go\s+(?:khong|ko|k)\s+(?:co\s+)?dau(?:\s+(?:nhe|nha|a|ha|duoc))*$"
    r"|^(?:\w+\s+){0,3}thong\s+cam(?:\s+(?:\w+\s+)?(?:nhe|nha|a|giup|gium|dum|cho|nhieu))*$"
    r"|^(?:\w+\s+){0,2}(?:thong\s+tin|cau\s+tra\s+loi|bot)\s+(?:rat\s+|qua\s+|that\s+)?"
    r"(?:huu\s+ich|bo\s+ich|hay|chi\s+tiet|de\s+hieu|ro\s+rang)(?:\s+(?:lam|qua|that|ghe|nha|nhe|a))*$"
    # the rest of a wish: "(chúc cháu năm mới an khang), thịnh vượng"
    r"|^(?:(?:va|luon|that|nhieu)\s+)*(?:(?:an\s+khang|thinh\s+vuong|suc\s+khoe|binh\s+an|hanh\s+phuc|may\s+man"
    r"|thanh\s+cong|van\s+su\s+nhu\s+y|nhu\s+y|doi\s+dao|vui\s+ve)(?:\s+(?:va|nhe|nha|a))*\s*)+$"
)
# "chào, giúp tôi với": the request matters more than the greeting; "cảm ơn, tạm biệt": the goodbye.
_PRECEDENCE: tuple[SmallTalk, ...] = (
    "who",
    "help",
    "complaint",
    "apology",
    "thanks",
    "goodbye",
    "greeting",
    "ack",
)


def _first_by_precedence(kinds: list[SmallTalk] | list[str]) -> SmallTalk | None:
    """Of the kinds of small talk found, the one that answers the message (see _PRECEDENCE)."""
    return next((kind for kind in _PRECEDENCE if kind in kinds), None)


def _held_down(word: str) -> str:
    """`word` without a key held down at its end ("ơiii" → "ơi"); a laugh stays one ("kkk")."""
    single = _HELD.sub(r"\1", word)
    return single if len(single) > 1 else word


def small_talk(text: str) -> SmallTalk | None:
    """The kind of small talk `text` is ("greeting", "thanks", "who", "help", "goodbye", "complaint",
    "apology", "ack"), or None.

    None when the message says anything beyond small talk and chat words; a longer message may also be small
    talk told clause by clause ("Tôi là hiệu trưởng nghỉ hưu, mới vào Hội, xin phép làm quen với bot").
    """
    folded = fold(text)
    words = [_held_down(w) for w in _WORD.findall(folded)]
    if not words:
        # "👍", "😊", "🙏🙏": a sign, not a question
        return "ack" if any(unicodedata.category(c) == "So" for c in text) else None
    if len(words) > _MAX_WORDS:
        return _told_in_clauses(folded)
    return _phrased(words) or _told_in_clauses(folded)


# A visit only to say hello, however long the message around it (folded): "vô chào một tiếng", "ghé chào
# thôi", "có hỏi gì đâu", "từ từ có gì tôi hỏi sau", "just dropping by to say hello".
_JUST_SAYING_HELLO = re.compile(
    r"\b(?:(?:vo|vao|ghe|qua)\s+(?:day\s+)?chao"
    r"|chao\s+(?:bot\s+|em\s+|ad\s+|ban\s+|moi\s+nguoi\s+)?(?:mot\s+tieng|mot\s+cai|cai\s+da|thoi)"
    r"|(?:co|khong|ko|hong)\s+(?:co\s+)?hoi\s+gi\s+(?:dau|het)|co\s+gi\s+(?:\w+\s+)?hoi\s+sau"
    r"|(?:dropping|stopping|popping)\s+by|say\s+hello|(?:just|only)\s+(?:saying|wanted\s+to\s+say)\s+hi)\b"
)


# "…, cho hỏi giá vàng hôm nay": a question after all
_ASKS_AFTER_ALL = re.compile(r"\b(?:cho\s+(?:\w+\s+)?hoi|muon\s+hoi|xin\s+hoi|hoi\s+(?:chut|xiu|ti|nhanh))\b")


def just_saying_hello(text: str) -> bool:
    """Whether a message, however long, only comes to say hello ("… nên vô chào một tiếng, từ từ có gì tôi hỏi
    sau nha") and asks nothing after all; the caller checks it names nothing the knowledge base is about."""
    spoken = " ".join(_WORD.findall(fold(text)))
    return _JUST_SAYING_HELLO.search(spoken) is not None and _ASKS_AFTER_ALL.search(spoken) is None


def small_talk_within(text: str) -> SmallTalk | None:
    """The small talk among a message's clauses ("Chào con nghen, | bữa nay trời nóng quá hen": a greeting
    with a remark), for a message the caller found to ask nothing; None when no clause is small talk."""
    kinds = [
        kind
        for clause in _CLAUSE.split(fold(text))
        if 0 < len(words := [_held_down(w) for w in _WORD.findall(clause)]) <= _MAX_WORDS
        and (kind := _phrased(words)) is not None
    ]
    return _first_by_precedence(kinds)


def _told_in_clauses(folded: str) -> SmallTalk | None:
    """The small talk of a message whose every clause is small talk, the person introducing themselves, a
    wish or chat words ("dạ chào bot, tôi là cán bộ khuyến học phường, mới vào nhóm"); None otherwise."""
    clauses = [c for c in _CLAUSE.split(folded) if _WORD.search(c)]
    if len(clauses) < 2 or len(_WORD.findall(folded)) > _MAX_CLAUSED_WORDS:
        return None
    kinds: list[SmallTalk] = []
    for clause in clauses:
        words = [_held_down(w) for w in _WORD.findall(clause)]
        kind = _phrased(words) if len(words) <= _MAX_WORDS else None
        if kind is not None:
            kinds.append(kind)
        elif not (
            _INTRODUCTION.match(clause.strip())
            or _LEAVE_TAKING.match(clause.strip())
            or _REMARK.match(" ".join(words))
            or all(w in _FILLER or w in _REQUEST for w in words)
        ):
            return None
    return _first_by_precedence(kinds)


def _phrased(words: list[str]) -> SmallTalk | None:
    """The kind of small talk a short message's words are, or None."""
    spoken = " ".join(_SPELLINGS.get(w, w) for w in words)
    found: list[str] = []
    rest = spoken
    for kind, pattern in _KINDS:
        if pattern.search(rest):
            found.append(kind)
            rest = pattern.sub(" ", rest)
    if not found:
        return None
    if any(w not in _FILLER for w in rest.split()) and not _addressed(spoken, found):
        return None
    return _first_by_precedence(found)


def _addressed(spoken: str, found: list[str]) -> bool:
    """Whether `spoken` is a greeting, thanks or goodbye to someone named right after it ("xin chào Hội
    Khuyến học quận 10", "cảm ơn chi hội khu phố 3 nha"), closed by particles only."""
    if not set(found) <= _ADDRESSED:
        return False
    opening = next((m for kind, p in _KINDS if kind in found and (m := p.match(spoken))), None)
    if opening is None:
        return False
    rest = spoken[opening.end() :].split()
    named = 0
    while named < len(rest) and (rest[named] in _ADDRESSEE or rest[named].isdigit()):
        named += 1
    return named > 0 and all(w in _CLOSING for w in rest[named:])


def is_chatter(text: str) -> bool:
    """Whether a clause of a longer message is only chat: small talk, an apology or a request to help
    ("xin lỗi làm phiền", "nhờ bot xem giúp", "em cảm ơn nhiều")."""
    spoken = _WORD.findall(fold(text))
    if not spoken:
        return True
    return small_talk(text) is not None or all(w in _FILLER or w in _REQUEST for w in spoken)


def without_greeting(text: str) -> str:
    """`text` without a leading greeting, salutation or thanks ("chào ad, …", "Kính chào. …", "Thưa cô, …"
    → "…"), to match the question after it."""
    folded = fold(text)
    match = re.match(
        r"^\s*(?:(?:xin\s+|kinh\s+)?chao|kinh\s+gui|(?:da\s+|kinh\s+)?thua|hello|hi|hey|alo|dear|cam\s+on|thanks?"
        r"|thank\s+you)\b[^,.!?]{0,25}?[,.!?:]\s*",
        folded,
    )
    if match is None or len(folded) != len(text):
        return text
    rest = text[match.end() :]
    return rest if len(rest.split()) >= 2 else text
