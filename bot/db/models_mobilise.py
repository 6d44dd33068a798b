"""Tables for mobilisation (issue 17): roll calls (集结) and their answers, 战时 mode."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class RollCall(SQLModel, table=True):
    """A 集结: a call for ``quota`` people at a time and place, sent to a scope of people."""

    __tablename__ = "roll_call"
    __table_args__ = (UniqueConstraint("community_id", "number", name="uq_roll_call_number"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64)
    number: int
    scope: str = Field(max_length=32)
    starts_at: datetime
    place: str = Field(max_length=60)
    quota: int
    note: str = Field(default="", max_length=200)
    urgent: bool = False  # marked 紧急, or sent in 战时 mode: breaks quiet hours
    accepted: int = 0  # a counter moved only by conditional UPDATEs (never above quota)
    status: str = Field(default="open", max_length=16)  # open | closed
    remind_minutes: int = 30
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class RollCallAnswer(SQLModel, table=True):
    """One invited person's answer: pending, ack (收到), yes, no, late (人已够 when they said yes)."""

    __tablename__ = "roll_call_answer"
    __table_args__ = (UniqueConstraint("roll_call_id", "person_id", name="uq_roll_call_person"),)
    id: int | None = Field(default=None, primary_key=True)
    roll_call_id: int = Field(foreign_key="roll_call.id", index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128, index=True)
    answer: str = Field(default="pending", max_length=16)
    answered_at: datetime | None = None
    arrived_at: datetime | None = None
    arrived_place: str | None = Field(default=None, max_length=60)
    minutes: int | None = None  # service time credited at the close (arrival → close)


class WartimeMode(SQLModel, table=True):
    """战时 mode of a community: open while ``ended_at`` is None (one open per community)."""

    __tablename__ = "wartime_mode"
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    reason: str = Field(max_length=200)
    started_by: str | None = Field(default=None, foreign_key="person.id")
    started_at: datetime = Field(default_factory=utcnow)
    ended_by: str | None = Field(default=None, foreign_key="person.id")
    ended_at: datetime | None = None
    street_id: str | None = Field(default=None, max_length=64)  # set when the street switched it on


class CommunityRule(SQLModel, table=True):
    """A rule a community added (/积分规则 新增), one row per version: a rename, a new value or
    retiring it adds a row and leaves the old one as it was, so a ledger entry's rule code
    ``custom.<id>`` always names the version it was posted under."""

    __tablename__ = "community_rule"
    __table_args__ = (UniqueConstraint("community_id", "rule_key", "version", name="uq_community_rule_version"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    rule_key: int  # the same for every version of one rule
    version: int = 1
    name: str = Field(max_length=30)
    points: int
    per_hour: bool = False  # points for each hour of service instead of each time
    note: str = Field(default="", max_length=100)
    status: str = Field(default="active", max_length=16)  # active | retired
    current: bool = True  # the latest version of its rule
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class Team(SQLModel, table=True):
    """A team of a community (志愿服务队, 三人小组) with a leader; a roll call can go to it."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_team_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64)
    name: str = Field(max_length=30)
    leader_id: str = Field(foreign_key="person.id", max_length=128)
    created_by: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_member"
    __table_args__ = (UniqueConstraint("team_id", "person_id", name="uq_team_member"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128)
