"""Attachments: photos, voice, video, files and locations people send, kept on tickets.

``keep`` checks one neutral attachment (bot.messages.Attachment) and stores it: the bytes
are read only after the declared size passed, checked and cleaned (bot.files.sniff) in a
worker thread, written to the file store, and only then is the row inserted. A refusal is a
``DomainError`` raised before anything is written, so nothing is half-stored; the
dispatcher answers with its reply and rolls the message back.
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import messages
from bot.clock import utcnow
from bot.db.models import Ticket
from bot.db.models_files import REPORT, RESULT, Attachment, CategoryPolicy
from bot.errors import DomainError
from bot.files import sniff
from bot.files.store import content_key, store_for
from bot.services import tickets
from bot.signing import expiring_path, file_key

MAX_ADDRESS = 300
MAX_TRANSCRIPT = 2000


def limits(settings) -> dict[str, int]:
    mb = sniff.MB
    return {messages.IMAGE: settings.file_max_image_mb * mb, messages.VOICE: settings.file_max_voice_mb * mb,
            messages.VIDEO: settings.file_max_video_mb * mb, messages.FILE: settings.file_max_file_mb * mb}


def check_location(att: messages.Attachment) -> tuple[float | None, float | None, str | None]:
    """Latitude and longitude within the Earth; ``DomainError`` otherwise."""
    lat, lon = att.latitude, att.longitude
    address = " ".join(p for p in (att.title, att.address) if p and p.strip()) or None
    if lat is None and lon is None:
        if not address:  # a pin with neither coordinates nor a place name: ask for the building
            raise DomainError("location_no_place")
        return None, None, address[:MAX_ADDRESS]  # a puppet that gives the address only
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DomainError("location_bad") from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise DomainError("location_bad")
    return lat_f, lon_f, address[:MAX_ADDRESS] if address else None


@dataclass
class Checked:
    """An attachment that passed every check, not yet stored (see ``keep_all``)."""

    row: Attachment
    clean: sniff.Clean | None = None


async def check(*, settings, att: messages.Attachment, message_key: str, person_id: str,
                community_id: str | None, ticket_id: int | None = None, role: str = REPORT) -> Checked:
    """Everything that can refuse an attachment, with nothing written yet."""
    row = Attachment(community_id=community_id, ticket_id=ticket_id, person_id=person_id,
                     message_key=message_key[:255], kind=att.kind, role=role,
                     name=(att.name or "")[:200] or None, created_at=utcnow())
    if att.kind == messages.LOCATION:
        row.latitude, row.longitude, row.address = check_location(att)
        return Checked(row)
    if att.kind not in messages.STORED_KINDS:
        raise DomainError("attachment_unsupported")
    if att.kind == messages.VOICE and att.data is None and att.fetch is None:
        # WeCom's 智能机器人 delivers the transcript only: keep what was said, there is no audio.
        if not (att.transcript or "").strip():
            raise DomainError("voice_no_text")  # nothing heard and nothing to keep: ask for words
        row.transcript = att.transcript.strip()[:MAX_TRANSCRIPT] or None
        return Checked(row)
    clean = await _clean(settings, att)
    row.kind, row.mime, row.size, row.sha256 = clean.kind, clean.mime, len(clean.data), clean.sha256
    if att.transcript:
        row.transcript = att.transcript.strip()[:MAX_TRANSCRIPT] or None
    return Checked(row, clean)


async def store(*, session: AsyncSession, settings, checked: Checked) -> Attachment:
    """Write a checked attachment: its bytes (content-addressed, kept once), then its row."""
    row, clean = checked.row, checked.clean
    if clean is not None:
        if row.ticket_id is not None:
            same = await session.scalar(select(Attachment).where(
                Attachment.ticket_id == row.ticket_id, Attachment.sha256 == row.sha256).limit(1))
            if same is not None:
                return same  # the same photo sent twice: kept once
        files = store_for(settings)
        row.storage_key = content_key(clean.sha256, clean.extension)
        await files.put(row.storage_key, clean.data, clean.mime)
        if clean.thumb is not None:
            row.thumb_key = content_key(clean.sha256, "jpg", thumb=True)
            await files.put(row.thumb_key, clean.thumb, "image/jpeg")
    session.add(row)
    await session.flush()
    return row


async def keep_all(*, session: AsyncSession, settings, atts: list[messages.Attachment], message_key: str,
                   person_id: str, community_id: str | None, ticket_id: int | None = None,
                   role: str = REPORT) -> list[Attachment]:
    """Check every attachment of a message first, then store them: one bad file refuses the
    message before any file or row of it is written (nothing half-stored)."""
    checked = [await check(settings=settings, att=a, message_key=message_key, person_id=person_id,
                           community_id=community_id, ticket_id=ticket_id, role=role) for a in atts]
    return [await store(session=session, settings=settings, checked=c) for c in checked]


async def keep(*, session: AsyncSession, settings, att: messages.Attachment, message_key: str, person_id: str,
               community_id: str | None, ticket_id: int | None = None, role: str = REPORT) -> Attachment:
    """Check, clean and store one attachment and insert its row (``ticket_id`` may come later)."""
    (row,) = await keep_all(session=session, settings=settings, atts=[att], message_key=message_key,
                            person_id=person_id, community_id=community_id, ticket_id=ticket_id, role=role)
    return row


async def _clean(settings, att: messages.Attachment) -> sniff.Clean:
    limit = limits(settings).get(att.kind, settings.file_max_file_mb * sniff.MB)
    what = {"image": "图片", "voice": "语音", "video": "视频"}.get(att.kind, "文件")
    if att.size is not None and att.size > limit:
        raise DomainError("file_too_big", what=what, limit=limit // sniff.MB)  # refused before downloading
    try:
        data = await att.read()
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - a platform download that failed: say so, keep serving
        raise DomainError("file_download_failed") from None
    try:
        return await asyncio.to_thread(sniff.check, att.kind, data, limits=limits(settings),
                                       max_pixels=settings.file_max_image_pixels)
    except sniff.Refused as refused:
        raise DomainError(refused.key, **refused.fields) from None


async def attach(*, session: AsyncSession, ids: list[int], ticket_id: int, role: str = REPORT) -> None:
    """Put waiting attachments (a lone photo, a voice) on a ticket."""
    if ids:
        await session.execute(update(Attachment).where(Attachment.id.in_(ids))
                              .values(ticket_id=ticket_id, role=role))


async def of_ticket(*, session: AsyncSession, ticket_id: int) -> list[Attachment]:
    return list(await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id)
                                      .order_by(Attachment.id)))


async def photo_counts(*, session: AsyncSession, ticket_id: int) -> dict[str, int]:
    """{"report": n, "result": m}: photos of the problem and of the result."""
    rows = await session.execute(select(Attachment.role, func.count()).where(
        Attachment.ticket_id == ticket_id, Attachment.kind == messages.IMAGE).group_by(Attachment.role))
    counts = {REPORT: 0, RESULT: 0}
    counts.update({role: n for role, n in rows})
    return counts


async def recent_report(*, session: AsyncSession, person_id: str, community_id: str, minutes: int):
    """The sender's own active ticket reported within the last ``minutes``, newest first."""
    since = utcnow() - timedelta(minutes=minutes)
    number = await session.scalar(select(Ticket.number).where(
        Ticket.community_id == community_id, Ticket.reporter_id == person_id,
        Ticket.status.in_(tickets.ACTIVE), Ticket.created_at >= since).order_by(Ticket.id.desc()).limit(1))
    if number is None:
        return None
    return await tickets.get_by_number(session=session, community_id=community_id, number=number)


