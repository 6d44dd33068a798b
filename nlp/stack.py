"""The combiner: a small learned layer that weighs the rules' findings against the model's reading.

A hand-set precedence ("an explicit category word wins") threw away what each side knows about the
other's mistakes: on out-of-fold readings of the training rows the rules' pick was right 0.88 of the
time where they had one explicit word, the model's 0.87, and a combiner fitted on both 0.92. So a
tiny linear head is fitted (``python -m nlp train``, nlp/train_stack.py) on those readings: for each
category k, the model's category score (centred over the twelve), the rules' word score (capped),
whether the rules picked k and whether a danger word named k; a softmax over the twelve.
A second head, for demand, reads the rules' confidence and findings, the model's demand probability and
the rules' category (nlp.combine.intent_features); nlp.combine.decide_stacked applies it within guards.
(Urgency is not learnt here: an alarm the rules raise is never lowered; see nlp.combine.)

The model's scores are linear in its grams, so training folds the combiner's weights on them into one
column per category (nlp/train_stack.fold): scoring costs what the model's own category head cost.
Pure Python; no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import mul
from typing import Any

from nlp.adjusters import Scores
from nlp.scoring import pick_category, sigmoid
from nlp.types import Reading

SCORE_CAP = 4.0  # a rule score beyond this says nothing more


def rule_features(s: Scores, categories: tuple[str, ...]) -> list[float]:
    """3 blocks of len(categories): rule score, the rules' pick, the danger's category."""
    picked = pick_category(s)[0]
    return ([min(s.categories.get(k, 0.0), SCORE_CAP) for k in categories]
            + [1.0 if picked == k else 0.0 for k in categories]
            + [1.0 if s.urgent_cat == k else 0.0 for k in categories])


def category_features(s: Scores, logits: list[float], categories: tuple[str, ...]) -> list[float]:
    """What the combiner's category head reads (training): the model's centred scores, then the rules'."""
    mean = sum(logits) / len(logits)
    return [z - mean for z in logits] + rule_features(s, categories)


@dataclass(frozen=True, slots=True)
class Stack:
    categories: tuple[str, ...]
    column_scale: float  # a folded column's stored int -> weight (times the model's own per-text scale)
    bias: tuple[float, ...]  # per category, its own bias plus the folded model biases
    rule_coef: tuple[tuple[float, ...], ...]  # per category, its weights on rule_features
    demand_coef: tuple[float, ...] = ()  # the demand head's weights on nlp.combine.intent_features
    demand_bias: float = 0.0
    demand_threshold: float = 0.5  # at least this: a demand; at least ask_threshold: ask first
    ask_threshold: float = 0.3
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _by_feature: tuple[tuple[float, ...], ...] = field(init=False, repr=False, compare=False)  # rule_coef transposed

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {k: i for i, k in enumerate(self.categories)})
        object.__setattr__(self, "_by_feature", tuple(zip(*self.rule_coef)))

    @property
    def has_demand(self) -> bool:
        return bool(self.demand_coef)

    def demand(self, x: list[float]) -> float:
        """The combined probability that the message is a demand."""
        return sigmoid(self.demand_bias + sum(map(mul, self.demand_coef, x)))

    def scores(self, s: Scores, mv: Reading, picked: str | None = None) -> list[float]:
        """Each category's score before the softmax, in ``categories`` order (``picked``: the rules'
        pick when the caller has it). The same sums as ``rule_features`` times ``rule_coef``, over the
        few features that are not zero."""
        scale = mv.scale * self.column_scale
        z = [b + scale * m for b, m in zip(self.bias, mv.stack_sums)]
        index, by_feature, n = self._index, self._by_feature, len(self.categories)  # set in __post_init__
        active = [(index[k], min(v, SCORE_CAP)) for k, v in s.categories.items() if v and k in index]
        active.append((n + index[picked if picked is not None else pick_category(s)[0]], 1.0))
        if s.urgent_cat in index:
            active.append((2 * n + index[s.urgent_cat], 1.0))
        for i, v in active:
            z = [a + v * w for a, w in zip(z, by_feature[i])]
        return z

    def category(self, s: Scores, mv: Reading, picked: str | None = None) -> tuple[str, float]:
        """The combined category and its probability."""
        z = self.scores(s, mv, picked)
        top = max(z)
        best = z.index(top)
        return self.categories[best], 1.0 / sum(math.exp(v - top) for v in z)


def from_dict(raw: dict[str, Any] | None, categories: tuple[str, ...]) -> Stack | None:
    """The stored combiner (None: the model was trained without one). Its folded gram columns are
    read by nlp.model, which adds them to each gram's weights."""
    if not raw:
        return None
    demand = raw.get("demand") or {}
    return Stack(categories, float(raw["column_scale"]), tuple(raw["bias"]), tuple(tuple(r) for r in raw["rule_coef"]),
                 tuple(demand.get("coef", ())), float(demand.get("bias", 0.0)),
                 float(demand.get("threshold", 0.5)), float(demand.get("ask", 0.3)))
