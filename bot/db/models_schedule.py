"""Tables for lifecycle automation (issue 5): durable due items and scheduled notices.

Every timed rule (an escalation, a deadline reminder, a follow-up, a digest, one
occurrence of a scheduled notice) is a ``ScheduledJob`` row with a due time and a
unique ``key``. The scheduler's tick claims a due row with a conditional UPDATE in
the same transaction as the messages it writes, so a restart or a second bot
process can never run it twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class ScheduledJob(SQLModel, table=True):
    __tablename__ = "scheduled_job"
    __table_args__ = (Index("ix_scheduled_job_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)  # e.g. "escalate1:12", "daily:xingfuli:2026-11-23"
    kind: str = Field(max_length=32)
    community_id: str = Field(foreign_key="community.id", max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    notice_id: int | None = Field(default=None, foreign_key="scheduled_notice.id")
    due_at: datetime
    status: str = Field(default="pending", max_length=16)  # pending|done|skipped|dropped|cancelled|failed
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ScheduledNotice(SQLModel, table=True):
    """A notice a secretary scheduled with /定时: once or recurring."""

    __tablename__ = "scheduled_notice"
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=64)
    creator_id: str = Field(foreign_key="person.id", max_length=128)
    expression: str  # the time words as typed, e.g. "每周一 9:00"
    rule: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    scope: str
    room_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    text: str
    next_at: datetime | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
