"""URLs, migrations and the directory loader."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.engine import normalize_url
from bot.db.models import Grid, PersonRole, Room
from bot.services import loader


@pytest.mark.parametrize("url, expected", [
    ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
    ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
])
def test_database_url_forms(url, expected):
    assert normalize_url(url) == expected


def test_unsupported_url():
    with pytest.raises(ValueError):
        normalize_url("mysql://root@localhost/db")


async def test_migrations_match_the_models(database_url):
    """The Alembic head creates exactly the tables and columns the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from bot.db.engine import make_engine

    engine = make_engine(database_url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata))
    await engine.dispose()
    assert diff == []


async def test_loader_is_idempotent_and_complete(bot):
    data = loader.read_file("examples/community.yaml")
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=data)
        await loader.load(session=session, data=data)
    async with bot.runtime.db.sessions() as session:
        rooms = list(await session.scalars(select(Room)))
        grids = list(await session.scalars(select(Grid)))
        roles = list(await session.scalars(select(PersonRole)))
    assert len({r.id for r in rooms}) == len(rooms) >= 3
    assert {g.name for g in grids} >= {"东区", "3号楼"}
    assert len(roles) == len({(r.person_id, r.community_id, r.role) for r in roles})


@pytest.mark.parametrize("data, message", [
    ({"communities": [{"id": "x"}]}, "社区「x」缺少 name"),
    ({"communities": [{"id": "x", "name": "X", "rooms": [{"id": "r", "name": "R", "kind": "chat"}]}]},
     "群「r」的 kind 只能是：grid、members"),
    ({"communities": [{"id": "x", "name": "X", "people": [{"id": "p", "name": "P", "roles": ["king"]}]}]},
     "人员「p」的身份「king」不认识"),
    ({"communities": [{"id": "x", "name": "X", "rooms": [{"id": "r", "name": "R", "kind": "grid", "grid": "?"}]}]},
     "群「r」写的网格「\\?」不存在"),
])
async def test_loader_rejects_bad_files(bot, data, message):
    with pytest.raises(loader.LoadError, match=message):
        async with bot.runtime.db.transaction() as session:
            await loader.load(session=session, data=data)


def test_read_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("communities: {oops", encoding="utf-8")
    with pytest.raises(loader.LoadError):
        loader.read_file(bad)
    with pytest.raises(loader.LoadError):
        loader.read_file(tmp_path / "missing.yaml")
