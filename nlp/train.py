"""``python -m nlp train``: fit the model (nlp/model.py) on the labelled sets in the repo.

Needs scikit-learn (the ``train`` extra); the bot itself never imports this module.
Training data: tests/nlp/corpus/dev.jsonl and the writers' ``*_train.jsonl``, never the
``*_heldout.jsonl`` files. Everything is deterministic (lbfgs, fixed fold split), so the
same data gives the same weights; the file records the data's sha1 so a test can tell a
stale model from a fresh one.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from nlp.model import MODEL_PATH, grams, pack

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "nlp" / "corpus"
MIN_DF = 2  # a gram seen in one message only says nothing about the next
MAX_FEATURES = 30000  # the grams with the largest weights are kept
MIN_WEIGHT = 0.02  # weights below this are dropped (they move a score by < 0.005)
C = {"demand": 8.0, "urgent": 32.0, "category": 32.0}  # chosen on out-of-fold scores of the training rows
FOLDS = 5
INT_SCALE = 1000  # weights are stored as ints, to 0.001


def training_files() -> list[Path]:
    return [CORPUS / "dev.jsonl"] + sorted(CORPUS.glob("writer_*_train.jsonl"))


def load_rows(paths: list[Path]) -> tuple[list[dict[str, Any]], str]:
    h = hashlib.sha1()
    rows: list[dict[str, Any]] = []
    for p in paths:
        data = p.read_bytes()
        h.update(p.name.encode() + b"\0" + data)
        rows += [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    return rows, h.hexdigest()


def model_text(text: str) -> str:
    """The text the model reads: the classifier's normalised head."""
    from nlp.normalize import normalize
    from nlp.scoring import SCORE_CHARS

    return normalize(text)[:SCORE_CHARS]


def _matrix(texts: list[str], vocab: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for t in texts:
        g = grams(t)
        v = 1.0 / math.sqrt(len(g))
        counts = Counter(vocab[x] for x in g if x in vocab)
        cols = sorted(counts)
        indices += cols
        data += [v * counts[c] for c in cols]
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(vocab)))


def fit(rows: list[dict[str, Any]], min_df: int = MIN_DF, max_features: int = MAX_FEATURES) -> dict[str, Any]:
    """Fit the three heads on ``rows``; the weights as stored (before thresholds)."""
    from threadpoolctl import threadpool_limits

    texts = [model_text(r["text"]) for r in rows]
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(grams(t)))
    vocab_list = sorted(g for g, n in df.items() if n >= min_df)
    vocab = {g: i for i, g in enumerate(vocab_list)}
    x = _matrix(texts, vocab)
    lr = dict(solver="lbfgs", max_iter=3000, tol=1e-5)
    with threadpool_limits(1):  # one BLAS thread: faster on a shared machine, and the same sums every run
        return _fit(rows, x, vocab_list, lr, max_features)


def _fit(rows: list[dict[str, Any]], x: Any, vocab_list: list[str], lr: dict[str, Any],
         max_features: int) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    scored = [i for i, r in enumerate(rows) if r["intent"] in ("demand", "chat")]
    dem = [i for i, r in enumerate(rows) if r["intent"] == "demand" and r.get("category")]
    d = LogisticRegression(C=C["demand"], **lr).fit(x[scored], [rows[i]["intent"] == "demand" for i in scored])
    u = LogisticRegression(C=C["urgent"], class_weight="balanced", **lr).fit(
        x[dem], [rows[i].get("urgency") == "urgent" for i in dem])
    c = LogisticRegression(C=C["category"], **lr).fit(x[dem], [rows[i]["category"] for i in dem])
    cats = [str(k) for k in c.classes_]
    dw, uw, cw = d.coef_[0], u.coef_[0], c.coef_
    keep = []
    for j in range(len(vocab_list)):
        big = max(abs(dw[j]), abs(uw[j]), max(abs(cw[k][j]) for k in range(len(cats))))
        if big >= MIN_WEIGHT:
            keep.append((-big, vocab_list[j], j))
    keep = sorted(keep)[:max_features]
    keep.sort(key=lambda k: k[1])

    def q(v: float) -> int:
        return int(round(float(v) * INT_SCALE))

    kept = [g for _, g, _ in keep]
    assert not any("\n" in g for g in kept)  # normalised text has no line breaks
    return {
        "grams": "\n".join(kept),
        "int_scale": INT_SCALE,
        "demand_weights": pack([q(dw[j]) for _, _, j in keep]),
        "urgent_weights": pack([q(uw[j]) for _, _, j in keep]),
        "category_weights": pack([q(cw[k][j]) for k in range(len(cats)) for _, _, j in keep]),
        "demand_bias": round(float(d.intercept_[0]), 4),
        "urgent_bias": round(float(u.intercept_[0]), 4),
        "categories": cats,
        "category_bias": [round(float(v), 4) for v in c.intercept_],
    }


def fold_of(row: dict[str, Any]) -> int:
    return int(hashlib.sha1(str(row["id"]).encode()).hexdigest(), 16) % FOLDS


def out_of_fold(rows: list[dict[str, Any]]) -> list[Any]:
    """Each row read by a model fitted on the other folds (for tuning the thresholds)."""
    from nlp.model import from_dict

    views: list[Any] = [None] * len(rows)
    for k in range(FOLDS):
        m = from_dict(fit([r for r in rows if fold_of(r) != k]))
        for i, r in enumerate(rows):
            if fold_of(r) == k:
                views[i] = m.view(model_text(r["text"]))
    return views


def build(paths: list[Path] | None = None, tune: bool = True) -> dict[str, Any]:
    rows, sha = load_rows(paths or training_files())
    raw = fit(rows)
    from nlp.combine import DEFAULT_THRESHOLDS

    thresholds = dict(DEFAULT_THRESHOLDS)
    if tune:  # both read out-of-fold readings: the same five extra fits serve them
        from nlp.train_stack import fit_stack, fold
        from nlp.tune import tune_thresholds

        views = out_of_fold(rows)
        thresholds = tune_thresholds(rows, views)
        raw["stack"] = fold(fit_stack(rows, views, tuple(raw["categories"])), raw)
        del raw["category_weights"]  # folded into the combiner's columns: the bot reads only those
    raw["thresholds"] = thresholds
    raw["meta"] = {"data_sha1": sha, "files": [p.name for p in (paths or training_files())], "rows": len(rows),
                   "min_df": MIN_DF, "max_features": MAX_FEATURES, "C": C, "features": "char 1-3 grams, counts / sqrt(number of grams)"}
    return raw


def write(raw: dict[str, Any], path: Path = MODEL_PATH) -> None:
    blob = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with open(path, "wb") as fh:  # mtime 0: the same weights give the same bytes
        with gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(blob)


def main(argv: list[str]) -> int:
    raw = build(tune="--no-tune" not in argv)
    write(raw)
    print(f"model: {raw['grams'].count(chr(10)) + 1} grams, {MODEL_PATH.stat().st_size / 1024:.0f} KB -> {MODEL_PATH}")
    print(f"trained on {raw['meta']['rows']} messages, data sha1 {raw['meta']['data_sha1'][:12]}")
    print("thresholds: " + json.dumps(raw["thresholds"], sort_keys=True))
    return 0
