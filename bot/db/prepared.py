"""Busy statements compiled once and, on SQLite, run straight on the driver connection.

Measured here (bench/README.md), one Core statement through SQLAlchemy's async
session costs ~45-60 µs and an ORM select ~95 µs, while sqlite3 runs the same
statement in ~3 µs: on the embedded database nearly all of a command's time was
the statement machinery (greenlet hops, execution context, result objects), not
SQLite. A ``Prepared`` statement keeps everything that matters from SQLAlchemy:
the SQL is compiled by SQLAlchemy from a Core statement, values pass through the
column types' own bind and result conversions, and the transaction is the
session's (its BEGIN IMMEDIATE, its COMMIT or ROLLBACK). What it skips is the
per-call execution machinery. On PostgreSQL (and any other database) it is plain
``session.execute``.

Rules for statements used this way: Core (tables, not ORM entities), and no
``IN (…)`` lists (expanding parameters need a per-call render; use ``any_of``).
"""
from __future__ import annotations

import sqlite3
from collections import namedtuple
from typing import Any, Iterable, Sequence

from sqlalchemy import or_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import greenlet_spawn

_RAW_KEY = "prepared_raw_sqlite"
_REQUIRED = object()


def any_of(column, values: Iterable[Any]):
    """``column IN (values)`` for a fixed list, without an expanding parameter."""
    return or_(*(column == v for v in values))


