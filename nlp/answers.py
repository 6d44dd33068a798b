"""Short answers the way people write them in a chat: yes/no, a rating, "I'll take it",
"it's fixed", a greeting. Pure: text in, result out; table-tested in tests/nlp/test_answers.py.

Each reader first *tidies* the text: spaces, punctuation, emoji and trailing particles
(啊呀吧哈嘛呢哦) go, then polite tails (麻烦了, 谢谢, 辛苦了) are peeled off, so
"好的，麻烦了！" reads as "好的".
"""
from __future__ import annotations

import re
import unicodedata

_JUNK = re.compile(r"[\s,，.。!！?？~～、…·:：;；\"'“”‘’()（）\[\]【】<>《》\-—_*^]+")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]|\[[^\]]{1,4}\]")  # 👍 and WeChat's [强]
_PARTICLES = "啊呀吧哈嘛呢哦噢喔啦嘞滴呗"
_POLITE_TAILS = (
    "好的谢谢", "麻烦你们了", "麻烦您了", "麻烦你了", "麻烦了", "麻烦", "谢谢你们", "谢谢您", "谢谢你", "谢谢了", "谢谢",
    "多谢", "感谢", "辛苦了", "辛苦", "劳驾", "拜托了", "拜托",
)
_THUMBS = {"👍", "👌", "👍🏻", "👍🏼", "👌🏻", "[强]", "[OK]", "[ok]", "[好的]"}

YES_WORDS = frozenset({
    "是", "是的", "是滴", "对", "对的", "对对", "对对对", "没错", "嗯", "嗯嗯", "恩", "恩恩", "en", "好", "好的",
    "好滴", "好嘞", "好勒", "可以", "可以的", "行", "行的", "中", "要", "要的", "需要", "要登记", "登记",
    "登记吧", "登记一下", "帮我登记", "帮忙登记", "请登记", "确认", "确定", "ok", "okay", "yes", "y",
    "是的要登记", "对要登记", "嗯要登记", "好的登记", "好登记", "要报", "报一下", "帮我报一下",
    "麻烦了", "麻烦你了", "麻烦您了", "麻烦你们了", "拜托了", "有劳",
})
NO_WORDS = frozenset({
    "不", "不是", "不对", "不用", "不用了", "不要", "不需要", "不必", "算了", "算", "取消", "别", "别登记",
    "不登记", "不用登记", "先不用", "先不要", "暂时不用", "没事", "没事了", "已经好了", "好了不用了", "no", "n",
    "不麻烦了", "不用麻烦了",
})
# A secretary confirming a preview says the same things, or "发".
CONFIRM_EXTRA = frozenset({"发", "发吧", "发送", "发出去", "发布", "确认发送", "确认发布", "没问题", "就这样"})
CANCEL_EXTRA = frozenset({"不发了", "先不发", "别发", "撤回", "不发", "重来", "改一下"})


# Words that lead an answer and may be followed by the answer itself: "好的，发吧", "嗯，登记一下".
_LEADS = ("好的", "好", "嗯嗯", "嗯", "可以", "行", "对", "是的", "没问题", "确认", "ok")


def tidy(text: str) -> str:
    s = unicodedata.normalize("NFKC", text or "").strip()
    if s in _THUMBS:
        return "👍"  # a thumbs-up or OK sign is an answer; other emoji (🙏 😂 🌹) are not
    s = _EMOJI.sub("", s)
    s = _JUNK.sub("", s).lower()
    for _ in range(3):  # "好的麻烦了谢谢" peels twice
        stripped = s.rstrip(_PARTICLES)
        for tail in _POLITE_TAILS:
            if stripped.endswith(tail) and len(stripped) > len(tail):
                stripped = stripped[: -len(tail)]
                break
        if stripped == s:
            break
        s = stripped
    return s.rstrip(_PARTICLES) or s


def yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else (then it is not an answer)."""
    s = tidy(text)
    if len(s) > 12:
        return None  # a sentence, not an answer
    if s in NO_WORDS:
        return False
    if s in YES_WORDS or s == "👍":
        return True
    for lead in _LEADS:  # "嗯，登记一下", "好的，不用了"
        rest = s[len(lead):].rstrip(_PARTICLES) if s.startswith(lead) else None
        if rest and rest in NO_WORDS:
            return False
        if rest and rest in YES_WORDS:
            return True
    return None


def confirm_cancel(text: str) -> bool | None:
    """A secretary's answer to a preview: True to go ahead, False to drop it."""
    s = tidy(text)
    if s in CONFIRM_EXTRA or s in {"发", "发吧"}:
        return True
    if s in CANCEL_EXTRA:
        return False
    for lead in _LEADS:  # "好的，发吧", "可以发", "嗯，不发了"
        rest = s[len(lead):].rstrip(_PARTICLES) if s.startswith(lead) else None
        if rest:
            if rest in CONFIRM_EXTRA or rest in YES_WORDS:
                return True
            if rest in CANCEL_EXTRA or rest in NO_WORDS:
                return False
    return yes_no(text)


# -- ratings -------------------------------------------------------------------
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_SCORE = re.compile(r"^(?:评价?|打)?([1-5一二两三四五])(?:分|星|颗星)?(?:好评)?$")
_SATISFACTION = (  # longest first: "很不满意" before "满意"
    ("非常不满意", 1), ("很不满意", 1), ("特别不满意", 1), ("太差了", 1), ("太差", 1), ("差评", 1),
    ("不太满意", 2), ("不大满意", 2), ("不满意", 2), ("不怎么样", 2), ("不行", 2),
    ("一般般", 3), ("一般", 3), ("凑合", 3), ("马马虎虎", 3), ("还凑合", 3),
    ("比较满意", 4), ("基本满意", 4), ("还行", 4), ("还可以", 4), ("还不错", 4), ("不错", 4), ("挺好", 4),
    ("非常满意", 5), ("很满意", 5), ("特别满意", 5), ("十分满意", 5), ("满意", 5), ("挺满意", 5),
    ("非常好", 5), ("很好", 5), ("太好了", 5), ("好评", 5), ("五星好评", 5), ("满分", 5),
)
_SATISFACTION_MAP = dict(_SATISFACTION)


_THANKS = re.compile(r"谢谢|感谢|多谢|辛苦了?")


def rating(text: str) -> int | None:
    """A 1-5 score from "5", "五星", "满意", "不太满意"…; None when it is not a rating.

    Thanks and a name around it are read past ("谢谢李师傅 五星", "五星 谢谢", found in the simulator)."""
    s = tidy(text)
    found = _score(s)
    if found is not None:
        return found
    m = _THANKS.search(s)
    if m is None:
        return None
    if m.start() > 0:  # "五星谢谢李师傅": the score comes first
        return _score(s[:m.start()])
    for k in range(m.end(), min(len(s), m.end() + 6)):  # "谢谢李师傅五星": past a name of up to 5 characters
        found = _score(s[k:])
        if found is not None:
            return found
    return None


def _score(s: str) -> int | None:
    if s == "👍":
        return 5
    m = _SCORE.match(s)
    if m:
        d = m.group(1)
        return int(d) if d.isdigit() else _CN_DIGITS[d]
    if s.count("⭐") and s.strip("⭐") == "" and len(s) <= 5:
        return len(s)
    if len(s) > 10:
        return None
    for word, score in sorted(_SATISFACTION, key=lambda p: -len(p[0])):
        if s == word or (s.startswith(word) and len(s) - len(word) <= 3):
            return score
    return None


# -- members -------------------------------------------------------------------
_NUM = r"(?:#|＃)?\s*(\d{1,6})\s*(?:号|单|号单)?"
_CLAIM_WORDS = (r"(?:我来吧?|我来处理|我来弄|我去吧?|我去看看|我去处理|我接了?|我接吧|我接单|交给我|我负责|这个我来|这单我来"
                r"|这单我接了?|我可以去|我能去|我过去(?:看看|一趟|吧)?|我马上(?:过去|去)|我这就(?:过去|去)|我现在(?:过去|就去)"
                r"|我去一趟|我跑一趟|我来跟进|我马上到|我这就到"
                r"|我(?:晚点|晚些|等会儿?|一会儿?|待会儿?|下午|明天|明早|晚上|今晚|中午|下班后?)(?:就)?(?:去|过去|来)(?:看看|看一下|处理)?)")
