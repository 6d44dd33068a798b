"""Answers to a 需求征集 (a survey of what residents want), grouped by what they ask for (pure).

"加装电梯", "希望老楼能装个电梯" and "电梯！！" are one wish; "老年食堂", "建个长者食堂" and "搞个老人
食堂吧" another. Two answers are one wish when they name the same common wish (``WISHES``: what
communities are usually asked for, under the names people use), or the same object (nlp.things:
电梯, 路灯 …), or when their heads (the first clause, with the asking words taken off: 希望, 建议,
能不能, 多搞点 …; the reasons after it left out) share enough character pairs. Groups are joined
transitively, largest first; a common wish is named by its usual name, any other group by its most
typical head.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp import things
from nlp.normalize import normalize
from nlp.similarity import similarity

# Words around a wish that say nothing about what is wished for.
_ASKING = re.compile(
    r"^(我们?|咱们?|大家)?(都)?(特别|非常|很)?(希望|建议|想要|想|盼着|要是|如果)?(社区|咱们社区|小区|咱小区)?"
    r"(能不能|能否|可不可以|可以|能|给|帮忙|帮)?(再|多|尽快|早点)?"
    r"(增加|增设|加装|安装|新建|开设|举办|组织|安排|搞|办|建|开|装|修|设|加|添|弄|有)?"
    r"(一个|一些|几个|一下|个|些|点|下)?")
_TAIL = re.compile(r"(吧|呀|啊|哈|呗|嘛|就好了|就好|好不好|行不行|可以吗|谢谢|[!！?？。，,.~～\s])+$")
JOIN_AT = 0.34  # bigram Jaccard of the heads at or above which two answers are one wish
_REPEAT = re.compile(r"(.{2,6}?)\1+")  # 电梯电梯电梯 (voice typing, emphasis)
_CLAUSE = re.compile(r"[\s，,。；;！!？?、：:（(]")

# Wishes communities are often asked for: the usual name, and the words people use for it.
WISHES: dict[str, tuple[str, ...]] = {
    "老年食堂": ("老年食堂", "长者食堂", "老人食堂", "助餐点", "老年餐桌", "社区食堂", "老年助餐", "爱心食堂"),
    "加装电梯": ("加装电梯", "装电梯", "装个电梯", "电梯"),
    "充电桩": ("充电桩", "充电棚", "充电车棚", "电动车充电"),
    "停车位": ("停车位", "车位", "停车场", "停车难"),
    "健身器材": ("健身器材", "健身器械", "健身设施", "健身角"),
    "儿童托管": ("托管", "四点半课堂", "托育", "托儿所", "看孩子"),
    "活动室": ("活动室", "活动中心", "老年活动", "棋牌室", "阅览室", "图书室"),
    "快递柜": ("快递柜", "快递驿站", "丰巢"),
    "路灯照明": ("路灯", "照明", "灯太暗"),
    "监控": ("监控", "摄像头", "天网"),
    "儿童游乐": ("儿童游乐", "滑梯", "游乐设施", "儿童乐园"),
    "文体活动": ("文艺活动", "文体活动", "广场舞", "文艺演出", "兴趣班", "培训班"),
}
_WISH_OF = {w: name for name, words in WISHES.items() for w in words}
_WISH_WORDS = re.compile("|".join(sorted(map(re.escape, _WISH_OF), key=len, reverse=True)))


def core(text: str) -> str:
    """The wish without its asking words: 希望社区能多搞点文艺活动 → 文艺活动."""
    norm = _REPEAT.sub(r"\1", _TAIL.sub("", normalize(text).strip()))
    stripped = _ASKING.sub("", norm, count=1)
    return stripped or norm


def head(core_text: str) -> str:
    """The first clause: what is wished for, before the reasons (老年食堂 中午能有口热饭 → 老年食堂)."""
    return _CLAUSE.split(core_text, maxsplit=1)[0] or core_text


def wish_of(text: str) -> str | None:
    """The usual name of a common wish the text names, if any (the first named)."""
    m = _WISH_WORDS.search(normalize(text))
    return _WISH_OF[m.group(0)] if m else None


@dataclass(frozen=True, slots=True)
class Wish:
    title: str  # the most typical answer's core
    members: tuple[int, ...]  # indexes of the answers, in the order given


def _same(i: int, j: int, heads: list[str], named: list[str | None], read: list[things.Thing]) -> bool:
    if named[i] or named[j]:
        return named[i] == named[j]
    if read[i].objects and read[j].objects:
        return things.objects_match(read[i].objects, read[j].objects)
    return similarity(heads[i], heads[j]) >= JOIN_AT or _contained(heads[i], heads[j])


def _pairs(text: str) -> set[str]:
    return {text[k:k + 2] for k in range(len(text) - 1)}


def _contained(a: str, b: str) -> bool:
    """Most of the shorter head's character pairs (two at least) are in the longer one:
    修篮球场 / 篮球场地面修一下."""
    pa, pb = _pairs(a), _pairs(b)
    shared = len(pa & pb)
    return shared >= 2 and shared >= 0.6 * min(len(pa), len(pb))


def group(answers: list[str]) -> list[Wish]:
    """The answers as wishes, most asked first (ties: first answered first)."""
    cores = [core(a) for a in answers]
    heads = [head(c) for c in cores]
    named = [wish_of(c) for c in cores]
    read = [things.extract(normalize(h)) for h in heads]
    parent = list(range(len(answers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(answers)):
        for j in range(i):
            if heads[i] and heads[j] and _same(i, j, heads, named, read):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(answers)):
        if heads[i]:
            groups.setdefault(root(i), []).append(i)
    wishes = []
    for members in groups.values():
        if named[members[0]]:
            wishes.append(Wish(str(named[members[0]]), tuple(members)))
            continue
        # the head most like the others names the group; among equals the shortest, then the first
        best = max(members, key=lambda i: (sum(similarity(heads[i], heads[j]) for j in members),
                                           -len(heads[i]), -i))
        wishes.append(Wish(heads[best], tuple(members)))
    wishes.sort(key=lambda w: (-len(w.members), w.members[0]))
    return wishes
