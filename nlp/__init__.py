"""Pure message understanding: text in, ``Classification`` out, no I/O at call time.

Interface contract used by the bot (keep it stable):
    classify(text: str) -> Classification
    normalize(text: str) -> str
    similarity(a: str, b: str) -> float
    DEMAND_THRESHOLD, ASK_THRESHOLD: the confidence bands
"""
from nlp.types import Classification
from nlp.classifier import ASK_THRESHOLD, DEMAND_THRESHOLD, classify, warm_up
from nlp.normalize import normalize
from nlp.similarity import similarity

__all__ = ["Classification", "classify", "normalize", "similarity", "warm_up",
           "DEMAND_THRESHOLD", "ASK_THRESHOLD"]
