"""Pure message understanding: text in, ``Classification`` out, no I/O at call time.

Interface contract used by the bot (keep it stable):
    classify(text: str) -> Classification
"""
from nlp.types import Classification
from nlp.classifier import classify

__all__ = ["Classification", "classify"]
