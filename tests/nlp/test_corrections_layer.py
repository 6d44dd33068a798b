"""nlp.corrections: a community's corrections as a pure layer over classify() (issue 11, item 6)."""
from __future__ import annotations

import json

import pytest

import nlp
from nlp.correction_words import Change, location_value, parse
from nlp.corrections import EVIDENCE, Example, Ticketed, apply, compile_layer, load

QUARRELS = ["楼上卫生间漏水渗到我家天花板，找过他家三次了还是不修",
            "楼上水管漏水，我家墙皮都泡掉了，他家就是不肯修",
            "3号楼楼上漏水到我家，他家说不是他们的问题，不肯赔"]
OTHERS = [Ticketed("1号楼2单元楼道灯坏了好几天了", "repair", "normal"),
          Ticketed("6号楼电梯又坏了", "repair", "normal"),
          Ticketed("我家水管漏水了，麻烦派人来修一下", "repair", "normal")]


def quarrels(n: int = 3) -> list[Example]:
    return [Example(t, "category", "repair", "dispute", nlp.classify(t).evidence) for t in QUARRELS[:n]]


def layer(examples, background=OTHERS, **kw):
    data = compile_layer(examples, background, **kw)
    return load(json.loads(json.dumps(data))) if data is not None else None  # what the table stores


@pytest.mark.parametrize("text, category", [
    ("楼上家的水管漏到我家厨房，让他修他不修，麻烦社区出面", "dispute"),
    ("楼上漏水到我家两个月了，楼上住户不配合维修", "dispute"),
    ("楼上暖气管漏水淹了我家吊顶，他家人不认账", "repair"),  # urgent (淹了): an emergency keeps its category
    ("楼上的水管漏水滴到我家阳台，说了他也不管", "dispute"),
    ("我家厨房水管漏水了，请师傅来修", "repair"),
    ("楼道里的水管漏水了", "repair"),
    ("1号楼楼道灯坏了", "repair"),
    ("6号楼电梯坏了", "repair"),
])
def test_a_learnt_category_takes_similar_messages_only(text, category):
    result = nlp.classify(text)
    assert result.category == "repair"
    after = apply(result, text, layer(quarrels()))
    assert after.category == category
    assert (EVIDENCE["category"] in after.evidence) == (category != "repair")


def test_too_few_examples_make_no_layer():
    assert compile_layer(quarrels(2), OTHERS) is None
    assert layer(quarrels(2), min_examples=2) is not None


def test_the_layer_is_plain_json_data():
    data = compile_layer(quarrels(), OTHERS)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["labels"][0]["label"] == "dispute" and data["labels"][0]["from"] == ["repair"]


def test_only_categories_corrected_from_are_changed():
    text = "楼上家的水管漏到我家厨房，让他修他不修，麻烦社区出面"
    care = nlp.Classification("demand", "care", "normal", 0.9)
    assert apply(care, text, layer(quarrels())) is care


def test_chat_and_no_layer_are_left_alone():
    text = "楼上家的水管漏到我家厨房，让他修他不修"
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
