"""Tables for members and points (issue 6): profiles, rules, activities, shop."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class MemberProfile(SQLModel, table=True):
    """A member's 报到 in one community: pending until a secretary reviews it."""

    __table_args__ = (UniqueConstraint("person_id", "community_id", name="uq_profile_person_community"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    community_id: str = Field(foreign_key="community.id", index=True)
    status: str = "pending"  # pending | approved | rejected
    grid_id: int | None = Field(default=None, foreign_key="grid.id")  # home grid
    skills: str | None = None
    work_unit: str | None = None
    availability: str | None = None  # when they can help, in their words
    phone: str | None = None
    source: str = "chat"  # chat | import
    reviewed_by: str | None = Field(default=None, foreign_key="person.id")
    reviewed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PointsBalance(SQLModel, table=True):
    """One row per person: the ledger sum, kept in step with every entry.

    Spending is a conditional UPDATE (``balance >= price``) on this row, so two
    concurrent redemptions serialize on it and the balance never goes negative.
    """

    person_id: str = Field(primary_key=True, foreign_key="person.id", max_length=128)
    balance: int = 0


class PointsRuleOverride(SQLModel, table=True):
    """A community's change to a value of the rule table (``/积分规则 设置``)."""

    __table_args__ = (UniqueConstraint("community_id", "code", name="uq_rule_override"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id")
    code: str = Field(max_length=64)
    points: int
    updated_by: str | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = Field(default_factory=utcnow)


class CommunityCounter(SQLModel, table=True):
    """Short per-community numbers for activities and shop items."""

    community_id: str = Field(primary_key=True, foreign_key="community.id", max_length=64)
    kind: str = Field(primary_key=True, max_length=32)
    last_no: int = 0


class Activity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "number", name="uq_activity_number"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id")
    number: int
    title: str
    starts_at: datetime
    place: str
    quota: int
    points: int
    signed_up: int = 0  # a counter moved only by conditional UPDATEs
    status: str = "open"  # open | cancelled
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class ActivitySignup(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("activity_id", "person_id", name="uq_signup"),)
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    person_id: str = Field(foreign_key="person.id")
    signed_at: datetime = Field(default_factory=utcnow)
    attended_at: datetime | None = None
    confirmed_by: str | None = Field(default=None, foreign_key="person.id")  # None: self check-in
    left_at: datetime | None = None  # 签退 (issue 17): with attended_at, the service time
    minutes: int | None = None


class Wish(SQLModel, table=True):
    """A 微心愿: a ticket (category care) posted by a secretary for a resident in need."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    community_id: str = Field(foreign_key="community.id", index=True)
    posted_by: str = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class ShopItem(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "number", name="uq_shop_item_number"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id")
    number: int
    name: str
    price: int
    stock: int  # a counter moved only by conditional UPDATEs; never below zero
    active: bool = True
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class Voucher(SQLModel, table=True):
    """What a redemption hands out; a secretary's /核销 marks it collected."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    community_id: str = Field(foreign_key="community.id", index=True)
    item_id: int = Field(foreign_key="shopitem.id")
    person_id: str = Field(foreign_key="person.id", index=True)
    price: int
    entry_id: int = Field(foreign_key="pointsentry.id")
    status: str = "issued"  # issued | collected
    created_at: datetime = Field(default_factory=utcnow)
    collected_at: datetime | None = None
    collected_by: str | None = Field(default=None, foreign_key="person.id")


class StarRating(SQLModel, table=True):
    """A half-yearly star rating (星级评定), kept for the year-end review."""

    __table_args__ = (UniqueConstraint("community_id", "period", "person_id", name="uq_star_rating"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id")
    period: str = Field(max_length=16)  # "2026H1"
    person_id: str = Field(foreign_key="person.id")
    points: int
    stars: int
    created_at: datetime = Field(default_factory=utcnow)
