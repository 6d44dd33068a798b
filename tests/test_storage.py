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
    ({"communities": [{"id": "x", "name": "X", "street": "nowhere"}]}, "社区「x」写的街道「nowhere」不存在"),
    ({"streets": [{"id": "s", "name": "S", "district": "nope"}], "communities": []}, "街道「s」写的区「nope」不存在"),
    ({"streets": [{"id": "s"}], "communities": []}, "街道「s」缺少 name"),
    ({"streets": [{"id": "s", "name": "S", "departments": [{"name": "城管"}]}], "communities": []},
     "部门「城管」缺少 id"),
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


async def test_streets_load_idempotently_and_roles_follow_the_communities(bot):
    """The demo's street (issue 13): loaded again, nothing doubles; a community added to the street
    later gives the officer and the department contacts their roles there too."""
    from importlib import resources

    import yaml

    from bot.db.models_streets import Department, Street, StreetOfficer

    data = yaml.safe_load(resources.files("bot").joinpath("demo/demo.yaml").read_text(encoding="utf-8"))
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=data)
        await loader.load(session=session, data={"communities": [{"id": "xinyuan", "name": "新园社区",
                                                                  "street": "xinhua"}]})
    async with bot.runtime.db.sessions() as session:
        assert [s.id for s in await session.scalars(select(Street))] == ["xinhua"]
        assert sorted(d.name for d in await session.scalars(select(Department))) == ["供水", "城管"]
        assert len(list(await session.scalars(select(StreetOfficer)))) == 1
        officer = sorted(r.community_id for r in await session.scalars(
            select(PersonRole).where(PersonRole.person_id == "st-zhang")))
        contact = sorted((r.community_id, r.role) for r in await session.scalars(
            select(PersonRole).where(PersonRole.person_id == "cg-liu")))
    assert officer == ["anping", "xingfuli", "xinyuan"]
    assert contact == [("anping", "department"), ("xingfuli", "department"), ("xinyuan", "department")]
