"""Answers to a 需求征集 (a survey of what residents want), grouped by what they ask for (pure).

"加装电梯", "希望老楼能装个电梯" and "电梯！！" are one wish; "老年食堂" and "建个老年食堂" another.
Two answers are one wish when they name the same object (nlp.things: 电梯, 路灯, 车位 …) or when
their cores, with the asking words taken off (希望, 建议, 能不能, 多搞点 …), share enough character
pairs. Groups are joined transitively, largest first; each is named by its most typical answer.
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
JOIN_AT = 0.34  # bigram Jaccard of the cores at or above which two answers are one wish


def core(text: str) -> str:
    """The wish without its asking words: 希望社区能多搞点文艺活动 → 文艺活动."""
    norm = _TAIL.sub("", normalize(text).strip())
    stripped = _ASKING.sub("", norm, count=1)
    return stripped or norm


@dataclass(frozen=True, slots=True)
class Wish:
    title: str  # the most typical answer's core
    members: tuple[int, ...]  # indexes of the answers, in the order given


def _same(a: str, b: str, ta: things.Thing, tb: things.Thing) -> bool:
    if ta.objects and tb.objects:
        return things.objects_match(ta.objects, tb.objects)
    return similarity(a, b) >= JOIN_AT


def group(answers: list[str]) -> list[Wish]:
    """The answers as wishes, most asked first (ties: first answered first)."""
    cores = [core(a) for a in answers]
    read = [things.extract(normalize(c)) for c in cores]
    parent = list(range(len(answers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(answers)):
        for j in range(i):
            if cores[i] and cores[j] and _same(cores[i], cores[j], read[i], read[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(answers)):
        if cores[i]:
            groups.setdefault(root(i), []).append(i)
    wishes = []
    for members in groups.values():
        # the answer most like the others names the group; among equals the shortest, then the first
        best = max(members, key=lambda i: (sum(similarity(cores[i], cores[j]) for j in members),
                                           -len(cores[i]), -i))
        wishes.append(Wish(cores[best], tuple(members)))
    wishes.sort(key=lambda w: (-len(w.members), w.members[0]))
    return wishes
