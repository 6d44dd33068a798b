"""The office console (issue 14): one-time login links, server-side sessions, the audit log.

Link and session tokens are never stored: a row holds the HMAC of its token under CONSOLE_SECRET,
so a copy of the database opens nothing."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.clock import utcnow


class ConsoleLink(SQLModel, table=True):
    """A one-time login link handed out by /后台 (valid minutes, used once)."""

    token_hash: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class ConsoleSession(SQLModel, table=True):
    """A browser's console session: the cookie holds the token, this row its hash and CSRF token."""

    token_hash: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ConsoleAudit(SQLModel, table=True):
    """Every console action: who (person id), what, on which object, when."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=200)
    detail: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ConsoleBoardConsent(SQLModel, table=True):
    """A member who agreed to be named on the community's public 张榜 / 大屏 (recorded by staff in the
    console, e.g. from the 报到 form). Without a row, the public board leaves the person out."""

    person_id: str = Field(foreign_key="person.id", primary_key=True, max_length=128)
    community_id: str = Field(foreign_key="community.id", primary_key=True, max_length=64)
    recorded_by: str = Field(foreign_key="person.id", max_length=128)
    agreed_at: datetime = Field(default_factory=utcnow)
