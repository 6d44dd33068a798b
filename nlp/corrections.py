"""A community's own corrections, as a small layer over ``classify()`` (pure, no I/O).

A secretary's ``/改 12 纠纷`` is kept as a labelled example (bot.services.corrections);
``gridbot nlp retrain`` compiles a community's examples with ``compile_layer`` into plain data
(JSON, stored in the ``correction_layer`` table) and the bot applies it after ``classify()``
with ``apply(result, text, layer)``. The global model (``python -m nlp train``) learns from the
same examples through ``gridbot nlp export-corrections``; this layer is what makes one
community's habits count at once, without changing anybody else's classification.

What the layer can do, and nothing more:
- category: a label with at least ``min_examples`` corrections to it is learnt as its
  *signature*: the character pairs most of those messages share that the classifier did not
  already weigh (its evidence words are left out) and that the community's other tickets do
  not commonly hold, each weighted by how many of the corrected messages hold it. A message
  takes the label when it holds at least ``threshold`` of the signature's weight, the
  classifier had put it under a category the secretary corrected *from* (or ``other``), and
  it is not urgent;
- urgency: the same, for corrections to 紧急, and it only ever raises (never lowers what the
  rules or nlp.danger said);
- location: a place without a building number (``nlp.location.landmark``: 村东头, 小区东门)
  that was corrected to the same building ``min_examples`` times gives that building when a
  message names the place and no building.
Whatever it changed is said in the evidence ``查询`` shows: ``纠正:分类``, ``纠正:紧急``, ``纠正:位置``.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from nlp import location
from nlp.correction_words import CATEGORY, LOCATION, URGENCY, read_location
from nlp.normalize import normalize
from nlp.types import Classification

LAYER_VERSION = 1
MIN_EXAMPLES = 3
THRESHOLD = 0.5
MIN_SHARE = 0.5  # a pair in at least half of the corrected messages can be in the signature
MAX_SIGNATURE = 40
MAX_TEXT = 200
EVIDENCE = {CATEGORY: "纠正:分类", URGENCY: "纠正:紧急", LOCATION: "纠正:位置"}
_KEEP = re.compile(r"[\u4e00-\u9fffa-z]+")  # digits dropped: 3号楼 and 5号楼 are the same thing here


@dataclass(frozen=True)
class Example:
    """One correction: the ticket's text, the field, the value before and after, and the words
    the classifier had filed it by (left out of what is learnt: it weighed them already)."""

    text: str
    field: str
    old: str | None
    new: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ticketed:
    """One of the community's tickets nobody corrected: a counter-example."""

    text: str
    category: str
    urgency: str


def grams(text: str) -> frozenset[str]:
    """The character pairs of the normalised text (digits and punctuation left out)."""
    norm = "".join(_KEEP.findall(normalize(text or "")[:MAX_TEXT]))
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def _signature(group: list[Example], others: list[frozenset[str]]) -> dict[str, float]:
    texts = {normalize(e.text)[:MAX_TEXT]: e for e in group}  # one vote per message
    counts: Counter[str] = Counter()
    for text, ex in texts.items():
        known = set().union(*(grams(w) for w in ex.evidence)) if ex.evidence else set()
        counts.update(grams(text) - known)
    n, n_other = len(texts), len(others)
    weights = {}
    for gram, count in counts.items():
        share = count / n
        if share < MIN_SHARE:
            continue
        # Smoothed: a community with few tickets discounts a pair less than one with many.
        common = sum(gram in o for o in others) / (n_other + 3)
        if share - common >= MIN_SHARE:
            weights[gram] = round(share - common, 3)
    best = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SIGNATURE]
    return dict(best)


