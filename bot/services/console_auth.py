"""Console login (issue 14): one-time links from /后台, server-side sessions, the audit log.

A link token is ``nonce.signature`` (bot.signing over the nonce with CONSOLE_SECRET): a forged or
altered link is refused before the database is read. Rows hold only the HMAC of a token, so a copy
of the database opens nothing. Links live CONSOLE_LINK_MINUTES and are used once; a session lives
CONSOLE_SESSION_HOURS unless ``/后台 退出`` revokes it (every session of the person)."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models_console import ConsoleAudit, ConsoleLink, ConsoleSession
from bot.errors import DomainError
from bot.signing import link_signature

# Without CONSOLE_SECRET the simulator signs with a secret that dies with the process.
_SIM_SECRET = secrets.token_hex(32)


def secret_of(settings) -> str | None:
    """The signing secret, or None when the console must not run (a platform without CONSOLE_SECRET)."""
    configured = getattr(settings, "console_secret", None)
    if configured:
        return str(configured)
    return _SIM_SECRET if settings.transport == "sim" else None


def _hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), ("console:" + token).encode("utf-8", "surrogatepass"), "sha256").hexdigest()


def base_url(settings) -> str:
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return f"http://{settings.http_host}:{settings.http_port}"


async def issue_link(*, session: AsyncSession, settings, person_id: str, now: datetime) -> str:
    """A one-time login URL for a member of staff; refuses past CONSOLE_LINKS_PER_HOUR."""
    secret = secret_of(settings)
    if secret is None:
        raise DomainError("err_console_off")
    recent = await session.scalar(select(func.count()).select_from(ConsoleLink).where(
        ConsoleLink.person_id == person_id, ConsoleLink.created_at > now - timedelta(hours=1)))
    if (recent or 0) >= settings.console_links_per_hour:
        raise DomainError("err_console_rate", limit=settings.console_links_per_hour)
    nonce = secrets.token_urlsafe(24)
    token = f"{nonce}.{link_signature(secret, nonce)}"
    session.add(ConsoleLink(token_hash=_hash(secret, token), person_id=person_id, created_at=now,
                            expires_at=now + timedelta(minutes=settings.console_link_minutes)))
    await session.flush()
    return f"{base_url(settings)}/console/login/{token}"


@dataclass(frozen=True)
class Opened:
    token: str  # the cookie value
    person_id: str
    expires_at: datetime


async def redeem_link(*, session: AsyncSession, settings, token: str, now: datetime) -> Opened | None:
    """Use a link once: a new session, or None for a forged, expired or used link."""
    secret = secret_of(settings)
    nonce, _, signature = token.partition(".")
    if secret is None or not nonce or not hmac.compare_digest(
            signature.encode("utf-8", "surrogatepass"), link_signature(secret, nonce).encode()):
        return None
    # One UPDATE claims the link: two tabs opening it at once cannot both win.
    claimed = await session.execute(
        update(ConsoleLink).where(ConsoleLink.token_hash == _hash(secret, token), ConsoleLink.used_at.is_(None),
                                  ConsoleLink.expires_at > now).values(used_at=now)
        .returning(ConsoleLink.person_id))
    person_id = claimed.scalar()
    if person_id is None:
        return None
    cookie = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=settings.console_session_hours)
    session.add(ConsoleSession(token_hash=_hash(secret, cookie), person_id=person_id, csrf=secrets.token_urlsafe(24),
                               created_at=now, expires_at=expires))
    await audit(session=session, person_id=person_id, action="login")
    return Opened(cookie, person_id, expires)


async def session_of(*, session: AsyncSession, settings, token: str, now: datetime) -> ConsoleSession | None:
    """The live session behind a cookie, or None."""
    secret = secret_of(settings)
    if secret is None or not token:
        return None
    row = await session.get(ConsoleSession, _hash(secret, token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


async def revoke_all(*, session: AsyncSession, person_id: str, now: datetime) -> int:
    """/后台 退出: end every live session and unused link of the person; how many sessions ended."""
    ended = await session.execute(update(ConsoleSession).where(
        ConsoleSession.person_id == person_id, ConsoleSession.revoked_at.is_(None),
        ConsoleSession.expires_at > now).values(revoked_at=now))
    await session.execute(update(ConsoleLink).where(
        ConsoleLink.person_id == person_id, ConsoleLink.used_at.is_(None)).values(used_at=now))
    await audit(session=session, person_id=person_id, action="logout")
    return int(getattr(ended, "rowcount", 0) or 0)


async def audit(*, session: AsyncSession, person_id: str, action: str, target: str | None = None,
                detail: str | None = None) -> None:
    session.add(ConsoleAudit(person_id=person_id, action=action[:64], target=target[:200] if target else None,
                             detail=detail))
    await session.flush()


async def audit_rows(*, session: AsyncSession, person_id: str | None = None, limit: int = 100) -> list[ConsoleAudit]:
    query = select(ConsoleAudit).order_by(ConsoleAudit.id.desc()).limit(limit)
    if person_id is not None:
        query = query.where(ConsoleAudit.person_id == person_id)
    return list(await session.scalars(query))
