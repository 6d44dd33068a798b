"""The learned model beside the rules: character n-grams and three linear heads, pure Python.

``python -m nlp train`` (nlp/train.py, scikit-learn) fits it on the labelled sets in the repo and
writes ``nlp/data/model.json.gz``; here it is only read and applied, with no numpy or sklearn.

Features: the character 1-, 2- and 3-grams of the normalised text (digits folded to 0, start and
end marked), each occurrence worth 1/sqrt(number of grams). Every gram the model kept maps to one
tuple ``(demand weight, urgent weight, row)``: scoring a text is one dict lookup per gram and two
sums; the twelve category sums are done only when the combination asks for a category.
"""
from __future__ import annotations

import base64
import gzip
import json
import math
import re
import sys
import threading
from array import array
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.stack import Stack

MODEL_PATH = Path(__file__).parent / "data" / "model.json.gz"
MAX_CHARS = 300  # n-grams of the first 300 normalised characters (bounded work)
_START, _END = "\x02", "\x03"
_DIGIT = re.compile(r"[1-9]")

# gram -> (demand weight, urgent weight, row in the category columns); weights are stored as ints
Weights = tuple[int, ...]  # demand, urgent, row[, the combiner's twelve category weights]
_first = itemgetter(0)
_second = itemgetter(1)
_third = itemgetter(2)


def grams(text: str) -> list[str]:
    """The character 1-3 grams of ``text`` (already normalised), as the model sees them.

    A gram that occurs twice counts twice; the last "trigram" is the closing bigram again,
    which costs nothing and is the same in training and here."""
    t = _START + _DIGIT.sub("0", text[:MAX_CHARS]) + _END
    r = range(len(t) - 1)
    return [*t, *[t[i:i + 2] for i in r], *[t[i:i + 3] for i in r]]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass(frozen=True, slots=True)
class Model:
    weights: dict[str, Weights]
    scale: float  # stored int -> weight
    demand_bias: float
    urgent_bias: float
    categories: tuple[str, ...]
    category_bias: tuple[float, ...]
    category_columns: tuple[array[int], ...]  # per category, its weight for each gram row
    thresholds: dict[str, float]
    meta: dict[str, Any]
    stack: Stack | None = None  # the learned combiner (nlp/stack.py); None in a model trained without one
    width: int = 3  # the length of each gram's weight tuple

    def view(self, text: str) -> ModelView:
        g = grams(text)
        hits = list(filter(None, map(self.weights.get, g)))
        return ModelView(self, hits, self.scale / math.sqrt(len(g)))


class ModelView:
    """The model's reading of one text; the category head is summed only when asked for."""

    __slots__ = ("_model", "_hits", "_scale", "demand", "urgent", "stack_sums", "_cats")

    def __init__(self, model: Model, hits: list[Weights], scale: float) -> None:
        self._model, self._hits, self._scale = model, hits, scale
        # one pass sums every column at once: demand, urgent, (row), then the combiner's twelve
        sums = [sum(col) for col in zip(*hits)] if hits else [0] * model.width
        self.demand = _sigmoid(model.demand_bias + scale * sums[0])
        self.urgent = _sigmoid(model.urgent_bias + scale * sums[1])
        self.stack_sums = sums[3:]
        self._cats: dict[str, float] | None = None

    @property
    def scale(self) -> float:
        """What a stored weight is worth in this text (1/sqrt(number of grams), times the int scale)."""
        return self._scale

    def rows(self) -> list[int]:
        """The rows of the grams the model knows, once per occurrence."""
        return list(map(_third, self._hits))

    def category_logits(self) -> list[float]:
        """The category head's scores before the softmax, in ``Model.categories`` order."""
        m, s, rows = self._model, self._scale, self.rows()
        return [b + s * sum(map(col.__getitem__, rows)) for b, col in zip(m.category_bias, m.category_columns)]

    def categories(self) -> dict[str, float]:
        """Category probabilities (softmax over the classes)."""
        if self._cats is None:
            m = self._model
            z = self.category_logits()
            top = max(z)
            e = [math.exp(v - top) for v in z]
            total = sum(e)
            self._cats = {c: v / total for c, v in zip(m.categories, e)}
        return self._cats

    @property
    def asked_category(self) -> bool:
        return self._cats is not None

    def category(self) -> tuple[str, float]:
        cats = self.categories()
        best = max(cats, key=lambda c: cats[c])
        return best, cats[best]


def unpack(b64: str) -> array[int]:
    a = array("h")
    a.frombytes(base64.b64decode(b64))
    if sys.byteorder != "little":
        a.byteswap()
    return a


def pack(values: list[int]) -> str:
    """Ints as base64 of little-endian int16 (what ``from_dict`` reads); clipped to its range."""
    a = array("h", [max(-32767, min(32767, v)) for v in values])
    if sys.byteorder != "little":
        a.byteswap()
    return base64.b64encode(a.tobytes()).decode("ascii")


def from_dict(raw: dict[str, Any]) -> Model:
    grams_ = raw["grams"].split("\n")
    cats = tuple(raw["categories"])
    n = len(grams_)
    # A model with a combiner stores only the combiner's folded columns (nlp/train_stack.fold).
    flat = unpack(raw["category_weights"]) if "category_weights" in raw else None
    columns = tuple(flat[k * n:(k + 1) * n] for k in range(len(cats))) if flat is not None else ()
    own = zip(unpack(raw["demand_weights"]), unpack(raw["urgent_weights"]), range(n))
    combiner = raw.get("stack")
    if combiner:  # the combiner's folded category columns ride on each gram's tuple (one lookup, one pass)
        folded = unpack(combiner["columns"])
        rows = zip(*(folded[k * n:(k + 1) * n] for k in range(len(cats))))
        weights: dict[str, tuple[int, ...]] = dict(zip(grams_, (a + b for a, b in zip(own, rows))))
    else:
        weights = dict(zip(grams_, own))
    scale = 1.0 / raw["int_scale"]
    from nlp import stack  # nlp.stack reads the rules' scores, which import this module's callers

    return Model(weights, scale, raw["demand_bias"], raw["urgent_bias"], cats, tuple(raw["category_bias"]),
                 columns, dict(raw.get("thresholds", {})), dict(raw.get("meta", {})),
                 stack.from_dict(combiner, cats), 3 + (len(cats) if combiner else 0))


def read(path: Path | None = None) -> dict[str, Any]:
    with gzip.open(path or _path, "rb") as fh:
        raw: dict[str, Any] = json.loads(fh.read())
    return raw


_lock = threading.Lock()
_model: Model | None = None
_missing = False
_path = MODEL_PATH


def use(path: str | Path | None) -> None:
    """Read the model from ``path`` from now on (None: the packaged one), e.g. one that
    ``gridbot nlp retrain --model`` trained with a deployment's corrections. Called at start-up."""
    global _model, _missing, _path
    with _lock:
        _path, _model, _missing = Path(path) if path else MODEL_PATH, None, False


def load() -> Model | None:
    """The model (the checked-in one unless ``use`` named another), read once; None when the file
    is absent (rules only)."""
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
