from pathlib import Path

import pytest

from nlp.evaluate import evaluate, load

HERE = Path(__file__).parent
DEV = Path(__file__).parents[2].parent / "shared/data/dev.jsonl"


def _check(res, demand_p, demand_r, macro, urg_r, urg_p, loc):
    p, r, _ = res["intent"]["demand"]
    assert p >= demand_p and r >= demand_r, res["intent"]
    assert res["macro_f1"] >= macro
    up, ur, _ = res["urgent"]
    assert ur >= urg_r and up >= urg_p, res["urgent"]
    assert res["location"] >= loc


@pytest.mark.skipif(not DEV.exists(), reason="dev.jsonl not present")
def test_dev_targets():
    _check(evaluate(load(DEV)), 0.95, 0.93, 0.88, 0.95, 0.80, 0.95)


def test_phrasings_targets():
    _check(evaluate(load(HERE / "phrasings.jsonl")), 0.95, 0.93, 0.88, 0.95, 0.80, 0.95)


def test_holdout_targets():
    # Written before tuning and never tuned on; the floor guards regressions.
    _check(evaluate(load(HERE / "holdout.jsonl")), 0.95, 0.90, 0.88, 0.95, 0.80, 0.95)


def test_cli(tmp_path):
    import io
    import json

    from nlp.__main__ import _classify_stream

    out = io.StringIO()
    _classify_stream(io.StringIO('楼道灯坏了\n{"text": "早上好"}\n\n'), out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0]["intent"] == "demand" and rows[1]["intent"] == "chat" and len(rows) == 3


def _challenge(split: str):
    rows = load(HERE / "challenge.jsonl")
    if split == "test":  # every 4th id: never looked at row by row while tuning, only as scores
        return [r for r in rows if int(r["id"][1:]) % 4 == 0]
    return rows


def test_challenge_targets():
    # Unseen styles (elderly, voice-to-text, dialect, typos, emoji, pinyin/English,
    # sarcasm, hard chat negatives); written before the lexicon was read.
    _check(evaluate(_challenge("all")), 0.95, 0.93, 0.88, 0.95, 0.80, 0.95)


def test_challenge_test_split_targets():
    _check(evaluate(_challenge("test")), 0.95, 0.93, 0.88, 0.95, 0.80, 0.95)


def test_the_blind_held_out_split_keeps_what_it_reached():
    """The 12,673 held-out messages of the blind corpus (never trained or tuned on): floors just under the
    figures reached (stop 33: category 0.908, urgent recall 0.952 and precision 0.889), so a change that loses them
    fails; urgent recall is held at the issue's target, 0.95."""
    from nlp.evaluate import LONG_LETTER, corpus_sets

    held = [r for name, rows in corpus_sets() if name.endswith("_heldout") for r in rows]
    assert len(held) == 12673
    _check(evaluate(held), 0.96, 0.97, 0.90, 0.95, 0.885, 0.985)
    letters = evaluate([r for r in held if len(r["text"]) >= LONG_LETTER])
    assert letters["intent"]["demand"][1] >= 0.90  # long formal letters: demand recall
