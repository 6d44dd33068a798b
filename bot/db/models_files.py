"""Photos, voice, video, files and locations on tickets (issue 12)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.clock import utcnow

REPORT, RESULT = "report", "result"  # before (the resident's) and after (the member's proof)


class Attachment(SQLModel, table=True):
    """One photo, voice, video, file or location a person sent.

    ``ticket_id`` is empty while a photo waits for its "what is the problem?" answer.
    Stored bytes live in the file store under ``storage_key`` (content-addressed by
    ``sha256``, so the same bytes are kept once); ``thumb_key`` is an image's thumbnail."""

    __table_args__ = (Index("ix_attachment_ticket_role", "ticket_id", "role"),
                      Index("ix_attachment_message", "message_key"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: str | None = Field(default=None, max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    person_id: str = Field(max_length=128)
    message_key: str = Field(max_length=255)  # the dedup key of the message that carried it
    kind: str = Field(max_length=16)  # image | voice | video | file | location
    role: str = Field(default=REPORT, max_length=16)  # report (before) | result (after)
    sha256: str | None = Field(default=None, max_length=64)
    size: int = 0
    mime: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    storage_key: str | None = Field(default=None, max_length=200)
    thumb_key: str | None = Field(default=None, max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = Field(default=None, max_length=300)
    transcript: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class CategoryPolicy(SQLModel, table=True):
    """Per community and category: must a member send a photo of the result before 验收?"""

    community_id: str = Field(primary_key=True, max_length=64)
    category: str = Field(primary_key=True, max_length=32)
    photo_required: bool = False
