"""classify(text) -> Classification: normalise, segment once, score, band."""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

from nlp import model, quotes
from nlp.adjusters import Scores
from nlp.combine import ASK_THRESHOLD as ASK_THRESHOLD
from nlp.combine import DEMAND_THRESHOLD as DEMAND_THRESHOLD
from nlp.combine import UNASKED, blocked, certain, combine, only_chat
from nlp.lexicon import load_lexicon
from nlp.location import Place, extract, of_reply
from nlp.normalize import normalize
from nlp.scoring import SCORE_CHARS, demand_logit, pick_category, score, sigmoid
from nlp.segment import DagCutter
from nlp.types import Classification

# Bands: confidence >= DEMAND_THRESHOLD opens a ticket; between ASK_THRESHOLD and
# DEMAND_THRESHOLD the bot asks; below ASK_THRESHOLD the message is chat.
# (defined in nlp.combine, which the model's decisions share)



class Tokenizer(Protocol):
    """What the classifier uses of ``jieba.Tokenizer`` (untyped)."""

    def lcut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> list[str]: ...


_lock = threading.Lock()
_tokenizer: Tokenizer | None = None


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(tempfile.gettempdir())
    path = os.path.join(base, "gridbot-jieba")
    os.makedirs(path, exist_ok=True)
    return path


# jieba's full dictionary (350k words) takes about a second to load even from its
# marshal cache. We segment only short windows to decide whether a single
# character is a word of its own, so a dictionary of the common words
# (frequency >= MIN_FREQ, ~67k) plus our lexicon is enough, and loads in a
# fraction of the time and memory. It is derived once into the cache directory.
MIN_FREQ = 30


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources when nothing else has loaded it yet.

    jieba's ``_compat`` imports pkg_resources (0.2 s, a fifth of start-up) only to open its
    bundled files, and opens them by path when the import fails; the block is lifted at once.
    """
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if block and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


def _small_dictionary(words: tuple[str, ...]) -> str:
    import hashlib

    jieba = _import_jieba()

    src = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    key = hashlib.sha1(("\n".join(words) + f"|{MIN_FREQ}|{os.path.getsize(src)}").encode()).hexdigest()[:12]
    path = os.path.join(_cache_dir(), f"dict.small.{key}.txt")
    if not os.path.exists(path):
        known: set[str] = set()
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(src, encoding="utf-8") as fin, open(tmp, "w", encoding="utf-8") as out:
            for line in fin:
                parts = line.split(" ")
                if len(parts) >= 2 and parts[1].strip().isdigit() and int(parts[1]) >= MIN_FREQ:
                    out.write(line if line.endswith("\n") else line + "\n")
                    known.add(parts[0])
            for w in words:
                if w not in known:
                    out.write(f"{w} 300 n\n")
        os.replace(tmp, path)
    return path


def tokenizer() -> Tokenizer:
    """The jieba tokenizer with the community-governance user words (built once)."""
    global _tokenizer, _cutter
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba = _import_jieba()

            logging.getLogger("jieba").setLevel(logging.WARNING)
            jieba.setLogLevel(logging.WARNING)
            words = load_lexicon().user_words
            try:
                small = _small_dictionary(words)
                tk = jieba.Tokenizer(dictionary=small)
                tk.cache_file = small[:-4] + ".cache"
                tk.initialize()
            except OSError:  # read-only cache: fall back to the full dictionary
                tk = jieba.Tokenizer()
                tk.initialize()
                for w in words:
                    tk.add_word(w, freq=300)
            freq, total = getattr(tk, "FREQ", None), getattr(tk, "total", None)
            if isinstance(freq, dict) and isinstance(total, int) and total > 0:
                _cutter = DagCutter(freq, total)
            _tokenizer = tk
    return _tokenizer


_cutter: DagCutter | None = None


def _segment(block: str) -> list[str]:
    """jieba's cut (HMM off) of one block, which is all ``score`` asks of it (nlp/segment.py)."""
    cutter = _cutter
    if cutter is None:
        return tokenizer().lcut(block, HMM=False)
    return cutter.cut(block)


def use_model(path: str | Path | None) -> None:
    """Classify with the model at ``path`` (None: the packaged one) from now on."""
    global _last
    model.use(path)
    _last = None


def warm_up() -> None:
    """Load the lexicon, the conversion tables and jieba now (else on first call)."""
    model.load()
    classify("3号楼楼道灯坏了")


# The bot's fast path and then its handler classify the same message one after the
# other; keeping the last answer makes the second call free. Results are immutable.
_last: tuple[str, Classification] | None = None


def classify(text: str) -> Classification:
    global _last
    last = _last
    if last is not None and last[0] == text:
        return last[1]
    result = classify_uncached(text)
    if isinstance(text, str):
        _last = (text, result)
    return result


def classify_uncached(text: str, use_model: bool = True) -> Classification:
    """``classify`` without the one-entry memo (for benchmarks); ``use_model=False``: the rules alone."""
    rules, s, head = read_rules(text)
    if s is None:
        return rules
    mdl = model.load() if use_model else None
    if mdl is None or (rules.intent == "chat" and (blocked(s) or only_chat(s))):
        return rules  # a notice, forward, planned outage, "收到": the model would not make it a demand
    if mdl.stack is None and certain(rules, s, mdl.thresholds):  # the combiner weighs even a sure rule
        return Classification(rules.intent, rules.category, rules.urgency, rules.confidence, rules.building,
                              rules.unit, rules.room, rules.evidence + UNASKED)
    return combine(rules, s, mdl.view(head), head, mdl.thresholds, mdl.stack)


def read_rules(text: str) -> tuple[Classification, Scores | None, str]:
    """The rules' result, their scores (None for an empty text) and the normalised text they read."""
    lex = load_lexicon()
    if _tokenizer is None:
        tokenizer()  # ready means ready: the first call pays the one-off load
    norm = normalize(text if isinstance(text, str) else str(text or ""))
    if not norm:
        return Classification("chat", None, None, 0.0), None, ""
    head = norm[:SCORE_CHARS]
    s = score(head, _segment, lex)
    return _rules(s, sigmoid(demand_logit(s, lex, head)), place_of(head)), s, head


def place_of(head: str) -> Place:
    """Building, unit and room of normalised text; of a pasted quote's reply, completed from the quote."""
    pasted = quotes.split(head) if head.startswith("「") else None
    if pasted is None:
        return extract(head)
    return of_reply(pasted[1], pasted[0])


def _rules(s: Scores, conf: float, place: Place) -> Classification:
    building, unit, room = place
    if conf >= DEMAND_THRESHOLD:
        intent = "demand"
    elif conf >= ASK_THRESHOLD:
        intent = "unsure"
    else:
        return Classification("chat", None, None, conf, building, unit, room,
                              tuple(w for ws in s.chat.values() for w in ws)[:8])
    category, evidence = pick_category(s)
    if s.urgent and s.urgent_cues:
        evidence = tuple(dict.fromkeys(evidence + tuple(s.urgent_cues)))
    urgency = "urgent" if s.urgent else "normal"
    return Classification(intent, category, urgency, conf, building, unit, room, evidence[:12])
