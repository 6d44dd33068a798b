"""Tables for learning from corrections (issue 11): what secretaries corrected, and each
community's compiled correction layer (nlp.corrections)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class TicketCorrection(SQLModel, table=True):
    """One correction (/改 12 纠纷) kept as a labelled example for its community."""

    __tablename__ = "ticket_correction"
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    text: str  # the ticket's text when it was corrected
    field: str = Field(max_length=16)  # category | urgency | location (nlp.correction_words)
    old_value: str | None = Field(default=None, max_length=200)
    new_value: str = Field(max_length=200)
    # The words the classifier filed it by, so retraining learns only what it missed.
    evidence: str | None = Field(default=None, max_length=500)
    actor_id: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class CorrectionLayer(SQLModel, table=True):
    """A community's corrections compiled by ``gridbot nlp retrain`` (nlp.corrections.compile_layer)."""

    __tablename__ = "correction_layer"
    community_id: str = Field(foreign_key="community.id", max_length=64, primary_key=True)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    examples: int = 0  # corrections it was compiled from
    built_at: datetime = Field(default_factory=utcnow)
