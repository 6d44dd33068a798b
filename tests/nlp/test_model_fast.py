"""The model's fast paths give exactly what the plain gram lookups give.

``Model.view`` finds the known grams with an Aho-Corasick automaton instead of cutting every gram and
looking it up, and ``unpack_sums`` cuts the packed column sums apart with struct instead of shifts;
both must agree with the slow way to the last bit, on real messages and on generated ones.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import model
from nlp.normalize import normalize
from tests.nlp.automaton import needs_automaton

CORPUS = Path(__file__).resolve().parent / "corpus"
MODEL = model.load()


def _slow_view(m: model.Model, text: str) -> model.ModelView:
    g = model.grams(text)
    hits = [h for h in map(m.weights.get, g) if h]
    return model.ModelView(m, model.marked(text), hits, m.scale / math.sqrt(len(g)))


def _same(text: str) -> None:
    assert MODEL is not None
    fast, slow = MODEL.view(text), _slow_view(MODEL, text)
    assert (fast.demand, fast.urgent, fast.stack_sums, fast.scale) == (
        slow.demand, slow.urgent, slow.stack_sums, slow.scale), text


def _corpus_texts() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*.jsonl"))[::2]:
        with path.open(encoding="utf-8") as fh:
            out += [normalize(json.loads(line)["text"])[:500] for line in fh if line.strip()]
    return out


@needs_automaton
def test_the_automaton_finds_what_the_lookups_find():
    assert MODEL is not None and MODEL.finder is not None
    texts = _corpus_texts()
    assert len(texts) > 1000
    for text in texts + ["", "1", "a", "坏", "12栋1102漏水了", "零零零", "😀😀 电梯"]:
        _same(text)


@needs_automaton
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="楼道灯坏了电梯漏水0123456789ab号栋 ！？", max_size=40))
def test_the_automaton_on_generated_text(text):
    _same(text)


def test_a_model_without_the_automaton_reads_the_same():
    assert MODEL is not None
    plain = model.Model(**{f: getattr(MODEL, f) for f in MODEL.__dataclass_fields__ if f != "finder"})
    assert plain.finder is None
    for text in ["3号楼楼道灯坏了", "", "电梯又停了 老人爬不动 麻烦处理一下"]:
        a, b = plain.view(text), MODEL.view(text)
        assert (a.demand, a.urgent, a.stack_sums) == (b.demand, b.urgent, b.stack_sums)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([2, 14]).flatmap(
    lambda w: st.lists(st.tuples(*[st.integers(-32767, 32767)] * w), max_size=900)))
def test_column_sums_round_trip(rows):
    width = len(rows[0]) if rows else 2
    total = sum(model.pack_columns(r) for r in rows)
    assert model.unpack_sums(total, len(rows), width) == [sum(r[k] for r in rows) for k in range(width)]