class Result:
    """What a prepared statement returns: rows with attribute access, and the row count."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: Sequence[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def first(self):
        return self.rows[0] if self.rows else None

    def scalar(self):
        return self.rows[0][0] if self.rows else None

    def scalars(self) -> list:
        return [r[0] for r in self.rows]

    def __iter__(self):
        return iter(self.rows)


class _SQLitePlan:
    __slots__ = ("sql", "names", "defaults", "binds", "record", "results", "results_none", "returns_rows", "keys",
                 "steps")

    def __init__(self, statement, dialect, keys: tuple[str, ...], record=None) -> None:
        # As SQLAlchemy does per call: an INSERT names the columns it is given values for.
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        missing = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if missing:
            # SQLAlchemy computes these column defaults per call; this plan would bind NULL.
            raise ValueError(f"prepared statement needs values for {missing} (column defaults)")
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        self.defaults, self.binds = {}, {}
        for name in self.names:
            bind = compiled.binds[name]
            if not bind.required:
                self.defaults[name] = bind.effective_value
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.binds[name] = process
        # Per positional parameter: (name, default or _REQUIRED, bind processor or None,
        # whether the processor must see None too: JSON turns it into 'null').
        self.steps = tuple((name, self.defaults.get(name, _REQUIRED), self.binds.get(name),
                            _sees_none(self.binds.get(name))) for name in self.names)
        columns = list(statement.exported_columns)  # selected or RETURNING columns; none for plain DML
        self.returns_rows = bool(columns)
        self.keys = tuple(c.key for c in columns)
        self.record = _keyword_record(record, self.keys) if record is not None else (
            namedtuple("Row", self.keys, rename=True)._make if columns else None)
        self.results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        self.results_none = tuple(_sees_none(p) for p in self.results)

    def parameters(self, values: dict[str, Any]) -> tuple:
        out = []
        for name, default, process, sees_none in self.steps:
            value = values.get(name, default)
            if value is _REQUIRED:
                raise KeyError(name)
            if process is None or (value is None and not sees_none):
                out.append(value)
            else:
                out.append(process(value))
        return tuple(out)

    def convert(self, raw_rows: list[tuple]) -> list:
        results, record = self.results, self.record
        if not any(results):
            return [record(r) for r in raw_rows]
        steps = tuple(zip(results, self.results_none))
        return [record(tuple(v if p is None or (v is None and not n) else p(v) for (p, n), v in zip(steps, r)))
                for r in raw_rows]


def _sees_none(process) -> bool:
    """Whether a type conversion does something with None (JSON: 'null'); asked once, at
    compile time, so the common case (None stays None) costs no call per value."""
    if process is None:
        return False
    try:
        return process(None) is not None
    except Exception:  # noqa: BLE001 - a conversion that cannot take None: let it see None as SQLAlchemy would
        return True


def _keyword_record(record, keys: tuple[str, ...]):
    """A row maker that builds ``record(**columns)`` (a mutable value class, say)."""
    def make(values: tuple):
        return record(**dict(zip(keys, values)))
    return make


class Prepared:
    """A Core statement to run many times; see the module docstring."""

    __slots__ = ("statement", "postgresql", "record", "_plans")

    def __init__(self, statement, *, postgresql=None, record=None) -> None:
        """``postgresql``: that database's form of the statement, where the two differ
        (``INSERT … ON CONFLICT`` constructs are per dialect). ``record``: a class called
        with the columns as keywords for each row (default: a named tuple)."""
        self.statement = statement
        self.postgresql = postgresql if postgresql is not None else statement
        self.record = record
        self._plans: dict[tuple[str, ...], _SQLitePlan] = {}

    def _sqlite_plan(self, dialect, values: dict[str, Any]) -> _SQLitePlan:
        keys = tuple(values)
        plan = self._plans.get(keys)
        if plan is None:
            plan = self._plans[keys] = _SQLitePlan(self.statement, dialect, keys, self.record)
        return plan

    def _other(self, session: AsyncSession):
        return self.postgresql if session.bind.dialect.name == "postgresql" else self.statement

    async def run(self, session: AsyncSession, values: dict[str, Any] | None = None) -> Result:
        raw = await _raw_sqlite(session)
        if raw is None:
            result = await session.execute(self._other(session), values or {})
            returns_rows = getattr(result, "returns_rows", True)  # ORM-enabled selects: always rows
            rows = result.all() if returns_rows else []
            if self.record is not None:
                rows = [self.record(**row._mapping) for row in rows]
            return Result(rows, len(rows) if returns_rows else result.rowcount)
        values = values or {}
        plan = self._sqlite_plan(session.bind.dialect, values)
        params = plan.parameters(values)
        try:
            cursor = raw.execute(plan.sql, params)
            rows = plan.convert(cursor.fetchall()) if plan.returns_rows else []
        except sqlite3.Error as error:
            raise DBAPIError.instance(plan.sql, params, error, sqlite3.Error) from error
        return Result(rows, len(rows) if plan.returns_rows else cursor.rowcount)

    async def run_many(self, session: AsyncSession, rows: list[dict[str, Any]]) -> None:
        """The statement once per row of values (no rows returned); the rows share one set of keys."""
        if not rows:
            return
        raw = await _raw_sqlite(session)
        if raw is None:
            await session.execute(self._other(session), rows)
            return
        plan = self._sqlite_plan(session.bind.dialect, rows[0])
        params = [plan.parameters(r) for r in rows]
        try:
            raw.executemany(plan.sql, params)
        except sqlite3.Error as error:
            raise DBAPIError.instance(plan.sql, params, error, sqlite3.Error) from error


async def _raw_sqlite(session: AsyncSession) -> sqlite3.Connection | None:
    """The session's sqlite3 connection in its current transaction, or None off SQLite."""
    sync = session.sync_session
    if sync.bind.dialect.name != "sqlite":
        return None
    # Pending ORM changes go first, as the session's autoflush would send them.
    # (``_is_clean`` is what Session.flush itself asks; the public new/dirty/deleted
    # sets are built on every call, and this runs before every busy statement.)
    if not sync._is_clean():
        await session.flush()
    transaction = sync.get_transaction()
    cached = session.info.get(_RAW_KEY)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    # Begins the transaction if it has not begun (the sync call: no AsyncConnection proxy needed).
    connection = await greenlet_spawn(sync.connection)
    raw = connection.connection.driver_connection.sqlite
    session.info[_RAW_KEY] = (sync.get_transaction(), raw)
    return raw
