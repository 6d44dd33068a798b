"""SQLModel tables. Times are aware UTC (``bot.clock.utcnow``) on both databases."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class Community(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    # Ticket numbers are short and per community; this is the last one handed out.
    last_ticket_no: int = 0
    street_id: str | None = Field(default=None, max_length=64)  # bot.db.models_streets.Street


class Grid(SQLModel, table=True):
    """A node of community → estate (小区/片区) → building (楼栋) → unit (单元)."""

    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_grid_community_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="grid.id")
    level: str  # "estate" | "building" | "unit"
    name: str
    building_no: str | None = None  # "3" for 3号楼


class Room(SQLModel, table=True):
    """A chat group the bot sits in, bound to a community and optionally a grid."""

    id: str = Field(primary_key=True, max_length=128)
    community_id: str = Field(foreign_key="community.id", index=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    kind: str  # "grid" (residents' group) | "members" (members' group)
    name: str


class Person(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=128)
    name: str
    created_at: datetime = Field(default_factory=utcnow)


class PersonRole(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("person_id", "community_id", "role", name="uq_person_role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    community_id: str = Field(foreign_key="community.id", index=True)
    role: str  # "resident" | "member" | "grid_worker" | "secretary"
    grid_id: int | None = Field(default=None, foreign_key="grid.id")  # home grid
    skills: str | None = None


class Ticket(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("community_id", "number", name="uq_ticket_community_number"),
        Index("ix_ticket_status", "community_id", "status"),
        Index("ix_ticket_created", "community_id", "created_at"),  # a period's tickets (/统计, reports)
        # The duplicate check's two lookups, newest first (bot.services.duplicates, migration 0022).
        Index("ix_ticket_grid", "community_id", "grid_id", "id"),
        Index("ix_ticket_reporter", "reporter_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id")
    number: int
    status: str = "open"
    category: str = "other"
    urgency: str = "normal"
    text: str
    evidence: str | None = None  # words that decided the category
    reporter_id: str = Field(foreign_key="person.id")
    claimer_id: str | None = Field(default=None, foreign_key="person.id")
    room_id: str | None = Field(default=None, foreign_key="room.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    building: str | None = None
    unit: str | None = None
    room_no: str | None = None
    points_awarded: int = 0
    dispatch_level: int = 0  # escalation widens who is told; status is unchanged
    affected_count: int = 1  # residents who reported the same problem
    rating: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Lifecycle timestamps (issue 5): deadline (限时办结) and when each step last happened.
    deadline_at: datetime | None = None
    claimed_at: datetime | None = None
    done_at: datetime | None = None
    verified_at: datetime | None = None
    closed_at: datetime | None = None


class TicketEvent(SQLModel, table=True):
    """Every transition of a ticket: who, when and why."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    action: str
    from_status: str | None = None
    to_status: str | None = None
    actor_id: str | None = Field(default=None, foreign_key="person.id")
    note: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    __table_args__ = (Index("ix_claim_ended", "outcome", "ended_at"),)  # work finished in a period (/统计 区)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    person_id: str = Field(foreign_key="person.id")
    claimed_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    outcome: str = "active"  # active | released | done | rejected | cancelled


