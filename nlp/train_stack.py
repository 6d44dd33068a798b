"""Fit the combiner (nlp/stack.py) on out-of-fold readings of the training rows.

The model's readings come from models fitted without each row's fold (nlp/train.out_of_fold), so the
combiner learns how far to trust the model on text it has not seen, not on text it memorised.
Needs scikit-learn (the ``train`` extra); the held-out files are never read.
"""
from __future__ import annotations

from typing import Any

from nlp.stack import category_features

C_CATEGORY = 0.03  # strong regularisation: 48 features, some rare; chosen on out-of-fold macro-F1 (0.872; 0.1: 0.868)
C_DEMAND = 1.0
# Out of fold (2,559 rows), demand at 0.5: precision 0.967, recall 0.972 (the hand-set bands: 0.938 and
# 0.977). Between ASK_AT and DEMAND_AT the bot asks before it opens a ticket.
DEMAND_AT = 0.5
ASK_AT = 0.3


def _features(rows: list[dict[str, Any]], views: list[Any], categories: tuple[str, ...]) -> tuple[list[Any], ...]:
    from nlp.classifier import read_rules

    xc, yc = [], []
    for r, v in zip(rows, views):
        if r["intent"] != "demand" or not r.get("category") or v is None:
            continue
        _, s, head = read_rules(r["text"])
        if s is None:
            continue
        xc.append(category_features(s, v.category_logits(), categories))
        yc.append(r["category"])
    return xc, yc


def _demand_head(rows: list[dict[str, Any]], views: list[Any]) -> dict[str, Any]:
    """The demand head, on every demand or chat row (unsure rows are the ones a person could read either way)."""
    from sklearn.linear_model import LogisticRegression

    from nlp.classifier import read_rules
    from nlp.combine import SHORT_TEXT, intent_features

    x, y = [], []
    for r, v in zip(rows, views):
        if r["intent"] not in ("demand", "chat") or v is None:
            continue
        c, s, head = read_rules(r["text"])
        if s is None:
            continue
        x.append(intent_features(c.confidence, v.demand, s, len(head) <= SHORT_TEXT, c.category))
        y.append(r["intent"] == "demand")
    head_ = LogisticRegression(C=C_DEMAND, max_iter=2000).fit(x, y)
    return {"coef": [round(float(w), 5) for w in head_.coef_[0]], "bias": round(float(head_.intercept_[0]), 5),
            "threshold": DEMAND_AT, "ask": ASK_AT}


def fit_stack(rows: list[dict[str, Any]], views: list[Any], categories: tuple[str, ...]) -> dict[str, Any]:
    """The combiner's weights as stored in the model file."""
    from sklearn.linear_model import LogisticRegression

    xc, yc = _features(rows, views, categories)
    cat = LogisticRegression(C=C_CATEGORY, max_iter=3000).fit(xc, yc)
    order = [list(cat.classes_).index(c) for c in categories]  # rows in the model's category order
    return {
        "category_coef": [[round(float(w), 5) for w in cat.coef_[i]] for i in order],
        "category_bias": [round(float(cat.intercept_[i]), 5) for i in order],
        "rows": len(yc),
        "demand": _demand_head(rows, views),
    }


def fold(stack: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """Fold the combiner's weights on the model's centred category scores into gram columns.

    sum_k a_ck (z_k - mean z) = sum_k (a_ck - mean_j a_cj) z_k, and z_k = bias_k + scale * column_k[rows],
    so each category gets bias + sum_k a'_ck bias_k and the column sum_k a'_ck column_k (stored as
    int16 with its own scale). The unfolded weights stay in the file for the test that checks the fold."""
    import numpy as np

    from nlp.model import pack, unpack

    n = len(raw["categories"])
    a = np.array(stack["category_coef"])[:, :n]
    a = a - a.mean(axis=1, keepdims=True)
    rows = len(raw["grams"].split("\n"))
    model_cols = np.array(unpack(raw["category_weights"]), dtype=float).reshape(n, rows)
    folded = a @ model_cols
    column_scale = float(np.abs(folded).max()) / 32000 or 1.0
    bias = np.array(stack["category_bias"]) + a @ np.array(raw["category_bias"])
    return stack | {
        "columns": pack([int(round(v)) for v in (folded / column_scale).ravel()]),
        "column_scale": column_scale,
        "bias": [round(float(v), 5) for v in bias],
        "rule_coef": [row[n:] for row in stack["category_coef"]],
    }
