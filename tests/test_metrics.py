"""Observability (issue 16): /metrics scraped through the running web app, /healthz per account,
JSON log lines naming the message and the ticket."""
from __future__ import annotations

import io
import json
import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot import logs
from bot.web.app import create_app
from tests.harness import EAST, MEMBER_LI, MEMBERS, RES_SUN, RES_ZHAO


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        yield client


async def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    resp = await client.get("/metrics", headers=headers)
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(await resp.text()):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def expire_snapshot(client) -> None:
    """The database gauges are cached for a few seconds: read them afresh."""
    from bot.web import metrics as web_metrics

    client.server.app[web_metrics.COLLECTOR].snapshot = None


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def post(client, room, sender, text):
    resp = await client.post("/api/sim/messages", json={"room": room, "sender": sender, "text": text})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["replies"]


async def test_metrics_count_what_went_through_the_web_app(client, bot):
    before = await scrape(client)
    await post(client, EAST, RES_ZHAO, "1号楼3单元402门口的水管爆了，水流了一地")  # a demand: ticket 1
    await post(client, EAST, RES_SUN, "今天天气真好啊")  # chatter
    await post(client, MEMBERS, MEMBER_LI, "接单 1")  # a command
    await post(client, MEMBERS, MEMBER_LI, "接单 99")  # a command the bot refuses (no such ticket)
    await bot.runtime.sender.drain()
    expire_snapshot(client)
    after = await scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("gridbot_messages_handled_total", kind="demand") == 1
    assert delta("gridbot_messages_handled_total", kind="chat") == 1
    assert delta("gridbot_messages_handled_total", kind="command") == 2
    assert delta("gridbot_message_handle_seconds_count") == 4
    assert delta("gridbot_classifier_seconds_count") >= 2  # the demand and the chatter were classified
    assert delta("gridbot_outbox_sent_total") >= 3
    assert ("gridbot_outbox_send_failures_total", (("outcome", "failed"),)) in after
    # Read from the database at scrape time: one ticket, claimed.
    assert value(after, "gridbot_tickets", community="xingfuli", status="claimed") == 1
    assert value(after, "gridbot_outbox_rows", status="pending") == 0
    assert ("gridbot_outbox_oldest_due_age_seconds", ()) in after
    assert ("gridbot_scheduler_oldest_due_seconds", ()) in after
    assert ("gridbot_scheduler_job_lag_seconds_count", ()) in after


async def test_send_failures_and_backlog_are_counted(client, bot):
    from tests.harness import RecordingTransport

    class Broken(RecordingTransport):
        async def send(self, message):
            raise RuntimeError("platform down")

    before = await scrape(client)
    bot.runtime.sender.transport = Broken()
    await post(client, EAST, RES_ZHAO, "3号楼电梯坏了")
    await bot.runtime.sender.run_once()
    expire_snapshot(client)
    after = await scrape(client)
    retried = value(after, "gridbot_outbox_send_failures_total", outcome="retried")
    assert retried - value(before, "gridbot_outbox_send_failures_total", outcome="retried") >= 1
    waiting = sum(value(after, "gridbot_outbox_rows", status=s) for s in ("pending", "retrying"))
    assert waiting >= 1


async def test_metrics_need_the_metrics_token_when_set(bot):
    bot.runtime.settings.metrics_token = "m-token"
    bot.runtime.settings.api_token = "api-token"
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        assert (await client.get("/metrics")).status == 401
        # The API token opens residents' data; it is not the scraper's key.
        assert (await client.get("/metrics", headers={"Authorization": "Bearer api-token"})).status == 401
        ok = await client.get("/metrics", headers={"Authorization": "Bearer m-token"})
        assert ok.status == 200 and "gridbot_messages_handled_total" in await ok.text()


async def test_metrics_without_a_token_are_for_this_machine_only(client):
    assert (await client.get("/metrics")).status == 200
    refused = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status == 403 and "METRICS_TOKEN" in (await refused.json())["error"]


async def test_healthz_reports_each_account(client):
    health = await (await client.get("/healthz")).json()
    assert health["accounts"] == [{"platform": "fake", "account": "fake", "state": "online"}]
    assert health["accounts_online"] == 1


def test_account_states_from_what_transports_report():
    from bot.health import accounts

    [wx] = accounts({"transport": "wechaty", "state": "logged_out", "self_id": "wxid_1", "idle_seconds": 3.0})
    assert wx["account"] == "wxid_1" and wx["state"] == "logged_out"
    assert accounts({"transport": "wechaty", "state": "backoff"})[0]["state"] == "offline"
    assert accounts({"transport": "wecom", "started": True, "robots": 2})[0]["state"] == "online"
    assert accounts({"transport": "sim", "connected": False})[0]["state"] == "offline"


async def test_json_log_lines_carry_message_id_and_ticket(bot):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.configure("INFO", "json", stream)
    try:
        await bot.say(RES_ZHAO, "1号楼3单元402门口的水管爆了，水流了一地", msg_id="m-1")
        logging.getLogger("bot.test").info("outside any message")
        # A line logged while handling a command about ticket 1 names it.
        with _log_inside_handling("bot.services.tickets"):
            await bot.say(MEMBER_LI, "接单 1", room=MEMBERS, msg_id="m-2")
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved[0]:
            root.addHandler(h)
        root.setLevel(saved[1])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert all({"ts", "level", "logger", "msg"} <= set(line) for line in lines)
    outside = next(line for line in lines if line["msg"] == "outside any message")
    assert "msg_id" not in outside and "ticket" not in outside
    probe = [line for line in lines if line["msg"] == "probe"]
    assert probe and probe[0]["msg_id"].endswith("m-2") and probe[0]["ticket"] == "xingfuli#1"


class _log_inside_handling:
    """Log "probe" from inside a ticket transition (the claim), as any service line would be."""

    def __init__(self, module: str) -> None:
        import bot.services.tickets as tickets

        self.tickets, self.original = tickets, tickets.claim

    def __enter__(self):
        original = self.original

        async def claim(**kw):
            logging.getLogger("bot.services.tickets").info("probe")
            return await original(**kw)

        self.tickets.claim = claim
        return self

    def __exit__(self, *exc):
        self.tickets.claim = self.original
