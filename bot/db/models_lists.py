"""三单 (issue 13): a community's 资源清单 (what its members and units can offer: skills, rooms,
vehicles), 需求清单 (recurring needs) and 服务清单 (services on offer, by whom, when). Residents
order from the service list (``预约 N``), which becomes a ticket routed to the provider."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class ListItem(SQLModel, table=True):
    __tablename__ = "list_item"
    __table_args__ = (UniqueConstraint("community_id", "kind", "number", name="uq_list_item_number"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    kind: str = Field(max_length=16)  # resource | need | service
    number: int  # short, per community and kind
    title: str = Field(max_length=100)
    detail: str | None = Field(default=None, max_length=200)  # when, where, how much
    provider_id: str | None = Field(default=None, foreign_key="person.id", max_length=128)
    active: bool = True
    created_by: str | None = Field(default=None, foreign_key="person.id", max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


class Survey(SQLModel, table=True):
    """需求征集: a question put to the community's groups; the answers feed the 需求清单."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("community_id", "number", name="uq_survey_number"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(foreign_key="community.id", max_length=64, index=True)
    number: int  # short, per community
    question: str = Field(max_length=200)
    open: bool = True
    created_by: str | None = Field(default=None, foreign_key="person.id", max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


class SurveyAnswer(SQLModel, table=True):
    """One person's answer to a survey: the last one they gave."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("survey_id", "person_id", name="uq_survey_answer_person"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    person_id: str = Field(foreign_key="person.id", max_length=128)
    text: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
