"""Finding the person a staff member names in a command (``/加分 @李师傅``, ``/派单 3 @张三``).

Every such lookup goes through ``find_named`` and is scoped to the acting staff
member's community: only people holding a role there can be found, so a secretary
of one community can neither read nor change anyone of another (issue 15, item 3).
A person serving several communities is found from each of them.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Person, PersonRole
from bot.errors import DomainError
from bot.services.directory import GRID_WORKER, MEMBER, SECRETARY

# Who can claim, complete and so be assigned a ticket (handlers.member.MEMBERS).
CAN_TAKE_TICKETS = (MEMBER, GRID_WORKER, SECRETARY)


def bare_name(token: str) -> str:
    """``@李师傅`` / ``＠李师傅`` / ``李师傅`` → ``李师傅``."""
    return unicodedata.normalize("NFKC", token).strip().lstrip("@").strip()


async def find_named(
    *, session: AsyncSession, community_id: str, token: str, mentions: Iterable[str] = (),
) -> Person:
    """The one person of ``community_id`` that ``token`` names.

    ``token`` is what was typed ("@李师傅", "李师傅" or a person id); ``mentions`` are the
    platform ids of real @mentions in the message, which settle a name two people share.
    Raises ``err_person_not_found`` (nobody here answers to it, including people of other
    communities) or ``err_person_ambiguous`` (several people here share the name).
    """
    name = bare_name(token)
    if not name:
        raise DomainError("err_person_not_found", name=token)
    rows = list(await session.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.community_id == community_id, or_(Person.id == name, Person.name == name))
        .order_by(Person.id)
    ))
    found = list({p.id: p for p in rows}.values())
    by_id = [p for p in found if p.id == name]
    if by_id:
        return by_id[0]
    mentions = set(mentions)
    mentioned = [p for p in found if p.id in mentions]
    if len(mentioned) == 1:
        return mentioned[0]
    if mentions and await _mentions_someone_else(session, mentions, name):
        # The @mention picked a person outside this community: not a namesake here.
        raise DomainError("err_person_not_found", name=name)
    if len(found) == 1:
        return found[0]
    if not found:
        raise DomainError("err_person_not_found", name=name)
    raise DomainError("err_person_ambiguous", name=name, count=len(found))


async def _mentions_someone_else(session: AsyncSession, mentions: set[str], name: str) -> bool:
    return await session.scalar(
        select(Person.id).where(Person.id.in_(mentions), or_(Person.id == name, Person.name == name)).limit(1)
    ) is not None


async def has_role(*, session: AsyncSession, person_id: str, community_id: str, roles: tuple[str, ...]) -> bool:
    found = await session.scalar(
        select(PersonRole.person_id).where(PersonRole.person_id == person_id,
                                           PersonRole.community_id == community_id,
                                           PersonRole.role.in_(roles)).limit(1)
    )
    return found is not None


async def find_assignee(*, session: AsyncSession, community_id: str, token: str,
                        mentions: Iterable[str] = ()) -> Person:
    """A person of the community who may take a ticket (a member or staff), for ``/派单``.

    A resident assigned a ticket could neither complete nor release it."""
    person = await find_named(session=session, community_id=community_id, token=token, mentions=mentions)
    if not await has_role(session=session, person_id=person.id, community_id=community_id,
                          roles=CAN_TAKE_TICKETS):
        raise DomainError("err_assign_not_member", name=person.name)
    return person


def refuse_self(*, actor_id: str, person_id: str, key: str, **fields: object) -> None:
    """Nobody awards, deducts, reverses or verifies their own points or work (issue 15, item 9)."""
    if actor_id == person_id:
        raise DomainError(key, **fields)
