"""Roll-call answers as people write them (nlp.rollcall), table-tested."""
from __future__ import annotations

import pytest

from nlp import rollcall

TABLE = [
    ("到", "yes"), ("到！", "yes"), ("报名", "yes"), ("我报名", "yes"), ("我去", "yes"), ("我去吧", "yes"),
    ("算我一个", "yes"), ("算我一个！", "yes"), ("我参加", "yes"), ("我也去", "yes"), ("随时待命", "yes"),
    ("收到，我去", "yes"), ("好的我去", "yes"), ("马上到", "yes"), ("有", "yes"), ("服从安排", "yes"),
    ("去不了", "no"), ("有事来不了", "no"), ("我去不了", "no"), ("抱歉，去不了", "no"), ("不好意思来不了", "no"),
    ("人在外地", "no"), ("这次去不了", "no"), ("请假", "no"), ("来不了了", "no"),
    ("收到", "ack"), ("收到收到", "ack"), ("好的，收到", "ack"), ("已收到", "ack"), ("👍", "ack"),
    ("到岗", "arrived"), ("已到岗", "arrived"), ("我到了", "arrived"), ("到了", "arrived"), ("已经到位", "arrived"),
    ("到岗 3号楼门口", "arrived"), ("签到了", "arrived"),
]
NOT_ANSWERS = ["电梯坏了", "你好", "到底什么时候修", "你到了吗", "还没到", "快到了吗", "报名 3", "明天去不去",
               "我家灯不亮了", "", "哈哈哈", "到时候再说吧", "我去年报过名了"]


@pytest.mark.parametrize(("text", "kind"), TABLE)
def test_answers(text, kind):
    assert rollcall.read(text).kind == kind


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_not_answers(text):
    assert rollcall.read(text) is None


def test_arrival_keeps_the_place():
    assert rollcall.read("到岗 3号楼门口").place == "3号楼门口"
    assert rollcall.read("已到岗，东门卡口").place == "东门卡口"
    assert rollcall.read("到岗").place == ""


def test_a_bare_acknowledgement_is_group_chatter():
    assert not rollcall.could_be("收到") and rollcall.could_be("到") and rollcall.could_be("去不了")
