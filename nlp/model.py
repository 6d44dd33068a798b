"""The learned model beside the rules: character n-grams and three linear heads, pure Python.

``python -m nlp train`` (nlp/train.py, scikit-learn) fits it on the labelled sets in the repo and
writes ``nlp/data/model.json.gz``; here it is only read and applied, with no numpy or sklearn.

Features: the character 1-, 2- and 3-grams of the normalised text (digits folded to 0, start and
end marked), each occurrence worth 1/sqrt(number of grams). Every gram the model kept maps to one
int packing its columns (demand, urgent, and the combiner's twelve folded category columns,
nlp/stack.py): scoring a text is one dict lookup per gram and one sum. A model trained without a
combiner keeps its own category head, summed only when the combination asks for a category.
"""
from __future__ import annotations

import base64
import gzip
import json
import math
import re
import struct
import sys
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp import native
from nlp.matchers import _ahocorasick

if TYPE_CHECKING:
    from nlp.stack import Stack

MODEL_PATH = native.DATA_DIR / "model.json.gz"
MAX_CHARS = 300  # n-grams of the first 300 normalised characters (bounded work)
_START, _END = "\x02", "\x03"
_DIGIT = re.compile(r"[1-9]")



def grams(text: str) -> list[str]:
    """The character 1-3 grams of ``text`` (already normalised), as the model sees them.

    A gram that occurs twice counts twice; the last "trigram" is the closing bigram again,
    which costs nothing and is the same in training and here."""
    return _grams_of(marked(text))


def marked(text: str) -> str:
    """The text as its grams are cut from: digits folded, start and end marked."""
    return _START + _DIGIT.sub("0", text[:MAX_CHARS]) + _END


def _grams_of(t: str) -> list[str]:
    r = range(len(t) - 1)
    return [*t, *[t[i:i + 2] for i in r], *[t[i:i + 3] for i in r]]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass(frozen=True, slots=True)
class Model:
    weights: dict[str, int]  # gram -> its columns packed into one int (see ``pack_columns``)
    scale: float  # stored int -> weight
    demand_bias: float
    urgent_bias: float
    categories: tuple[str, ...]
    category_bias: tuple[float, ...]
    category_columns: tuple[array[int], ...]  # per category, its weight for each gram row
    thresholds: dict[str, float]
    meta: dict[str, Any]
    stack: Stack | None = None  # the learned combiner (nlp/stack.py); None in a model trained without one
    width: int = 2  # columns packed per gram: demand, urgent[, the combiner's twelve category columns]
    rows: dict[str, int] | None = None  # gram -> row of category_columns (a model without a combiner)

    finder: Any = None  # an Aho-Corasick automaton over ``weights`` (None without pyahocorasick)

    def view(self, text: str) -> ModelView:
        t = marked(text)
        if self.finder is None:
            g = _grams_of(t)
            hits = list(filter(None, map(self.weights.get, g)))
        else:
            # One C pass reports every occurrence of every known 1-3 gram: the same hits as looking each
            # gram up, at half the cost. ``grams`` counts the closing bigram twice; so does this.
            hits = [v for _, v in self.finder.iter(t)]
            closing = self.weights.get(t[-2:])
            if closing is not None:
                hits.append(closing)
        return ModelView(self, t, hits, self.scale / math.sqrt(3 * len(t) - 2))  # 3*len-2 == len(grams)


# Each gram's int16 columns are packed into one Python int, FIELD bits per column, each stored plus
# OFFSET so it is positive: the columns of a text are then summed by one ``sum()`` of ints and cut
# apart once, instead of a sum per column (a third of the model's time). 900 grams of 65,535 at most
# stay below 2**32, so fields never carry into each other.
FIELD = 32  # unpack_sums reads the fields as struct "I" (32-bit unsigned)
OFFSET = 1 << 15


def pack_columns(values: tuple[int, ...]) -> int:
    out = 0
    for k, v in enumerate(values):
        out |= (v + OFFSET) << (FIELD * k)
    return out


def unpack_sums(total: int, n: int, width: int) -> list[int]:
    """The per-column sums of ``n`` packed grams whose packed ints add up to ``total``."""
    shift = n * OFFSET
    # Cut by struct from the int's bytes: one C call instead of a shift and a mask of a 450-bit int per column.
    fields = _fields.get(width)
    if fields is None:
        fields = _fields[width] = struct.Struct(f"<{width}I")
    return [v - shift for v in fields.unpack(total.to_bytes(fields.size, "little"))]


_fields: dict[int, struct.Struct] = {}


class ModelView:
    """The model's reading of one text; the category head is summed only when asked for."""

    __slots__ = ("_model", "_marked", "_scale", "demand", "urgent", "stack_sums", "_cats")

    def __init__(self, model: Model, marked_text: str, hits: list[int], scale: float) -> None:
        self._model, self._marked, self._scale = model, marked_text, scale
        sums = unpack_sums(sum(hits), len(hits), model.width)  # demand, urgent, then the combiner's twelve
        self.demand = _sigmoid(model.demand_bias + scale * sums[0])
        self.urgent = _sigmoid(model.urgent_bias + scale * sums[1])
        self.stack_sums = sums[2:]
        self._cats: dict[str, float] | None = None

    @property
    def scale(self) -> float:
        """What a stored weight is worth in this text (1/sqrt(number of grams), times the int scale)."""
        return self._scale

    def rows(self) -> list[int]:
        """The rows of the grams the model knows, once per occurrence (a model without a combiner)."""
        rows = self._model.rows or {}
        return [r for r in map(rows.get, _grams_of(self._marked)) if r is not None]

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
    own: Any = zip(unpack(raw["demand_weights"]), unpack(raw["urgent_weights"]))
    combiner = raw.get("stack")
    if combiner:  # the combiner's folded category columns ride on each gram's int (one lookup, one sum)
        folded = unpack(combiner["columns"])
        own = (a + b for a, b in zip(own, zip(*(folded[k * n:(k + 1) * n] for k in range(len(cats))))))
    weights = dict(zip(grams_, map(pack_columns, own)))
    scale = 1.0 / raw["int_scale"]
    from nlp import stack  # nlp.stack reads the rules' scores, which import this module's callers

    return Model(weights, scale, raw["demand_bias"], raw["urgent_bias"], cats, tuple(raw["category_bias"]),
                 columns, dict(raw.get("thresholds", {})), dict(raw.get("meta", {})),
                 stack.from_dict(combiner, cats), 2 + (len(cats) if combiner else 0),
                 None if combiner else {g: i for i, g in enumerate(grams_)}, _finder(weights))


def _finder(weights: dict[str, int]) -> Any:
    """An automaton that finds every known gram of a text in one pass (~15 ms to build for 30k grams)."""
    if _ahocorasick is None:
        return None
    auto = _ahocorasick.Automaton()
    for gram, packed in weights.items():
        auto.add_word(gram, packed)
    auto.make_automaton()
    return auto


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
