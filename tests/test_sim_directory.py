"""``GET /api/sim/directory`` a page at a time (issue 16): at district size one response was 5.5 MB
built on the event loop; now every page is bounded and the simulator page walks the cursor."""
from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from bot.clock import utcnow
from bot.db.models import Person, PersonRole
from bot.services import sim_directory
from bot.web.app import create_app

EXTRA = 2345


@pytest.fixture
async def client(bot):
    async with bot.runtime.db.transaction() as session:
        now = utcnow()
        await session.execute(insert(Person), [{"id": f"gen-{i:05d}", "name": f"居民{i}", "created_at": now}
                                               for i in range(EXTRA)])
        await session.execute(insert(PersonRole), [{"person_id": f"gen-{i:05d}", "community_id": "xingfuli",
                                                    "role": "resident"} for i in range(EXTRA)])
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        yield client


async def walk(client, limit: int | None = None) -> list[dict]:
    pages, after = [], None
    while True:
        query = {k: v for k, v in (("after", after), ("limit", limit)) if v is not None}
        resp = await client.get("/api/sim/directory", params=query)
        assert resp.status == 200, await resp.text()
        page = await resp.json()
        pages.append(page)
        after = page["next"]
        if after is None:
            return pages


async def test_directory_comes_in_bounded_pages_with_everyone_once(client):
    pages = await walk(client, limit=500)
    people = [p for page in pages for p in page["people"]]
    # One entry per person and community (a street's department contact serves each of its communities).
    entries = [(p["id"], p["community"]) for p in people]
    assert len(entries) == len(set(entries))
    ids = sorted({p["id"] for p in people})
    assert len(ids) >= EXTRA + 8  # the demo's people and the generated ones
    assert {f"gen-{i:05d}" for i in range(EXTRA)} <= set(ids)
    assert [p["id"] for p in people] == sorted(p["id"] for p in people)
    assert len(pages) == -(-len(ids) // 500)
    assert all(len({p["id"] for p in page["people"]}) <= 500 for page in pages)
    # Communities and rooms come once, on the first page.
    assert {"id": "xingfuli", "name": "幸福里社区"} in pages[0]["communities"]
    assert {"room-east", "room-west", "room-members"} <= {r["id"] for r in pages[0]["rooms"]}
    assert all("rooms" not in page and "communities" not in page for page in pages[1:])
    roles = {p["id"]: p["roles"] for p in people}
    assert roles["sec-wang"] == ["secretary"] and roles["gen-00042"] == ["resident"]


async def test_default_page_is_bounded(client):
    first = await (await client.get("/api/sim/directory")).json()
    assert len({p["id"] for p in first["people"]}) == sim_directory.PAGE_DEFAULT and first["next"]
    assert len(json.dumps(first, ensure_ascii=False).encode()) < 200_000


@pytest.mark.parametrize("query", ["limit=0", f"limit={sim_directory.PAGE_MAX + 1}", "limit=x", "after=%00"])
async def test_bad_paging_gets_a_clear_error(client, query):
    resp = await client.get(f"/api/sim/directory?{query}")
    assert resp.status == 400 and (await resp.json())["error"]


def test_the_simulator_page_follows_the_cursor():
    page = resources.files("bot").joinpath("web/static/simulator.html").read_text(encoding="utf-8")
    assert re.search(r'"/api/sim/directory" \+ \(after \? "\?after=" \+ encodeURIComponent\(after\)', page)
    assert "page.next" in page
