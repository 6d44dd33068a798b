"""An in-process cache of rooms and of who holds which roles.

Every message needs its room and its sender's roles; both change rarely. Entries
come only from committed rows (never from a transaction that might roll back),
expire after ``ttl`` seconds so a change made by another process shows within that
time, and are dropped when this process changes them (``add_role``,
``ensure_person``, the loader): at once, and again when the changing transaction
commits, because a transaction running beside it may have read (and then cached)
the rows as they were before. ``generation`` moves on every such drop; an entry
read under an older generation is not stored.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.hooks import after_commit

SESSION_KEY = "directory_cache"


@dataclass(frozen=True, slots=True)
class RoomInfo:
    id: str
    community_id: str
    grid_id: int | None
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class PersonRef:
    """What handlers read of the sender: a plain value, not a session-bound row."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ActorInfo:
    person: PersonRef
    community_id: str | None
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class GridInfo:
    """A grid node as a plain value (same attribute names as ``Grid``, for bot.services.grids)."""

    id: int
    parent_id: int | None
    level: str
    name: str
    building_no: str | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """A member's role row in one community, as dispatching reads it."""

    person_id: str
    grid_id: int | None
    skills: str | None
    name: str


_ABSENT = object()


# How many people's entries are kept (about 1 KB each); the least recently used go first.
DEFAULT_MAX_PEOPLE = 20_000


class DirectoryCache:
    def __init__(self, *, ttl: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 max_people: int = DEFAULT_MAX_PEOPLE) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_people = max(1, max_people)
        self._rooms: dict[str, tuple[float, RoomInfo | None]] = {}
        # person id → {room's community → (stamp, actor)}: one person's entries are found
        # and dropped in one step, whatever the number of people cached (a newcomer's first
        # message used to scan every key). Least recently used person first, bounded.
        self._actors: OrderedDict[str, dict[str | None, tuple[float, ActorInfo]]] = OrderedDict()
        # Per-community lists (grid tree, member roster, rooms by kind), keyed by a tuple.
        self._lists: dict[tuple, tuple[float, tuple]] = {}
        self.generation = 0  # moves whenever entries are dropped because the directory changed

    def _fresh(self, stamp: float) -> bool:
        return self.clock() - stamp < self.ttl

    def room(self, room_id: str):
        """The cached room, None for a room known not to exist, or ``MISSING``."""
        hit = self._rooms.get(room_id)
        if hit is None or not self._fresh(hit[0]):
            return MISSING
        return hit[1]

    def put_room(self, room_id: str, info: RoomInfo | None) -> None:
        self._rooms[room_id] = (self.clock(), info)

    def actor(self, person_id: str, room_community: str | None) -> ActorInfo | None:
        entries = self._actors.get(person_id)
        hit = entries.get(room_community) if entries is not None else None
        if hit is None or not self._fresh(hit[0]):
            return None
        self._actors.move_to_end(person_id)
        return hit[1]

    def put_actor(self, person_id: str, room_community: str | None, info: ActorInfo) -> None:
        entries = self._actors.get(person_id)
        if entries is None:
            entries = self._actors[person_id] = {}
            if len(self._actors) > self.max_people:
                self._actors.popitem(last=False)
        else:
            self._actors.move_to_end(person_id)
        now = self.clock()
        entries[room_community] = (now, info)
        if len(entries) > 1:  # drop this person's expired entries (other rooms' communities)
            for key in [k for k, (stamp, _) in entries.items() if now - stamp >= self.ttl]:
                del entries[key]

    def people_cached(self) -> int:
        return len(self._actors)

    def listing(self, key: tuple) -> tuple | None:
        hit = self._lists.get(key)
        if hit is None or not self._fresh(hit[0]):
            return None
        return hit[1]

    def put_listing(self, key: tuple, items: tuple, generation: int | None = None) -> None:
        """Store a listing, unless the directory changed since ``generation`` (when read)."""
        if generation is None or generation == self.generation:
            self._lists[key] = (self.clock(), items)

    def put_actor_if_current(self, person_id: str, room_community: str | None, info: ActorInfo,
                             generation: int) -> None:
        if generation == self.generation:
            self.put_actor(person_id, room_community, info)

    def forget_person(self, person_id: str) -> None:
        self.generation += 1
        self._actors.pop(person_id, None)
        self._lists.clear()  # rosters may hold the person (a few keys per community)

    def forget_listings(self) -> None:
        self.generation += 1
        self._lists.clear()

    def clear(self) -> None:
        self.generation += 1
        self._rooms.clear()
        self._actors.clear()
        self._lists.clear()


MISSING = _ABSENT


DIRTY_KEY = "directory_changed"
DROPS_KEY = "directory_drops"  # how many after-commit drops this transaction has queued


def cache_of(session: AsyncSession) -> DirectoryCache | None:
    return session.info.get(SESSION_KEY)


def mark_changed(session: AsyncSession, person_id: str | None = None) -> None:
    """This transaction changed people, roles, rooms or grids (of ``person_id`` when given):
    what it reads may roll back, and what others cache before it commits is stale."""
    session.info[DIRTY_KEY] = True
    cache = cache_of(session)
    if cache is None:
        return
    drop = (lambda: cache.forget_person(person_id)) if person_id else cache.forget_listings
    drop()
    after_commit(session, drop)
    session.info[DROPS_KEY] = session.info.get(DROPS_KEY, 0) + 1


def generation_after_own_drops(session: AsyncSession, cache: DirectoryCache) -> int:
    """The generation the cache will have once this transaction's own queued drops have run
    after its commit: a value read now is current then unless someone else changed things."""
    return cache.generation + session.info.get(DROPS_KEY, 0)


def cache_for_listing(session: AsyncSession) -> DirectoryCache | None:
    """The cache, when this transaction's reads of the directory are safe to keep."""
    if session.info.get(DIRTY_KEY):
        return None
    return cache_of(session)