async def recent_done(*, session: AsyncSession, person_id: str, community_id: str, minutes: int):
    """The ticket this member reported done within the last ``minutes`` (its proof may follow)."""
    since = utcnow() - timedelta(minutes=minutes)
    number = await session.scalar(select(Ticket.number).where(
        Ticket.community_id == community_id, Ticket.claimer_id == person_id, Ticket.status == tickets.DONE,
        Ticket.done_at >= since).order_by(Ticket.done_at.desc()).limit(1))
    if number is None:
        return None
    return await tickets.get_by_number(session=session, community_id=community_id, number=number)


async def located(*, session: AsyncSession, ticket, row: Attachment, actor_id: str) -> None:
    """A shared location fills the ticket's place (kept in its text and timeline); a building named in
    its address (「幸福里小区5号楼」) becomes the ticket's building unless the report itself named one
    (a building guessed from the reporter's home gives way). Grids have no
    areas, so coordinates alone choose no grid (docs/attachments.md)."""
    from nlp import location

    where = row.address or f"{row.latitude:.5f},{row.longitude:.5f}"
    text = f"{ticket.text}（位置：{where}）"[:tickets.MAX_TEXT]
    values: dict = {"text": text, "updated_at": utcnow()}
    # The place the report stated wins; one guessed from the reporter's home (or none) gives way.
    if row.address and location.extract(ticket.text)[0] is None:
        building, unit, _ = location.extract(row.address)
        if building:
            values.update(building=building, unit=unit)
    await session.execute(update(Ticket).where(Ticket.id == ticket.id).values(**values))
    ticket.text = text
    for name in ("building", "unit"):
        if name in values:
            setattr(ticket, name, values[name])
    await tickets.record_event(session=session, ticket_id=ticket.id, action="relocate", actor_id=actor_id,
                               note=where)


