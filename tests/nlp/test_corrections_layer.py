"""nlp.corrections: a community's corrections as a pure layer over classify() (issue 11, item 6)."""
from __future__ import annotations

import json

import pytest

import nlp
from nlp.correction_words import Change, location_value, parse
from nlp.corrections import EVIDENCE, Example, Ticketed, apply, compile_layer, load

# Parcels piled up by the lockers: the classifier files them under 其他; one community's secretary
# files each under 物业服务 (the property company runs its lockers).
QUARRELS = ["快递柜满了好几天，快递员把包裹堆在地上",
            "快递柜那边包裹堆了一地没人管",
            "门口的快递驿站乱放快递，经常丢件"]
OTHERS = [Ticketed("1号楼2单元楼道灯坏了好几天了", "repair", "normal"),
          Ticketed("6号楼电梯又坏了", "repair", "normal"),
          Ticketed("小区里能不能装个自动售货机", "other", "normal")]


def quarrels(n: int = 3) -> list[Example]:
    return [Example(t, "category", "other", "property", nlp.classify(t).evidence) for t in QUARRELS[:n]]


def layer(examples, background=OTHERS, **kw):
    data = compile_layer(examples, background, **kw)
    return load(json.loads(json.dumps(data))) if data is not None else None  # what the table stores


@pytest.mark.parametrize("text, category", [
    ("快递员又把包裹堆在快递柜旁边地上，丢了好几个", "property"),
    ("快递柜满了 快递员把包裹都堆在旁边地上", "property"),
    ("小区里能不能装个自动售货机", "other"),
    ("边上的公交站牌被撤了，能不能问问公交公司", "other"),
])
def test_a_learnt_category_takes_similar_messages_only(text, category):
    result = nlp.classify(text)
    assert result.category == "other"
    after = apply(result, text, layer(quarrels()))
    assert after.category == category
    assert (EVIDENCE["category"] in after.evidence) == (category != "other")


def test_too_few_examples_make_no_layer():
    assert compile_layer(quarrels(2), OTHERS) is None
    assert layer(quarrels(2), min_examples=2) is not None


def test_the_layer_is_plain_json_data():
    data = compile_layer(quarrels(), OTHERS)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["labels"][0]["label"] == "property" and data["labels"][0]["from"] == ["other"]


def test_only_categories_corrected_from_are_changed():
    text = "快递员又把包裹堆在快递柜旁边地上，丢了好几个"
    care = nlp.Classification("demand", "care", "normal", 0.9)
    assert apply(care, text, layer(quarrels())) is care


def test_chat_and_no_layer_are_left_alone():
    text = "快递柜那边包裹又堆了一地"
    chat = nlp.Classification("chat", None, None, 0.1)
    assert apply(chat, text, layer(quarrels())) is chat
    result = nlp.classify(text)
    assert apply(result, text, None) is result


URGENT = ["独居的刘奶奶两天没出门了，敲门也没人应", "对门王大爷好几天没见出门了，敲门没人应",
          "隔壁独居老人一天没出门，敲门没人应"]


def test_urgency_is_only_ever_raised():
    examples = [Example(t, "urgency", "normal", "urgent") for t in URGENT]
    learnt = layer(examples)
    text = "楼下独居的老太太好几天没出门了，敲门没人应"
    normal = nlp.Classification("demand", "care", "normal", 0.9)
    raised = apply(normal, text, learnt)
    assert raised.urgency == "urgent" and EVIDENCE["urgency"] in raised.evidence
    # Corrections to 不紧急 are never learnt: what the rules or nlp.danger flagged stays urgent.
    lowered = [Example(t, "urgency", "urgent", "normal") for t in URGENT]
    assert compile_layer(lowered, OTHERS) is None
    urgent = nlp.Classification("demand", "care", "urgent", 0.9)
    assert apply(urgent, text, learnt).urgency == "urgent"


def test_a_place_corrected_to_the_same_building_gives_that_building():
    where = location_value("3", "2", None)
    texts = ["村东头的路灯坏了", "村东头那边的垃圾好几天没人收了", "村东头水管爆了"]
    learnt = layer([Example(t, "location", location_value(None, None, None), where) for t in texts])
    text = "村东头的下水道堵了"
    result = nlp.classify(text)
    assert result.building is None
    after = apply(result, text, learnt)
    assert (after.building, after.unit) == ("3", "2") and EVIDENCE["location"] in after.evidence
    named = nlp.classify("5号楼村东头的下水道堵了")
    assert apply(named, "5号楼村东头的下水道堵了", learnt).building == "5"  # a building said is kept


@pytest.mark.parametrize("words, change", [
    ("纠纷", Change("category", "dispute")),
    ("类别 邻里纠纷", Change("category", "dispute")),
    ("分类：物业", Change("category", "property")),
    ("dispute", Change("category", "dispute")),
    ("紧急", Change("urgency", "urgent")),
    ("改为纠纷", Change("category", "dispute")),
    ("应该是紧急", Change("urgency", "urgent")),
    ("不紧急", Change("urgency", "normal")),
    ("普通", Change("urgency", "normal")),
    ("紧急程度 一般", Change("urgency", "normal")),
    ("3号楼2单元", Change("location", location_value("3", "2", None))),
    ("位置 5栋3单元502", Change("location", location_value("5", "3", "502"))),
    ("位置 小区东门", Change("location", location_value(None, None, None, "小区东门"))),
    ("", "empty"),
    ("类别", "empty"),
    ("类别 火星事务", "unknown_category"),
    ("哈哈哈", "unknown"),
])
def test_what_follows_the_number(words, change):
    assert parse(words) == change
