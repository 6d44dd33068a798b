"""classify(text) -> Classification: normalise, segment once, score, band."""
from __future__ import annotations

import logging
import os
import tempfile
import threading

from nlp.lexicon import load_lexicon
from nlp.location import extract
from nlp.normalize import normalize
from nlp.scoring import SCORE_CHARS, demand_logit, pick_category, score, sigmoid
from nlp.types import Classification

# Bands: confidence >= DEMAND_THRESHOLD opens a ticket; between ASK_THRESHOLD and
# DEMAND_THRESHOLD the bot asks; below ASK_THRESHOLD the message is chat.
DEMAND_THRESHOLD = 0.6
ASK_THRESHOLD = 0.4

_lock = threading.Lock()
_tokenizer = None


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(tempfile.gettempdir())
    path = os.path.join(base, "gridbot-jieba")
    os.makedirs(path, exist_ok=True)
    return path


def tokenizer():
    """The jieba tokenizer with the community-governance user words (built once)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            try:
                tk.cache_file = os.path.join(_cache_dir(), "jieba.cache")
            except OSError:
                pass
            tk.initialize()
            for w in load_lexicon().user_words:
                tk.add_word(w, freq=max(tk.total // 200000, 50))
            _tokenizer = tk
    return _tokenizer


def warm_up() -> None:
    """Load the lexicon, the conversion tables and jieba now (else on first call)."""
    classify("3号楼楼道灯坏了")


def classify(text: str) -> Classification:
    lex = load_lexicon()
    norm = normalize(text if isinstance(text, str) else str(text or ""))
    if not norm:
        return Classification("chat", None, None, 0.0)
    head = norm[:SCORE_CHARS]
    tokens = tokenizer().lcut(head, HMM=False)
    s = score(head, tokens, lex)
    conf = sigmoid(demand_logit(s, lex, head))
    building, unit, room = extract(head)
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
