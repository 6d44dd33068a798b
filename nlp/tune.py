"""Tune the combination thresholds (nlp/combine.py) on out-of-fold model readings of the training rows.

Each training row is read by the rules and by a model fitted without its fold (nlp/train.py), so
the thresholds are chosen on readings the model never trained on; the held-out files are never read.
Each group of thresholds acts on its own rows (chat, unsure, weak demand; categories; urgency), and is
chosen by a small grid in turn: the most rows right (a missed emergency counts twice), ties to the more
cautious value (the first).
"""
from __future__ import annotations

from itertools import product
from typing import Any

from nlp.combine import DEFAULT_THRESHOLDS, SHORT_TEXT, _category, decide, raise_urgency, unasked

GRID: dict[str, tuple[float, ...]] = {
    "up": (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6),
    "up_doubtful": (1.01, 0.99, 0.98, 0.95, 0.9),
    "unsure_up": (0.9, 0.8, 0.7, 0.6, 0.5, 0.4),
    "unsure_down": (0.0, 0.05, 0.1, 0.2, 0.3),
    "down": (0.0, 0.02, 0.05),  # only when very sure
    "weak": (0.7, 0.8),
    "cat_strong": (1.0, 1.5, 2.0, 3.0),  # a strong word (3.0) always wins
    "cat_p": (0.9, 0.8, 0.7, 0.6, 0.5, 0.4),
    "tie": (0.0, 0.25, 0.5),  # a near tie only: an explicit word wins
    # not below 0.4: at 0.35-0.4 the model raised "椅子腿断了" and a broken leg asking for the pharmacy
    # (the look-alike tables of tests/nlp/test_model.py and test_danger.py)
    "urgent": (0.99, 0.97, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.45, 0.4),
}


# The model's raises alone (rows the rules did not call urgent) must be right this often. Out of fold the
# rules look more precise than on text by unseen writers (they were written against the training rows),
# so the whole-set precision flattered lower thresholds: at 0.4 the raises were 79 right and 67 wrong.
RAISE_PRECISION = 0.65


def tune_thresholds(rows: list[dict[str, Any]], views: list[Any]) -> dict[str, float]:
    from nlp.classifier import read_rules

    read = [read_rules(r["text"]) for r in rows]
    items = [(r, c, s, head, v) for r, (c, s, head), v in zip(rows, read, views) if s is not None]
    th = dict(DEFAULT_THRESHOLDS)

    def intent_right(keys: tuple[str, ...]) -> None:
        best, best_n = None, -1
        for values in product(*(GRID[k] for k in keys)):
            trial = th | dict(zip(keys, values))
            n = 0
            for r, c, s, head, v in items:
                if r["intent"] == "unsure":
                    continue
                got = c.intent if unasked(c, s, trial) else decide(c.intent, c.confidence, s, v.demand, trial,
                                                                    len(head) <= SHORT_TEXT)[0]
                n += (got == "demand") == (r["intent"] == "demand")
            if n > best_n:
                best, best_n = values, n
        th.update(zip(keys, best or ()))

    intent_right(("up", "unsure_up", "unsure_down"))
    intent_right(("up_doubtful",))
    intent_right(("down", "weak"))
    demands = []
    for r, c, s, head, v in items:
        got = c.intent if unasked(c, s, th) else decide(c.intent, c.confidence, s, v.demand, th,
                                                        len(head) <= SHORT_TEXT)[0]
        if r["intent"] == "demand" and got == "demand":
            demands.append((r, c, s, head, v))
    best, best_n = None, -1
    for values in product(GRID["cat_strong"], GRID["cat_p"], GRID["tie"]):
        trial = th | dict(zip(("cat_strong", "cat_p", "tie"), values))
        n = sum(_category(c, s, v, trial)[0] == r["category"] for r, c, s, _, v in demands)
        if n > best_n:
            best, best_n = values, n
    th.update(zip(("cat_strong", "cat_p", "tie"), best or ()))
    th["urgent"] = _urgent_threshold(th, demands)
    return th


def _urgent_threshold(th: dict[str, float], demands: list[Any]) -> float:
    """The lowest threshold (most emergencies caught) whose out-of-fold raises (urgent by the model where
    the rules said normal) are right at least RAISE_PRECISION of the time: a false alarm sends 119/120
    advice and wakes the secretaries, so recall is bought only while alarms stay mostly right. None
    qualifying: the most precise."""
    scored = []
    for value in GRID["urgent"]:
        trial = th | {"urgent": value}
        tp = fp = 0
        for r, _, s, head, v in demands:
            if s.urgent or not raise_urgency(s, v, head, trial, v.category()[0]):  # the model is asked of every demand
                continue
            gold = r.get("urgency") == "urgent"
            tp += gold
            fp += not gold
        scored.append((value, tp, tp / (tp + fp) if tp + fp else 1.0))
    good = [(tp, value) for value, tp, precision in scored if precision >= RAISE_PRECISION]
    if good:
        return max(good, key=lambda t: (t[0], t[1]))[1]
    return max(scored, key=lambda t: (t[2], t[0]))[0]
