"""Pure message understanding: text in, ``Classification`` out, no I/O at call time.

Interface contract used by the bot (keep it stable):
    classify(text: str) -> Classification
    normalize(text: str) -> str
    similarity(a: str, b: str) -> float
    duplicate_score(a: str, b: str) -> float: 0 for two problems, else closeness (nlp/duplicates.py)
    DEMAND_THRESHOLD, ASK_THRESHOLD: the confidence bands
    use_model(path), warm_up(): at start-up, which learned model to read, and reading it
"""
# ruff: noqa: E402  (the build is chosen before the modules it decides about are imported)
from nlp import native

native.choose()  # compiled build or sources: decided before any of them is imported
from nlp.classifier import ASK_THRESHOLD, DEMAND_THRESHOLD, classify, use_model, warm_up
from nlp.duplicates import duplicate_score, same_problem
from nlp.normalize import normalize
from nlp.similarity import similarity
from nlp.types import Classification

__all__ = ["Classification", "classify", "normalize", "similarity", "duplicate_score", "same_problem", "warm_up",
           "use_model",
           "DEMAND_THRESHOLD", "ASK_THRESHOLD"]
