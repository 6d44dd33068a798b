"""Answers to a roll call (集结) the way people write them: 到, 报名, 我去, 算我一个 (coming);
去不了, 有事来不了 (not coming); 收到 (seen, undecided); 到岗, 我到了 (arrived, maybe with
where). Pure; table-tested in tests/nlp/test_rollcall.py.

These words mean something else elsewhere (我去 claims a ticket, 报名 N signs up for an
activity): the caller claims them only when the person has an open roll call."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlp.answers import tidy

YES, NO, ACK, ARRIVED = "yes", "no", "ack", "arrived"

_YES = frozenset({
    "到", "到到", "有", "报名", "我报名", "报名参加", "我要报名", "报个名", "我报个名", "我去", "我去吧", "我能去", "我可以去",
    "能去", "可以去", "我参加", "参加", "我来参加", "算我一个", "算我一份", "算上我", "加我一个", "我也去", "我也报名",
    "我也参加", "同去", "我在", "在", "随时待命", "我可以", "服从安排", "听从安排", "马上到", "马上就到", "马上来",
    "我马上到", "党员报到", "报到", "我报到", "一定到", "准时到", "准到", "没问题我去", "好的我去", "收到我去",
    "收到马上到", "收到报名", "收到到", "好我去", "行我去", "可以我去", "我去一个",
})
_NO = frozenset({
    "去不了", "我去不了", "来不了", "我来不了", "有事来不了", "有事去不了", "有事", "不去了", "我不去了", "不能去", "我不能去",
    "参加不了", "我参加不了", "去不成", "来不成", "不方便", "这次不行", "这次去不了", "在外地", "人在外地", "请假",
    "我请假", "走不开", "走不开去不了", "抱歉去不了", "不好意思去不了", "抱歉来不了", "不好意思来不了", "不参加",
    "我不参加", "到不了", "赶不过去", "赶不过来", "去不了了", "来不了了", "身体不舒服", "生病了去不了",
})
_ACK = frozenset({"收到", "收到收到", "已收到", "好的收到", "收到了", "知道了", "已阅", "👍", "ok", "好的", "明白"})
_ARRIVED = re.compile(r"^(?:我已|我已经|已经|已|我)?(?:到岗|到位|到达|到了|到场|签到了?)(?:了)?(?P<place>.{0,30})$")
_NOT_ARRIVAL = re.compile(r"[吗嘛么?？]|没有?到|还没|未到|到了没|快到了|马上到")


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str  # YES | NO | ACK | ARRIVED
    place: str = ""  # ARRIVED: where, when said ("到岗 3号楼门口")


def read(text: str) -> Answer | None:
    """The roll-call answer ``text`` is, or None."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw or len(raw) > 40:
        return None
    arrival = _arrival(raw)
    if arrival is not None:
        return arrival
    s = tidy(raw)
    if not s or len(s) > 16:
        return None
    if s in _NO or (s.startswith(("抱歉", "不好意思", "对不起")) and s.endswith(("去不了", "来不了", "参加不了"))):
        return Answer(NO)
    if s in _YES:
        return Answer(YES)
    if s in _ACK:
        return Answer(ACK)
    return None


def _arrival(raw: str) -> Answer | None:
    if _NOT_ARRIVAL.search(raw):
        return None
    head = re.sub(r"^[\s,，.。!！~～]+", "", raw)
    m = _ARRIVED.match(re.sub(r"\s+", " ", head))
    if not m:
        return None
    place = re.sub(r"^[\s,，.。!！:：、~～]+|[\s,，.。!！~～]+$", "", m.group("place") or "")
    if place and not any("\u4e00" <= c <= "\u9fff" or c.isalnum() for c in place):
        place = ""
    return Answer(ARRIVED, place[:60])


def could_be(text: str) -> bool:
    """Pure: might this group message be a roll-call answer (the dispatcher's fast path lets it
    through)? A bare 收到 is not: in a group it is everyday chatter, and only a private 收到 is
    recorded (it commits to nothing anyway)."""
    said = read(text)
    return said is not None and said.kind != ACK
