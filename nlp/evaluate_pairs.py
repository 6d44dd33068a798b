"""Score duplicate detection on labelled pairs ({"id", "a", "b", "same", "kind"} per line)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from nlp.duplicates import same_problem


def evaluate_pairs(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of "same problem", overall and per kind of pair."""
    tp = fp = fn = tn = 0
    errors: list[tuple[dict[str, Any], bool]] = []
    per_kind: Counter[tuple[str, bool]] = Counter()
    for r in rows:
        predicted, gold = same_problem(r["a"], r["b"]), bool(r["same"])
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
        tn += not predicted and not gold
        per_kind[(r.get("kind", "-"), predicted == gold)] += 1
        if predicted != gold:
            errors.append((r, predicted))
    return {
        "n": len(rows), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "accuracy": (tp + tn) / len(rows) if rows else 0.0,
        "per_kind": per_kind, "errors": errors,
    }


def report_pairs(res: dict[str, Any], show_errors: bool = False) -> str:
    lines = [f"pairs: {res['n']} (same {res['tp'] + res['fn']}, different {res['fp'] + res['tn']})",
             f"duplicate precision {res['precision']:.3f} recall {res['recall']:.3f} "
             f"accuracy {res['accuracy']:.3f}  (tp {res['tp']} fp {res['fp']} fn {res['fn']} tn {res['tn']})",
             "", "kind          right  wrong"]
    kinds = sorted({k for k, _ in res["per_kind"]})
    for k in kinds:
        lines.append(f"  {k:<12} {res['per_kind'][(k, True)]:>5} {res['per_kind'][(k, False)]:>6}")
    if show_errors:
        lines.append("")
        for row, predicted in res["errors"]:
            verdict = "merged, should not" if predicted else "missed"
            lines.append(f"  {row.get('id')} {verdict} [{row.get('kind')}] {row['a']} | {row['b']}")
    return "\n".join(lines)
