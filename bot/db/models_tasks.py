"""Tables for tasks that need several people (issue 17): a ticket or a wish with N places,
each taken, completed and verified by one person; and a community's 参加次数考核 minimum."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class TaskNeed(SQLModel, table=True):
    """A ticket that needs ``places`` people. ``taken`` counts the places held now; it moves
    only by conditional UPDATEs (``taken < places``), so the last place goes to one person."""

    __tablename__ = "task_need"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    places: int
    taken: int = 0
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class TaskPlace(SQLModel, table=True):
    """One person's part of a several-people task: active (claimed) → done → verified;
    released when they let go, and active again when a 验收 sends it back."""

    __tablename__ = "task_place"
    __table_args__ = (UniqueConstraint("ticket_id", "person_id", name="uq_task_place_person"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128, index=True)
    status: str = Field(default="active", max_length=16)  # active | done | verified | released
    assigned_by: str | None = Field(default=None, foreign_key="person.id")  # a team leader or staff
    claimed_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    verified_at: datetime | None = None
    verified_by: str | None = Field(default=None, foreign_key="person.id")
    minutes: int | None = None  # service time credited at 验收
    note: str | None = Field(default=None, max_length=200)


class ParticipationRule(SQLModel, table=True):
    """参加次数考核: the least number of times a member of this community should take part
    (activities attended, roll calls arrived at, task places done) in a period."""

    __tablename__ = "participation_rule"
    community_id: str = Field(primary_key=True, foreign_key="community.id", max_length=64)
    min_count: int
    updated_by: str | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = Field(default_factory=utcnow)
