"""The thing (object + fault) and the same-problem rule, table-tested; scores on the pair files."""
from pathlib import Path

import pytest

from nlp.duplicates import duplicate_score, read, same_problem
from nlp.evaluate import load
from nlp.evaluate_pairs import evaluate_pairs
from nlp.things import OBJECTS, extract, faults_match, objects_match

HERE = Path(__file__).parent

THINGS = [
    # how residents name the thing -> (objects, faults)
    ("楼道灯坏了", {"light.corridor"}, {"broken"}),
    ("声控灯不亮", {"light.corridor"}, {"broken"}),
    ("感应灯一直不亮", {"light.corridor"}, {"broken"}),
    ("楼梯灯白天也亮着", {"light.corridor"}, {"on_always"}),
    ("楼梯间的灯黑咕隆咚", {"light.corridor"}, {"broken"}),
    ("门口路灯不亮", {"light.street"}, {"broken"}),
    ("灯坏了", {"light"}, {"broken"}),
    ("电梯坏了", {"elevator"}, {"broken"}),
    ("升降梯不动了", {"elevator"}, {"broken"}),
    ("直梯停运", {"elevator"}, {"broken"}),
    ("电梯困人了", {"elevator"}, {"trapped"}),
    ("门禁刷不开", {"unit_door"}, {"door_stuck"}),
    ("单元门关不上", {"unit_door"}, {"door_stuck"}),
    ("单元门口台阶碎了", {"steps"}, {"damaged"}),  # 单元门口 is a place
    ("对讲门失灵", {"unit_door"}, {"broken"}),
    ("水龙头漏水", {"water"}, {"leak"}),
    ("水管爆了", {"water"}, {"leak"}),
    ("自来水管裂了", {"water"}, {"damaged"}),
    ("停水了", {"water"}, {"outage"}),
    ("家里没水了", {"water"}, {"outage"}),
    ("4号楼下水道堵了", {"drain"}, {"blocked"}),
    ("6号楼楼下水管漏水", {"water"}, {"leak"}),  # 楼下 + 水管, not 下水管
    ("2号楼1楼下水道往上冒", {"drain"}, {"blocked"}),
    ("楼梯扶手松了", {"handrail"}, {"loose"}),
    ("栏杆晃动", {"handrail"}, {"loose"}),
    ("井盖丢了", {"manhole"}, {"missing"}),
    ("窨井盖没了", {"manhole"}, {"missing"}),
    ("单元门口的井盖没了 黑灯瞎火的", {"manhole"}, {"missing"}),  # 黑灯瞎火 is "pitch dark": no lamp
    ("垃圾桶满了", {"garbage.bin"}, {"full"}),
    ("垃圾箱爆满", {"garbage.bin"}, {"full"}),
    ("楼道堆满杂物", {"garbage.clutter"}, {"full"}),
    ("建筑垃圾乱倒", {"garbage.construction"}, {"litter"}),
    ("电动车在楼道充电", {"ebike"}, {"charging"}),
    ("电瓶车乱停", {"ebike"}, {"obstruct"}),
    ("消防通道被车堵了", {"fire_lane", "car"}, {"blocked"}),
    ("暖气不热", {"heating"}, {"cold"}),
    ("楼顶漏水", {"roof"}, {"leak"}),
    ("树被风刮倒了", {"tree"}, {"fallen"}),
    ("装修噪音太大", {"renovation"}, {"noise"}),
    ("老鼠乱窜", {"rat"}, set()),
    ("电梯没坏，是门禁不好使", {"elevator", "unit_door"}, {"broken"}),  # 没坏 is dropped
]


@pytest.mark.parametrize("text,objects,faults", THINGS)
def test_thing_table(text, objects, faults):
    from nlp.normalize import normalize

    thing = extract(normalize(text))
    assert (set(thing.objects), set(thing.faults)) == (objects, faults)


def test_every_object_code_is_matched_by_its_own_words():
    from nlp.normalize import normalize

    for code, words in OBJECTS.items():
        for w in words:
            if code:  # "" marks places that hide an object word
                assert objects_match(extract(normalize(w)).objects, frozenset({code})), (code, w)


def test_object_and_fault_compatibility():
    assert objects_match(frozenset({"light"}), frozenset({"light.corridor"}))
    assert not objects_match(frozenset({"light.street"}), frozenset({"light.corridor"}))
    assert faults_match(frozenset({"broken"}), frozenset({"leak"}))
    assert faults_match(frozenset({"leak"}), frozenset({"damaged"}))
    assert not faults_match(frozenset({"outage"}), frozenset({"leak"}))
    assert not faults_match(frozenset({"broken"}), frozenset({"full"}))  # a condition of its own
    assert faults_match(frozenset(), frozenset({"full"}))


PLACES = [
    ("3号楼2单元楼道灯坏了", ("3", "2", None, None)),
    ("3号楼2单元5楼楼道灯坏了", ("3", "2", "5", None)),
    ("1号楼3层的声控灯不亮", ("1", None, "3", None)),
    ("3号楼五层楼道灯不亮", ("3", None, "5", None)),
    ("5号楼2单元502水管漏水", ("5", "2", "5", "502")),
    ("3-2-401暖气不热", ("3", "2", "4", "401")),
]


@pytest.mark.parametrize("text,place", PLACES)
def test_place_table(text, place):
    r = read(text)
    assert (r.building, r.unit, r.floor, r.room) == place


def test_the_four_findings():
    assert not same_problem("3号楼2单元楼道灯坏了", "3号楼2单元门禁坏了")
    assert not same_problem("2号楼1单元电梯坏了", "2号楼4单元电梯坏了")
    assert not same_problem("1号楼3单元水龙头漏水", "1号楼3单元楼梯扶手松了")
    assert same_problem("5号楼2单元楼道灯坏了好几天了", "5号楼2单元楼道灯坏了好几天了")


def test_score_prefers_the_better_placed_match():
    new = "3号楼2单元楼道灯不亮"
    assert duplicate_score(new, "3号楼2单元楼道灯坏了") > duplicate_score(new, "楼道灯坏了") > 0


def test_a_lift_is_one_lift_on_every_floor():
    assert same_problem("5号楼电梯坏了停在5楼", "5号楼电梯坏了，我住18楼下不去")
    assert not same_problem("5号楼5楼楼道灯坏了", "5号楼18楼楼道灯坏了")


def test_two_kinds_of_danger_are_two_emergencies():
    """Found in the simulator (stop 31): a resident trapped in a lift in a power cut, then an estate-wide cut
    with elders freezing, was filed as the lift ticket again (both name the power); the same danger told
    twice still joins."""
    lift = "我被关在1号楼电梯里了 停电了 手机只剩百分之十的电"
    assert not same_problem(lift, "整个小区停电快一天了，零下十七度，老人冻得直哆嗦")
    assert same_problem(lift, "1号楼电梯里关着人 停电了 快来")


def test_junk_input_is_no_match():
    assert not same_problem("", "")
    assert not same_problem("😀😀", "？？？")
    assert duplicate_score("x" * 10000, "x" * 10000) >= 0


@pytest.mark.parametrize("name,precision,recall", [
    ("duplicates.jsonl", 0.97, 0.97),
    # Held out: written with the tuning pairs, before the detector, and never tuned on.
    ("duplicates_holdout.jsonl", 0.95, 0.95),
    # Harder styles, written after tuning and run once; measured 0.960 / 0.889.
    ("duplicates_fresh.jsonl", 0.90, 0.85),
])
def test_pair_targets(name, precision, recall):
    res = evaluate_pairs(load(HERE / name))
    assert res["n"] >= 50
    assert res["precision"] >= precision and res["recall"] >= recall, res["errors"]


def test_cli_prints_duplicate_precision_and_recall(capsys):
    from nlp.__main__ import main

    assert main(["evaluate", str(HERE / "duplicates.jsonl"), str(HERE / "duplicates_holdout.jsonl")]) == 0
    out = capsys.readouterr().out
    assert out.count("duplicate precision") == 2 and "recall" in out


def test_a_stored_place_wins_over_a_text_without_one():
    assert same_problem("3号楼楼道灯坏了", "楼道灯坏了")
    assert duplicate_score("3号楼楼道灯坏了", "楼道灯坏了", b_place=("1", None, None)) == 0.0
    assert duplicate_score("1号楼楼道灯坏了", "楼道灯坏了", b_place=("1", None, None)) > 0
    assert duplicate_score("1号楼2单元楼道灯坏了", "楼道灯坏了", b_place=("1", "3", None)) == 0.0