# After the claim, when the member will be there ("1号我来 马上到", "3号单我来 十分钟到").
_ETA = (r"(?:马上到|马上就到|这就到|马上过去|这就去|马上去|很快到|一会儿?(?:就)?到"
        r"|[一二三四五六七八九十两半\d]{1,3}(?:个)?(?:分钟|小时)(?:就|内|后|左右)?到)?")
# "#1 那个老人我过去看看", "1号单子我马上过去": a number that can only be a ticket (not 1号楼, nor the 15号
# of a meeting), then a few words naming what it is about.
_ABOUT = r"(?:(?:这个|那个|这单|那单|这件|那件)[^\d]{0,6}?)"
_TICKET_NUM = r"(?:(?:#|＃)(\d{1,6})(?:号单子|号单|号|单)?|(\d{1,6})(?:号单子|号单|单子))"
_AFTER = r"(?:看看|看一下|处理一下)?"  # "我马上过去看看"
_CLAIM = re.compile(
    r"^(?:" + _NUM + r"\s*)?" + _CLAIM_WORDS + _AFTER + _ETA + r"(?:\s*" + _NUM + r")?$"
    r"|^" + _TICKET_NUM + _ABOUT + r"?" + _CLAIM_WORDS + _AFTER + _ETA + r"$"
)
_LEAD_CLAIM = re.compile(r"^" + _CLAIM_WORDS + _AFTER + r"[，,。.!！~～]*")
# A sentence of the member's own that ends in the command ("我去3栋看看老李 接单 1"): first person, not a
# question or a call for someone else ("谁接单1", "没人接单1吗").
_CLAIM_TAIL = re.compile(r"^(?=.*我)(?![^谁吗?？]*[谁吗?？])(?!.*(?:没人|有人|没有人)).{1,24}?(?:接单|我接|我来|我去|我过去)"
                         r"(?:#|＃)?(\d{1,6})(?:号单子|号单|号|单)?$")
_VERB = r"(?:修|弄|搞|处理|办|换|清理|清|装|做|解决|整|通)(?:好|完|定|妥)"
# Care tasks end in delivery, not repair ("药送到了", "送到了 老李缓过来了").
_DELIVERED = r"(?:送到|送达|送过去|送回家|送回去|陪(?:他|她)?看完)"
_DONE = re.compile(
    r"^(?:" + _NUM + r"\s*)?[^\d]{0,8}?(?:(?:已经|已)(?:" + _VERB + "|" + _DELIVERED + r")了?|(?:" + _VERB + "|"
    + _DELIVERED + r")了)"
    r"|^(?:" + _NUM + r"\s*)?(?:已完成|完成了|搞定了?|ok了|好了已经|都好了|处理完毕|办完了)"
)


# A member or secretary asking what is still waiting ("今天有多少单没人接", "还有哪些任务没人认领").
_OPEN_TASKS = re.compile(r"(?:多少|哪些|几个|几单|几件|有没有|还有)[^，。,.]{0,8}?(?:没人接|没有人接|没人认领|没有人认领|待认领|没人领)"
                         r"|(?:没人接|没人认领|待认领)的(?:单|任务|诉求)")


def open_tasks_question(text: str) -> bool:
    """"今天有多少单没人接" / "还有哪些单没人认领": the same as the 任务 command."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    return len(s) <= 24 and _OPEN_TASKS.search(s) is not None


def claim_intent(text: str) -> tuple[bool, int | None] | None:
    """"我来" / "4号我接了" / "这单我来": (True, number or None); None when it is not a claim."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    s = _JUNK.sub("", s.replace("#", " #")).rstrip(_PARTICLES)
    s = re.sub(r"(\d)(?=[^\d号单])", r"\1 ", s).replace(" ", "")
    m = _CLAIM.match(s) or _CLAIM_TAIL.match(s)
    if not m:
        rest = _LEAD_CLAIM.sub("", s, count=1)  # "我去看看 1号我接了": two claims in a row, the second names it
        m = (_CLAIM.match(rest) or _CLAIM_TAIL.match(rest)) if rest and rest != s else None
    if not m:
        return None
    number = next((int(g) for g in m.groups() if g), None)
    return True, number


