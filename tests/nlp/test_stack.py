"""nlp.stack and nlp.combine.decide_stacked: the learned combiner over the rules and the model."""
from __future__ import annotations

import math

import pytest

import nlp
from nlp import model, train
from nlp.classifier import read_rules
from nlp.combine import PROTECTED_CHARS, decide_stacked
from nlp.stack import Stack, category_features


def _stack(demand_bias: float) -> Stack:
    """A combiner whose demand head says ``sigmoid(demand_bias)`` whatever it reads."""
    cats = model.load().categories  # type: ignore[union-attr]
    zero = tuple(0.0 for _ in range(3 * len(cats)))
    return Stack(cats, 1.0, tuple(0.0 for _ in cats), tuple(zero for _ in cats),
                 tuple(0.0 for _ in range(11 + len(cats))), demand_bias)


def _decide(text: str, demand_bias: float) -> str:
    rules, s, head = read_rules(text)
    assert s is not None
    return decide_stacked(rules.intent, rules.confidence, s, 0.5, _stack(demand_bias), len(head), rules.category)[0]


def test_the_checked_in_model_has_a_combiner_and_uses_it() -> None:
    mdl = model.load()
    assert mdl is not None and mdl.stack is not None and mdl.stack.has_demand
    assert mdl.width == 2 + len(mdl.categories)  # each gram carries the combiner's folded columns
    c = nlp.classify("3号楼楼道灯坏了 麻烦派人来修一下")
    assert any(e.startswith("合并:类别repair") for e in c.evidence), c


@pytest.mark.parametrize("text", ["楼道灯坏了", "树倒下了 压着车了", "垃圾桶又满了", "物业费乱收 服务还差"])
def test_a_short_rules_demand_is_never_doubted_away(text: str) -> None:
    assert len(text) <= PROTECTED_CHARS
    assert _decide(text, -10.0) == "demand"  # the head is sure it is chat: the rules' short demand stays


def test_a_long_rules_demand_the_head_doubts_is_chat_or_asked() -> None:
    text = "今天社区体检的人好多 排了一个多小时才轮到我 下午还要去上班"
    rules, _, _ = read_rules(text)
    assert rules.intent == "demand" and len(text) > PROTECTED_CHARS
    assert _decide(text, -10.0) == "chat"
    assert _decide(text, math.log(0.3 / 0.7)) == "unsure"  # in the ask band: the bot asks first


def test_an_alarm_the_rules_read_is_never_dropped_to_chat() -> None:
    text = "门口打架的还没走 大伙都散了吧 别围着看了"  # ("让警察带走了" is over: danger._OVER)
    rules, s, _ = read_rules(text)
    assert s is not None and s.urgent and rules.intent != "chat"
    assert _decide(text, -10.0) in ("unsure", "demand")


def test_a_person_in_danger_is_always_a_demand() -> None:
    assert _decide("隔壁独居的老太太敲门一天都没人应 电视一直开着", -10.0) == "demand"


@pytest.mark.parametrize("text", ["6号楼2单元", "5栋2单元502", "3号楼"])
def test_a_place_alone_is_a_reply_not_a_demand(text: str) -> None:
    assert _decide(text, 10.0) == "chat"  # the head is sure it is a demand; the rules found nothing in it
    assert nlp.classify(text).intent == "chat"


def test_the_fold_gives_what_the_unfolded_weights_give() -> None:
    """The combiner's weights on the model's centred category scores, folded into gram columns at
    training, score a text as the explicit features times the unfolded weights do."""
    pytest.importorskip("sklearn")
    from nlp.train_stack import fit_stack, fold

    rows, _ = train.load_rows(train.training_files())
    sample = rows[::8]
    raw = train.fit(sample)
    plain = model.from_dict(raw | {"thresholds": {}, "meta": {}})
    views = [plain.view(train.model_text(r["text"])) for r in sample]
    cats = tuple(raw["categories"])
    stored = fold(fit_stack(sample, views, cats), raw)
    folded = model.from_dict(raw | {"stack": stored, "thresholds": {}, "meta": {}})
    assert folded.stack is not None
    coef, bias = stored["category_coef"], stored["category_bias"]
    checked = 0
    for text in ("3号楼楼道灯坏了好几天了", "楼上天天半夜蹦迪 吵得睡不着", "独居老人想请志愿者帮忙买菜",
                 "小区门口的井盖没了", "社区能不能办个书法班", "物业费涨了也不说明原因"):
        _, s, head = read_rules(text)
        assert s is not None
        x = category_features(s, plain.view(head).category_logits(), cats)
        want = [b + sum(w * v for w, v in zip(row, x)) for row, b in zip(coef, bias)]
        got = folded.stack.scores(s, folded.view(head))
        assert max(abs(g - w) for g, w in zip(got, want)) < 0.02, (text, got, want)  # int16 columns: ~0.001
        checked += 1
    assert checked == 6
