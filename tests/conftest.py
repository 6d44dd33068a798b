"""Test database selection and the bot harness.

The suite runs against one database per run, chosen by ``GRIDBOT_TEST_DB``:
``sqlite`` (default) or ``postgres`` (URL from ``GRIDBOT_TEST_PG_URL``, default
the machine's PostgreSQL on 127.0.0.1:5432, database ``test``). The schema is
built once per run by the Alembic migrations, so the migrations are what is tested.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile

import pytest

from tests.harness import BotHarness

# Quiet hours (issue 5) would make results depend on the wall clock; tests that need them set them.
os.environ.setdefault("QUIET_HOURS", "")
# Tests that build their own Settings would otherwise store attachments in ./files of the checkout.
os.environ.setdefault("FILE_DIR", tempfile.mkdtemp(prefix="gridbot-test-files-"))
PG_URL = os.environ.get("GRIDBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
BACKEND = os.environ.get("GRIDBOT_TEST_DB", "sqlite")


def pytest_report_header(config):
    return f"gridbot test database: {BACKEND}" + (f" ({PG_URL})" if BACKEND == "postgres" else "")


async def _build_schema(url: str) -> None:
    from sqlalchemy import text

    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine = make_engine(url)
    if url.startswith("postgresql"):
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def schema_source(tmp_path_factory) -> str:
    """SQLite: a migrated template file copied per test. PostgreSQL: the migrated URL."""
    if BACKEND == "postgres":
        asyncio.run(_build_schema(PG_URL))
        return PG_URL
    template = tmp_path_factory.mktemp("schema") / "template.db"
    asyncio.run(_build_schema(f"sqlite+aiosqlite:///{template}"))
    return str(template)


async def _truncate_all(db) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def database_url(schema_source, tmp_path) -> str:
    if BACKEND == "postgres":
        return schema_source
    path = tmp_path / "gridbot.db"
    shutil.copyfile(schema_source, path)
    return f"sqlite+aiosqlite:///{path}"


class _DemoSnapshot:
    """PostgreSQL only: the demo community's rows, copied once into a side schema.

    Emptying every table with TRUNCATE and loading the demo again cost ~170 ms per test
    (80 ms + 90 ms), a quarter of the PostgreSQL pass. Restoring the copy is one script
    of DELETE / INSERT … SELECT / setval in one round trip (~10 ms) and leaves the same
    rows and the same sequence positions as a fresh load.
    """

    script: str | None = None

    @classmethod
    async def restore(cls, harness) -> None:
        engine = harness.runtime.db.engine
        async with engine.connect() as conn:
            pg = (await conn.get_raw_connection()).driver_connection
            if cls.script is None:
                await _truncate_all(harness.runtime.db)
                await harness.runtime.load_demo_if_empty()
                cls.script = await cls._take(pg)
            else:
                await pg.execute(cls.script)

    @staticmethod
    async def _take(pg) -> str:
        from sqlmodel import SQLModel

        tables = [t.name for t in SQLModel.metadata.sorted_tables]
        await pg.execute("DROP SCHEMA IF EXISTS gridbot_snap CASCADE; CREATE SCHEMA gridbot_snap")
        full = []
        for name in tables:
            if await pg.fetchval(f'SELECT count(*) FROM public."{name}"'):
                full.append(name)
                await pg.execute(f'CREATE TABLE gridbot_snap."{name}" AS SELECT * FROM public."{name}"')
        sequences = await pg.fetch(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        # Foreign-key triggers off while the tables are refilled in any order (we connect as a superuser).
        parts = ["SET session_replication_role = replica"]
        parts += [f'DELETE FROM public."{name}"' for name in tables]
        parts += [f'INSERT INTO public."{name}" SELECT * FROM gridbot_snap."{name}"' for name in full]
        for seq in sequences:
            value, called = (seq["last_value"], "true") if seq["last_value"] else (1, "false")
            parts.append(f"SELECT setval('public.\"{seq['sequencename']}\"', {value}, {called})")
        parts.append("SET session_replication_role = DEFAULT")
        return ";\n".join(parts)


@pytest.fixture
async def bot(database_url):
    """A running bot on the demo community, without HTTP; see tests/harness.py."""
    harness = await BotHarness.create(database_url)
    if BACKEND == "postgres":
        await _DemoSnapshot.restore(harness)
    else:
        await harness.runtime.load_demo_if_empty()
    try:
        yield harness
    finally:
        await harness.close()


def pytest_collection_modifyitems(config, items):
    if BACKEND != "postgres":
        return
    # Pure tests (nlp, crypto, parsing) say nothing new on a second database.
    keep = [i for i in items if "needs_db" in i.keywords or "bot" in getattr(i, "fixturenames", ())
            or "database_url" in getattr(i, "fixturenames", ())]
    deselected = [i for i in items if i not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep
