"""Above the community and beside it (issue 13): district → street → community, the street's
officers and its departments (城管, 供水 …), and the department work a ticket is handed to.

A community belongs to at most one street (``Community.street_id``). Street officers and
department contacts also hold a role (``street_officer`` / ``department``) in every community of
their street (``bot.services.streets.expand_roles``), so the dispatcher's one role check and the
directory cache work for them unchanged; the rows here are the source those roles are derived from.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class District(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str


class DistrictOfficer(SQLModel, table=True):
    """A district office account (区里的干部): the whole district's /统计 and monthly report, and the
    hierarchy's edits (streets, departments, which street a community belongs to). Like a street
    officer they hold ``street_officer`` in every community of the district (``expand_roles``)."""

    __tablename__ = "district_officer"
    __table_args__ = (UniqueConstraint("district_id", "person_id", name="uq_district_officer"),)
    id: int | None = Field(default=None, primary_key=True)
    district_id: str = Field(foreign_key="district.id", max_length=64, index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128, index=True)


class Street(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    district_id: str | None = Field(default=None, foreign_key="district.id", max_length=64)


class StreetOfficer(SQLModel, table=True):
    __tablename__ = "street_officer"
    __table_args__ = (UniqueConstraint("street_id", "person_id", name="uq_street_officer"),)
    id: int | None = Field(default=None, primary_key=True)
    street_id: str = Field(foreign_key="street.id", max_length=64, index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128)


class Department(SQLModel, table=True):
    """A department a street hands problems to; told through its contact and/or its group."""

    __table_args__ = (UniqueConstraint("street_id", "name", name="uq_department_street_name"),)
    id: str = Field(primary_key=True, max_length=64)
    street_id: str = Field(foreign_key="street.id", max_length=64, index=True)
    name: str = Field(max_length=64)  # 城管, 供水 …
    contact_id: str | None = Field(default=None, foreign_key="person.id", max_length=128)
    room_id: str | None = Field(default=None, max_length=128)  # the department's chat, if any


class DepartmentTask(SQLModel, table=True):
    """One department's part in a ticket: handed over with /转办 (kind ``transfer``) or summoned
    with /吹哨 (kind ``whistle``).

    transfer: assigned ──受理──▶ accepted ──办结──▶ done   (回复 adds a reply at any point)
    whistle:  summoned ──报到──▶ reported
    """

    __tablename__ = "department_task"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    department_id: str = Field(foreign_key="department.id", max_length=64, index=True)
    kind: str = Field(max_length=16)  # transfer | whistle
    status: str = Field(max_length=16)  # assigned | accepted | done | summoned | reported | withdrawn
    note: str | None = None
    deadline_at: datetime | None = None  # transfer: 限N天
    report_by: datetime | None = None  # whistle: 报到 before this
    created_by: str | None = Field(default=None, foreign_key="person.id", max_length=128)
    created_at: datetime = Field(default_factory=utcnow)
    accepted_at: datetime | None = None
    replied_at: datetime | None = None
    reply: str | None = None
    done_at: datetime | None = None
    reported_at: datetime | None = None
    reminded_at: datetime | None = None  # 督办 (by hand or by the scheduler)
    alerted_at: datetime | None = None  # street officer alerted


class WorkUnit(SQLModel, table=True):
    """A work unit's party organisation (单位党组织): its members report both to it and where they live
    (双报到); it supports (包联) some communities; its contact gets a monthly report."""

    __tablename__ = "work_unit"
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=100)
    contact_id: str | None = Field(default=None, foreign_key="person.id", max_length=128)


class WorkUnitLink(SQLModel, table=True):
    """A unit reported (报到) to a community it supports."""

    __tablename__ = "work_unit_link"
    __table_args__ = (UniqueConstraint("unit_id", "community_id", name="uq_work_unit_link"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: str = Field(foreign_key="work_unit.id", max_length=64, index=True)
    community_id: str = Field(foreign_key="community.id", max_length=64)


class WorkUnitMember(SQLModel, table=True):
    __tablename__ = "work_unit_member"
    __table_args__ = (UniqueConstraint("unit_id", "person_id", name="uq_work_unit_member"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: str = Field(foreign_key="work_unit.id", max_length=64, index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128, index=True)
