"""Who may use /api/ (issue 15, findings 1, 2 and 11): the simulator is a development tool, /api/ is
closed by default, cross-site and rebound requests are refused, a reverse proxy grants nothing."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web.app import create_app
from bot.web.auth import check_exposure, describe_exposure
from tests.harness import MEMBER_LI, MEMBERS, RES_ZHAO, SECRETARY

CJK = re.compile(r"[\u4e00-\u9fff]")
AWARD = {"room": None, "sender": SECRETARY, "name": "王书记", "text": "/加分 @李师傅 100 帮忙"}


async def balance(bot, person=MEMBER_LI) -> int:
    from bot.services import points

    async with bot.runtime.db.sessions() as session:
        return await points.balance(session=session, person_id=person)


def app_client(bot, **settings):
    for key, value in settings.items():
        setattr(bot.runtime.settings, key, value)
    return TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1"))


async def refused(resp, *statuses: int) -> str:
    assert resp.status in (statuses or (400, 401, 403, 415)), (resp.status, await resp.text())
    error = (await resp.json())["error"]
    assert CJK.search(error), error
    return error


# --- Finding 1: anyone who reaches the port could act as the secretary -----------------------------

async def test_with_a_token_the_simulator_api_requires_it_too(bot):
    async with app_client(bot, api_token="s3cret") as client:
        await refused(await client.post("/api/sim/messages", json=AWARD), 401)
        await refused(await client.get("/api/sim/outbox?after=0"), 401)
        await refused(await client.get("/api/sim/directory"), 401)
        assert await balance(bot) == 0
        ok = await client.post("/api/sim/messages", json=AWARD, headers={"Authorization": "Bearer s3cret"})
        assert ok.status == 200
    assert await balance(bot) == 100


async def test_the_simulator_exists_only_with_transport_sim(bot):
    async with app_client(bot, transport="wechaty", api_token="s3cret") as client:
        auth = {"Authorization": "Bearer s3cret"}
        assert (await client.post("/api/sim/messages", json=AWARD, headers=auth)).status == 404
        assert (await client.get("/api/sim/outbox", headers=auth)).status == 404
        assert (await client.get("/", headers=auth)).status == 404
        assert (await client.get("/api/people/mem-li/points", headers=auth)).status == 200


def run_gridbot(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("API_", "HTTP_", "TRANSPORT", "WECOM"))}
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path}/gb.db", HTTP_PORT="0", SCHEDULER_ENABLED="false", **env)
    root = Path(__file__).resolve().parents[1]
    environment["PYTHONPATH"] = str(root)
    return subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env, expected", [
    ({"HTTP_HOST": "0.0.0.0"}, "HTTP_HOST=0.0.0.0"),
    ({"TRANSPORT": "wecom", "WECOM_ROBOT_KEYS": "chat=key"}, "API_TOKEN"),
])
def test_start_up_refuses_to_expose_without_a_token(tmp_path, env, expected):
    done = run_gridbot(tmp_path, **env)
    assert done.returncode == 2, done.stderr
    assert "配置错误" in done.stderr and expected in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("settings, refused_with", [
    ({"http_host": "0.0.0.0"}, "HTTP_HOST"),
    ({"http_host": "::"}, "HTTP_HOST"),
    ({"http_host": "192.168.1.5"}, "HTTP_HOST"),
    ({"transport": "wecom"}, "API_TOKEN"),
    ({"transport": "wechaty"}, "API_TOKEN"),
    ({"transport": "wechaty", "http_host": "127.0.0.1"}, "API_TOKEN"),
    ({}, None),
    ({"http_host": "localhost"}, None),
    ({"http_host": "::1"}, None),
    ({"http_host": "0.0.0.0", "api_token": "t"}, None),
    ({"transport": "wecom", "api_token": "t"}, None),
])
def test_exposure_rules(settings, refused_with):
    s = Settings(_env_file=None, **settings)
    if refused_with is None:
        check_exposure(s)
    else:
        with pytest.raises(ValueError, match=refused_with):
            check_exposure(s)


def test_the_start_up_line_says_what_is_exposed_where():
    local = describe_exposure(Settings(_env_file=None))
    assert "127.0.0.1:8080" in local and "simulator" in local and "this machine only" in local
    shared = describe_exposure(Settings(_env_file=None, http_host="0.0.0.0", api_token="t",
                                        public_base_url="https://grid.example.org"))
    assert "0.0.0.0:8080" in shared and "requires API_TOKEN" in shared and "grid.example.org" in shared
    wecom = describe_exposure(Settings(_env_file=None, transport="wecom", api_token="t"))
    assert "no simulator" in wecom and "/wecom/callback" in wecom


async def test_start_logs_the_exposure_line(bot, caplog):
    bot.runtime.settings.http_port = 0
    bot.runtime.settings.scheduler_enabled = False
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        await bot.runtime.start()
        try:
            assert any("this machine only" in r.getMessage() for r in caplog.records)
        finally:
            await bot.runtime.stop()


async def test_outbox_shows_private_messages_only_to_their_person(bot):
    async with app_client(bot) as client:
        async def say(sender, text, room=None):
            resp = await client.post("/api/sim/messages", json={"room": room, "sender": sender, "text": text})
            assert resp.status == 200, await resp.text()
            return (await resp.json())["replies"]

        await say(SECRETARY, "/加分 @李师傅 30 帮忙")
        await say(SECRETARY, "/商品 上架 洗衣液 5 20")
        redeemed = await say(MEMBER_LI, "兑换 1", MEMBERS)
        code = next(m.group(0) for r in redeemed for m in [re.search(r"[A-Z0-9]{6,}", r["text"])] if m and r["to"])
        await say(RES_ZHAO, "1号楼2单元楼道灯坏了好几天了，晚上黑漆漆的", "room-east")
        await bot.runtime.sender.drain()  # the feed shows what was delivered

        async def feed(viewer=None):
            query = "?after=0" + (f"&as={viewer}" if viewer else "")
            return (await (await client.get("/api/sim/outbox" + query)).json())["messages"]

        own, other, nobody = await feed(MEMBER_LI), await feed(RES_ZHAO), await feed()
    private_to_li = [m for m in own if m["room"] is None]
    assert private_to_li and all(m["to"] == MEMBER_LI for m in private_to_li)
    assert any(code in m["text"] for m in own)
    for view in (other, nobody):
        assert all(m["room"] is not None or m["to"] == RES_ZHAO for m in view)
        assert not any(code in m["text"] for m in view)
    # Group messages are everyone's.
    groups = [m["seq"] for m in own if m["room"] is not None]
    assert groups and groups == [m["seq"] for m in other if m["room"] is not None]


# --- Finding 2: cross-site requests and DNS rebinding on the default 127.0.0.1 set-up --------------

async def test_a_cross_site_text_plain_post_awards_nothing(bot):
    async with app_client(bot) as client:
        resp = await client.post("/api/sim/messages", data=json.dumps(AWARD),
                                 headers={"Content-Type": "text/plain", "Origin": "http://evil.example"})
        await refused(resp)
        await refused(await client.post("/api/sim/messages", data=json.dumps(AWARD),
                                        headers={"Content-Type": "text/plain"}), 415)
        await refused(await client.post("/api/sim/messages", data=json.dumps(AWARD)), 415)  # no Content-Type
        await refused(await client.post("/api/sim/messages", json=AWARD,
                                        headers={"Origin": "http://evil.example"}), 403)
        await refused(await client.post("/api/sim/messages", json=AWARD, headers={"Origin": "null"}), 403)
        port = client.server.port
        await refused(await client.post("/api/sim/messages", json=AWARD,
                                        headers={"Origin": f"http://localhost:{port + 1}"}), 403)
    assert await balance(bot) == 0


@pytest.mark.parametrize("path", ["/api/sim/directory", "/api/sim/outbox?after=0", "/api/people/mem-li/points",
                                  "/api/tickets/1", "/api/communities/xingfuli/ledger.xlsx"])
async def test_a_rebound_host_is_refused(bot, path):
    async with app_client(bot) as client:
        error = await refused(await client.get(path, headers={"Host": f"evil.example:{client.server.port}"}), 403)
        assert "evil.example" in error
        await refused(await client.get(path, headers={"Host": "127.0.0.1.evil.example"}), 403)


async def test_same_origin_and_configured_names_are_served(bot):
    async with app_client(bot) as client:
        port = client.server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            resp = await client.post("/api/sim/messages", json={**AWARD, "text": "帮助"},
                                     headers={"Host": host, "Origin": f"http://{host}"})
            assert resp.status == 200, await resp.text()
        assert (await client.get("/")).status == 200
        await refused(await client.get("/", headers={"Host": "evil.example"}), 403)
    async with app_client(bot, api_token="t", http_allowed_hosts="grid.example.org, 10.0.0.7") as client:
        for host in ("grid.example.org", "10.0.0.7:8080", "GRID.example.org."):
            resp = await client.get("/api/sim/directory", headers={"Host": host, "Authorization": "Bearer t"})
            assert resp.status == 200, (host, await resp.text())


# --- Finding 11: behind a reverse proxy every caller looks local -----------------------------------

@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host"])
@pytest.mark.parametrize("path", ["/api/people/mem-li/points", "/api/tickets/1", "/api/sim/directory",
                                  "/api/communities/xingfuli/ledger.xlsx"])
async def test_forwarded_requests_are_not_local_without_a_token(bot, header, path):
    async with app_client(bot) as client:
        for claimed in ("203.0.113.9", "127.0.0.1", "for=127.0.0.1"):
            await refused(await client.get(path, headers={header: claimed}), 403)
        assert (await client.get(path)).status in (200, 404)  # the page's own requests still work


async def test_a_platform_transport_serves_api_only_with_the_token(bot):
    async with app_client(bot, transport="wecom") as client:
        error = await refused(await client.get("/api/people/mem-li/points"), 403)
        assert "API_TOKEN" in error
    async with app_client(bot, transport="wecom", api_token="t") as client:
        auth = {"Authorization": "Bearer t", "X-Forwarded-For": "203.0.113.9"}
        assert (await client.get("/api/people/mem-li/points", headers=auth)).status == 200
        await refused(await client.get("/api/people/mem-li/points", headers={"X-Forwarded-For": "127.0.0.1"}), 401)


async def test_the_page_reads_the_feed_as_its_person_and_sends_the_token(bot):
    async with app_client(bot) as client:
        page = await (await client.get("/")).text()
    assert '"&as=" + encodeURIComponent(viewer)' in page  # the feed is read as 「我是」
    assert 'h["Authorization"] = "Bearer " + token' in page  # with API_TOKEN set, every call carries it


@pytest.mark.parametrize("headers, status", [
    (b"Host: 127.0.0.1\r\nAuthorization: Bearer \xff\xfe\r\n", b"401"),
    (b"Host: \xff\xfe.example\r\n", b"403"),
    (b"Host: 127.0.0.1\r\nOrigin: http://\xff\xfe\r\n", b"403"),
])
async def test_undecodable_header_bytes_are_refused_not_500(bot, headers, status):
    """Header bytes that are not UTF-8 reach the checks as lone surrogates: a 4xx, not a 500."""
    import asyncio

    async with app_client(bot, api_token="s3cret") as client:
        reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
        writer.write(b"GET /api/sim/directory HTTP/1.1\r\n" + headers + b"Connection: close\r\n\r\n")
        await writer.drain()
        response = await reader.read()
        writer.close()
    assert response.split()[1] == status, response[:300]
