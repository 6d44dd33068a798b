"""The learned model beside the rules: character n-grams and three linear heads, pure Python.

``python -m nlp train`` (nlp/train.py, scikit-learn) fits it on the labelled sets in the repo and
writes ``nlp/data/model.json.gz``; here it is only read and applied, with no numpy or sklearn.

Features: the set of character 1-, 2- and 3-grams of the normalised text (digits folded to 0,
start and end marked), each worth 1/sqrt(number of grams), so a text's vector has length 1.
Every gram the model kept maps to one tuple ``(demand weight, urgent weight, category weights)``:
scoring a text is one dict lookup per gram and a few sums.
"""
from __future__ import annotations

import gzip
import json
import math
import threading
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).parent / "data" / "model.json.gz"
MAX_CHARS = 300  # n-grams of the first 300 normalised characters (bounded work)
_START, _END = "\x02", "\x03"
_DIGITS = str.maketrans("123456789", "000000000")

# gram -> (demand weight, urgent weight, category weights or None)
Weights = tuple[float, float, "tuple[float, ...] | None"]
_first = itemgetter(0)
_second = itemgetter(1)


def grams(text: str) -> set[str]:
    """The character 1-3 grams of ``text`` (already normalised), as the model sees them."""
    t = _START + text[:MAX_CHARS].translate(_DIGITS) + _END
    bi = list(map(str.__add__, t, t[1:]))
    out = set(t)
    out.update(bi)
    out.update(map(str.__add__, bi, t[2:]))
    return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass(frozen=True, slots=True)
class Model:
    weights: dict[str, Weights]
    demand_bias: float
    urgent_bias: float
    categories: tuple[str, ...]
    category_bias: tuple[float, ...]
    thresholds: dict[str, float]
    meta: dict[str, Any]

    def view(self, text: str) -> ModelView:
        g = grams(text)
        get = self.weights.get
        hits = [w for w in map(get, g) if w is not None]
        scale = 1.0 / math.sqrt(len(g)) if g else 0.0
        return ModelView(self, hits, scale)


class ModelView:
    """The model's reading of one text; the category head is summed only when asked for."""

    __slots__ = ("_model", "_hits", "_scale", "demand", "urgent", "_cats")

    def __init__(self, model: Model, hits: list[Weights], scale: float) -> None:
        self._model, self._hits, self._scale = model, hits, scale
        self.demand = _sigmoid(model.demand_bias + scale * sum(map(_first, hits)))
        self.urgent = _sigmoid(model.urgent_bias + scale * sum(map(_second, hits)))
        self._cats: dict[str, float] | None = None

    def categories(self) -> dict[str, float]:
        """Category probabilities (softmax over the classes)."""
        if self._cats is None:
            m = self._model
            z = list(m.category_bias)
            s = self._scale
            for _, _, cw in self._hits:
                if cw is not None:
                    z = [a + s * b for a, b in zip(z, cw)]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            total = sum(e)
            self._cats = {c: v / total for c, v in zip(m.categories, e)}
        return self._cats

    def category(self) -> tuple[str, float]:
        cats = self.categories()
        best = max(cats, key=lambda c: cats[c])
        return best, cats[best]


def from_dict(raw: dict[str, Any]) -> Model:
    cats = tuple(raw["categories"])
    n = len(cats)
    weights: dict[str, Weights] = {}
    cw_all = raw["category_weights"]
    for i, g in enumerate(raw["grams"]):
        cw = cw_all[i]
        weights[g] = (raw["demand_weights"][i], raw["urgent_weights"][i],
                      tuple(cw) if cw and len(cw) == n else None)
    return Model(weights, raw["demand_bias"], raw["urgent_bias"], cats, tuple(raw["category_bias"]),
                 dict(raw.get("thresholds", {})), dict(raw.get("meta", {})))


def read(path: Path = MODEL_PATH) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw: dict[str, Any] = json.load(fh)
    return raw


_lock = threading.Lock()
_model: Model | None = None
_missing = False


def load() -> Model | None:
    """The checked-in model, read once; None when the file is absent (rules only)."""
    global _model, _missing
    if _model is not None or _missing:
        return _model
    with _lock:
        if _model is None and not _missing:
            try:
                _model = from_dict(read())
            except FileNotFoundError:
                _missing = True
    return _model