class PointsEntry(SQLModel, table=True):
    """Append-only ledger; a correction is a reversing entry, never an edit."""

    __table_args__ = (Index("ix_pointsentry_created", "community_id", "created_at"),)  # a period's points

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    community_id: str = Field(foreign_key="community.id", index=True)
    amount: int
    rule: str
    reason: str
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    actor_id: str | None = Field(default=None, foreign_key="person.id")
    idempotency_key: str = Field(unique=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class ProcessedMessage(SQLModel, table=True):
    """Inbound message ids already handled, so a redelivery is a no-op."""

    key: str = Field(primary_key=True, max_length=255)
    processed_at: datetime = Field(default_factory=utcnow)


class Broadcast(SQLModel, table=True):
    """A notice to many rooms; its requester gets a delivery report once every row is done."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: str | None = None
    requested_by: str  # person id the report goes to
    report_room: str | None = None  # where the broadcast was confirmed (None: a private chat)
    total: int
    sent_count: int = 0
    failed_count: int = 0
    status: str = "sending"  # sending | done
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


# Literal values, not parameters: a partial index serves only a query that repeats its predicate.
BLOCKER_SQL = "status = 'sending' OR (status = 'pending' AND next_attempt_at IS NOT NULL)"
_BLOCKER_SQL = text(BLOCKER_SQL)


class OutboxMessage(SQLModel, table=True):
    """Everything the bot sends, written in the same transaction as the change.

    Rows are created by ``bot.services.outbox.enqueue`` (it fills ``conversation``)
    and drained by ``bot.sender.OutboxSender``; see there for the delivery rules.
    """

    __table_args__ = (
        Index("ix_outbox_status", "status", "id"),
        Index("ix_outbox_conversation", "conversation", "status", "id"),
        # Only the rows that can hold a conversation up (bot.services.outbox.BLOCKER).
        Index("ix_outbox_blockers", "conversation", "id", postgresql_where=_BLOCKER_SQL, sqlite_where=_BLOCKER_SQL),
        Index("ix_outbox_account", "account_id", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)  # the sequence number
    room_id: str | None = None
    to_person: str | None = None
    # Order is kept per conversation: the room id, or "to:<person>" for a private chat.
    conversation: str = ""
    text: str
    mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cause: str | None = Field(default=None, index=True)  # inbound dedup key, job or route
    reply_key: str | None = Field(default=None, max_length=64)  # the template said (bot.replies)
    status: str = "pending"  # pending | sending | sent | failed | dropped (no longer applied)
    attempts: int = 0
    last_error: str | None = None
    not_before: datetime | None = None  # not sent before this time (quiet hours, schedules)
    next_attempt_at: datetime | None = None  # retry backoff; blocks later rows of the conversation
    claimed_by: str | None = None  # the sender that holds the row while it is 'sending'
    claimed_at: datetime | None = None  # start of that lease
    parts_sent: int = 0  # pieces of a split text already delivered
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", index=True)
    # bot.messages.Guard: sent only while ticket guard_ticket_id has one of guard_statuses
    # (comma-separated) and, if set, is claimed by guard_claimer; else dropped at send time.
    guard_ticket_id: int | None = None
    guard_statuses: str | None = Field(default=None, max_length=64)
    guard_claimer: str | None = None
    image_id: int | None = None  # a photo (attachment id) sent with the text (issue 12)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    # The platform account that sends it (bot.db.models_accounts), bound at enqueue time.
    account_id: str = Field(default="default", max_length=64, sa_column_kwargs={"server_default": "default"})


class PendingAction(SQLModel, table=True):
    """An open conversation flow (bot.flows): the bot asked, the person's next answer completes it.

    One per person and conversation (a room id, or "private")."""

    __table_args__ = (UniqueConstraint("person_id", "conversation", name="uq_pending_person_conversation"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id")
    community_id: str = Field(foreign_key="community.id")
    room_id: str | None = None
    conversation: str = Field(default="private", max_length=128)
    kind: str  # the flow's name
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)


class TicketWatcher(SQLModel, table=True):
    """A resident who reported the same problem again ("+1") and is told with the reporter."""

    __table_args__ = (UniqueConstraint("ticket_id", "person_id", name="uq_watcher"),
                      Index("ix_watcher_person", "person_id"))
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    person_id: str = Field(foreign_key="person.id")
    room_id: str | None = None
    text: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


# Tables of other areas live in their own modules; importing them here puts every
# table on SQLModel.metadata for Alembic and the tests.
from bot.db import (  # noqa: E402,F401
    models_accounts,
    models_console,
    models_files,
    models_learning,
    models_lists,
    models_members,
    models_mobilise,
    models_schedule,
    models_streets,
    models_tasks,
)
