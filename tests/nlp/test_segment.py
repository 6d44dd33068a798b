"""nlp.segment cuts a block exactly as jieba's own dictionary cut (HMM off) does, with the same tables."""
from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import classifier
from nlp.normalize import normalize
from nlp.segment import DagCutter

CORPUS = Path(__file__).resolve().parent / "corpus"
BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")  # jieba's re_han_default
TK = classifier.tokenizer()
CUTTER = DagCutter(TK.FREQ, TK.total)  # type: ignore[attr-defined]


def _same(block: str) -> None:
    assert CUTTER.cut(block) == TK.lcut(block, HMM=False), block


def test_the_classifier_cuts_with_it():
    assert classifier._cutter is not None
    assert classifier._segment("楼道灯坏了") == TK.lcut("楼道灯坏了", HMM=False)


def test_every_block_of_the_corpus_is_cut_as_jieba_cuts_it():
    blocks = set()
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    blocks.update(BLOCK.findall(normalize(json.loads(line)["text"])))
    assert len(blocks) > 5000
    for block in blocks:
        _same(block)


def test_edge_blocks():
    for block in ["a", "1", "abc123", "3号楼2单元1102", "a座", "堵", "漏水漏水漏水", "x-1", "%", "B2b坏",
                  "研究生命起源", "结婚的和尚未结婚的", "鿕鿕", "99.5%"]:
        _same(block)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="楼道灯坏了电梯漏水堵没人管老人孩子着火煤气味道修理物业费ab12-._%#", min_size=1, max_size=30))
def test_generated_blocks(block):
    _same(block)