# -- per-category rule: a photo of the result before 验收 ----------------------------
async def photo_required(*, session: AsyncSession, community_id: str, category: str) -> bool:
    policy = await session.get(CategoryPolicy, (community_id, category))
    return bool(policy and policy.photo_required)


async def set_photo_required(*, session: AsyncSession, community_id: str, category: str, required: bool) -> None:
    policy = await session.get(CategoryPolicy, (community_id, category))
    if policy is None:
        session.add(CategoryPolicy(community_id=community_id, category=category, photo_required=required))
    else:
        policy.photo_required = required
    await session.flush()


# -- links ------------------------------------------------------------------------
def link(settings, key: str, *, now: float | None = None) -> str:
    """A signed, expiring absolute link to a stored file (served by bot/web/files.py)."""
    expires = int((now or time.time()) + settings.file_link_ttl_seconds)
    base = (settings.public_base_url or f"http://{settings.http_host}:{settings.http_port}").rstrip("/")
    return base + expiring_path(file_key(settings), f"/files/{key}", expires)


def describe(settings, row: Attachment) -> dict:
    """How the read API and the exports show an attachment."""
    body: dict = {"kind": row.kind, "role": row.role, "sha256": row.sha256, "bytes": row.size, "mime": row.mime,
                  "url": link(settings, row.storage_key) if row.storage_key else None,
                  "thumb_url": link(settings, row.thumb_key) if row.thumb_key else None,
                  "at": row.created_at.isoformat() if row.created_at else None}
    if row.kind == messages.LOCATION:
        body.update(latitude=row.latitude, longitude=row.longitude, address=row.address)
    if row.transcript:
        body["transcript"] = row.transcript
    return body


async def links_by_ticket(*, session: AsyncSession, settings, ticket_ids: list[int]) -> dict[int, list[str]]:
    """Signed links to the stored files of these tickets (exports)."""
    out: dict[int, list[str]] = {}
    if not ticket_ids:
        return out
    rows = await session.scalars(select(Attachment).where(Attachment.ticket_id.in_(ticket_ids),
                                                         Attachment.storage_key.is_not(None)).order_by(Attachment.id))
    for row in rows:
        if row.ticket_id is not None and row.storage_key:
            out.setdefault(row.ticket_id, []).append(link(settings, row.storage_key))
    return out


# -- sending a stored photo ----------------------------------------------------------
async def outgoing_file(*, db, settings, attachment_id: int):
    """The stored photo or file ``attachment_id`` as the sender hands it to a platform that can send
    files (``Transport.send_file``); None when it is gone (the text then goes alone)."""
    from bot.files.store import store_for
    from bot.transports.base import OutgoingFile

    async with db.sessions() as session:
        row = await session.get(Attachment, attachment_id)
    if row is None or not row.storage_key:
        return None
    data = await store_for(settings).get(row.storage_key)
    if data is None:
        return None
    name = row.name or row.storage_key.rsplit("/", 1)[-1]
    url = link(settings, row.storage_key) if settings.public_base_url else None
    return OutgoingFile(name=name, data=data, media_type=row.mime or "application/octet-stream", url=url)
