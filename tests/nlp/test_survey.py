"""需求征集 answers grouped by what they ask for (nlp/survey.py): real phrasings, one table."""
from __future__ import annotations

import pytest

from nlp.survey import core, group

CORES = [
    ("希望社区能多搞点文艺活动", "文艺活动"),
    ("建议增设一些充电桩", "充电桩"),
    ("加装电梯！！", "电梯"),
    ("老年食堂", "老年食堂"),
    ("我们想要一个老年食堂吧", "老年食堂"),
    ("能不能安排个理发的师傅定期来", "理发的师傅定期来"),
    ("希望", "希望"),  # nothing but the asking word: kept as said
    ("电梯电梯电梯", "电梯"),  # voice typing and emphasis repeat
]


@pytest.mark.parametrize("said, wish", CORES)
def test_the_asking_words_come_off(said, wish):
    assert core(said) == wish


GROUPS = [
    # the same object, however it is put
    (["加装电梯", "希望老楼能装个电梯", "电梯！！", "多搞点文艺活动"], [[0, 1, 2], [3]]),
    # the same words without a known object
    (["老年食堂", "建个老年食堂", "希望有老年食堂", "幼儿托管"], [[0, 1, 2], [3]]),
    # lights in the lane and the lift are two wishes
    (["小路装几个路灯", "路灯太暗了希望多装几个", "电梯"], [[0, 1], [2]]),
    # different things that share a word are not one wish
    (["停车位", "充电桩", "健身器材", "停车位太少了 增加车位"], [[0, 3], [1], [2]]),
    # empty and punctuation-only answers are dropped
    (["", "。。", "老年大学"], [[2]]),
    # a common wish under its other names, with reasons after it
    (["老年食堂 中午能有口热饭", "搞个长者食堂吧", "想在楼下装个电梯 爬楼太累了", "电梯电梯电梯"], [[0, 1], [2, 3]]),
    # no common wish: most of the shorter head inside the longer one
    (["修修篮球场", "篮球场地面修一下", "篮球架"], [[0, 1], [2]]),
]


@pytest.mark.parametrize("answers, expected", GROUPS)
def test_answers_group_into_wishes_largest_first(answers, expected):
    assert [list(w.members) for w in group(answers)] == expected


def test_a_common_wish_has_its_usual_name_and_another_its_most_typical_head():
    assert [w.title for w in group(["希望有长者食堂", "老人食堂 方便点", "电梯电梯电梯"])] == ["老年食堂", "加装电梯"]
    assert group(["修修篮球场", "篮球场地面修一下 太滑了"])[0].title == "修篮球场"