def compile_layer(examples: Iterable[Example], background: Iterable[Ticketed] = (), *,
                  min_examples: int = MIN_EXAMPLES, threshold: float = THRESHOLD) -> dict[str, Any] | None:
    """The layer as plain data (JSON), or None when nothing has ``min_examples`` corrections."""
    examples, background = list(examples), list(background)
    by_label: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for ex in examples:
        if ex.field == CATEGORY or (ex.field == URGENCY and ex.new == "urgent"):
            by_label[(ex.field, ex.new)].append(ex)
    labels = []
    for (fld, label), group in sorted(by_label.items()):
        if len({normalize(e.text)[:MAX_TEXT] for e in group}) < min_examples:
            continue
        others = [grams(b.text) for b in background
                  if (b.category if fld == CATEGORY else b.urgency) != label]
        signature = _signature(group, others)
        if signature:
            labels.append({"field": fld, "label": label, "from": sorted({e.old or "other" for e in group}),
                           "examples": len(group), "signature": signature})
    places: Counter[tuple[str, str]] = Counter()
    for ex in examples:
        mark = location.landmark(normalize(ex.text)) if ex.field == LOCATION else None
        if mark and read_location(ex.new)["building"]:
            places[(mark, ex.new)] += 1
    hints = [{"landmark": mark, "location": value, "count": n}
             for (mark, value), n in sorted(places.items()) if n >= min_examples]
    if not labels and not hints:
        return None
    return {"version": LAYER_VERSION, "min_examples": min_examples, "threshold": threshold,
            "labels": labels, "places": hints}


@dataclass(frozen=True)
class Label:
    field: str
    label: str
    sources: frozenset[str]  # the categories it was corrected from
    signature: dict[str, float]
    total: float

    def share(self, text_grams: frozenset[str]) -> float:
        """How much of the signature's weight the text holds, 0..1."""
        return sum(w for g, w in self.signature.items() if g in text_grams) / self.total


@dataclass(frozen=True)
class Layer:
    """A compiled layer ready to apply (``load`` of the stored data)."""

    threshold: float
    labels: tuple[Label, ...]
    places: dict[str, str]  # landmark → location value


def load(data: dict[str, Any] | None) -> Layer | None:
    """The stored data as a ``Layer`` (None for no layer, or data of another version)."""
    if not data or data.get("version") != LAYER_VERSION:
        return None
    labels = tuple(Label(lab["field"], lab["label"], frozenset(lab["from"]), dict(lab["signature"]),
                         sum(lab["signature"].values()) or 1.0)
                   for lab in data.get("labels") or () if lab.get("signature"))
    places = {p["landmark"]: p["location"] for p in data.get("places") or ()}
    return Layer(float(data["threshold"]), labels, places)


def apply(result: Classification, text: str, layer: Layer | None) -> Classification:
    """``result`` with the community's corrections applied (the same object when nothing changed)."""
    if layer is None or result.intent == "chat":
        return result
    have = grams(text)
    changes: dict[str, object] = {}
    said: list[str] = []
    current = result.category or "other"
    # An urgent message keeps its category: a habit learnt on everyday messages does not move an
    # emergency (a burst pipe flooding the flat below) away from those who deal with it.
    scored = [(lab.share(have), lab.label) for lab in layer.labels
              if lab.field == CATEGORY and lab.label != current and current in lab.sources | {"other"}
              and result.urgency != "urgent"]
    best = max((s for s in scored if s[0] >= layer.threshold), default=None)
    if best is not None:
        changes["category"] = best[1]
        said.append(EVIDENCE[CATEGORY])
    if result.urgency != "urgent":  # raise only: an urgency from the rules or nlp.danger is never lowered
        if any(lab.field == URGENCY and lab.share(have) >= layer.threshold for lab in layer.labels):
            changes["urgency"] = "urgent"
            said.append(EVIDENCE[URGENCY])
    if result.building is None and layer.places:
        mark = location.landmark(normalize(text))
        if mark in layer.places:
            where = read_location(layer.places[mark])
            changes.update(building=where["building"], unit=where["unit"], room=where["room"])
            said.append(EVIDENCE[LOCATION])
    if not changes:
        return result
    evidence = tuple(dict.fromkeys((*said, *result.evidence)))[:12]
    return replace(result, evidence=evidence, **changes)  # type: ignore[arg-type]