# A question, or the member's own parcel ("快递送到了"), is not a report of the task.
_NOT_DONE = re.compile(r"[吗嘛么?？]\s*$|没有?$|了没|什么时候|啥时候|何时|能不能|会不会|怎么还|^(?:我的|我家)?(?:快递|外卖|包裹)")


def done_intent(text: str) -> tuple[int | None, str] | None:
    """"修好了" / "3号已经处理完了，换了灯泡": (number or None, the note); None otherwise.

    A question ("修好了吗") is not a report."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    if not s or len(s) > 80 or _NOT_DONE.search(s):
        return None
    head = _JUNK.sub("", s.replace("#", " #")).replace(" ", "")
    m = _DONE.match(head)
    if not m:
        return None
    number = next((int(g) for g in m.groups() if g), None)
    return number, (text or "").strip()


_VERIFY = re.compile(r"^(?:" + _NUM + r")?\s*验收\s*(?:" + _NUM + r")?\s*(通过|合格|没问题|同意|ok|可以)了?$")


def verify_intent(text: str) -> tuple[int | None] | None:
    """"验收通过" / "15号验收通过": (number or None,); None otherwise."""
    s = _JUNK.sub("", unicodedata.normalize("NFKC", text or "").strip().replace("#", " #")).replace(" ", "").lower()
    m = _VERIFY.match(s)
    if not m:
        return None
    return (next((int(g) for g in m.groups()[:2] if g), None),)


# A ticket named by its number, not a place: "#12", "12号单子", "12号" not followed by 楼/栋/单元/门….
_TICKET = r"(?:#\s*(\d{1,6})|(\d{1,6})\s*(?:号单子|号工单|号诉求|号单|单子|号)(?![楼栋幢座院门房室单\d]))"
_ASK = r"(?:帮我)?(?:看看|看一下|查一下|查查|查|问问|问一下)(?:一下)?"
_HOW = (r"(?:怎么样了?|咋样了|到哪了|到哪一步了|进展(?:如何|怎么样)?|进度(?:如何|怎么样)?|什么情况|啥情况"
        r"|办得怎么样了?|处理得怎么样了?|处理了吗|有人接了吗|有人管吗|修了没|有结果了吗|情况如何)")
_QUERY = re.compile(r"^" + _ASK + r"(?:第)?" + _TICKET + r"(?:" + _HOW + r")?$|^(?:第)?" + _TICKET + _HOW + r"$")


def query_intent(text: str) -> int | None:
    """"看看1号单子" / "12号怎么样了" / "查一下#5": the ticket number asked about; None otherwise
    (a place such as "3号楼怎么样了" is not a ticket)."""
    s = _JUNK.sub("", unicodedata.normalize("NFKC", text or "").strip().replace("#", " #")).replace(" ", "")
    s = s.rstrip(_PARTICLES).removesuffix("的").removesuffix("啊")
    if not s or len(s) > 20:
        return None
    m = _QUERY.match(s.replace("＃", "#"))
    return next((int(g) for g in m.groups() if g), None) if m else None


PASS_WORDS = frozenset({"通过", "同意", "合格", "没问题", "可以", "ok", "好", "行", "验收通过"})
REJECT_WORDS = frozenset({"驳回", "不通过", "不合格", "退回", "打回", "不同意", "不行"})


# -- greetings -----------------------------------------------------------------
_GREETING = re.compile(
    r"^(?:(?:你好|您好|哈喽|hello|hi|嗨|喂|请问|打扰一下|打扰了)*(?:在吗|在不在|有人吗|有人在吗|在线吗|机器人在吗|网格员在吗)"
    r"|你好|您好|哈喽|hello|hi|嗨|喂|你好呀|您好呀|在)$"
)
_CALLING = re.compile(r"在吗|在不在|有人吗|有人在吗|在线吗")


def greeting(text: str) -> str | None:
    """"calling" for 在吗/有人吗 (someone wants the bot), "hello" for 你好, None otherwise."""
    s = tidy(text)
    if not s or not _GREETING.match(s):
        return None
    return "calling" if _CALLING.search(s) else "hello"
