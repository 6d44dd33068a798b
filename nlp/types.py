from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Classification:
    intent: str  # "demand" | "chat" | "unsure"
    category: str | None  # taxonomy code, only for demand/unsure
    urgency: str | None  # "urgent" | "normal", only for demand/unsure
    confidence: float  # 0..1 that the message is a demand
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    # The words that decided the category, so a secretary can see why.
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, str | float | None]:
        return {
            "intent": self.intent,
            "category": self.category,
            "urgency": self.urgency,
            "confidence": round(self.confidence, 3),
            "building": self.building,
            "unit": self.unit,
            "room": self.room,
        }


class Reading(Protocol):
    """What the combination reads of the model: nlp.model.ModelView, or a test's fixed reading.

    A protocol, not the class: compiled code (nlp/native.py) checks a class at run time."""

    demand: float
    urgent: float
    stack_sums: list[int]

    @property
    def scale(self) -> float: ...

    @property
    def asked_category(self) -> bool: ...

    def categories(self) -> dict[str, float]: ...

    def category(self) -> tuple[str, float]: ...
