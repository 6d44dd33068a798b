"""The optional large-model second opinion (issue 11, item 7), against a local fake
OpenAI-compatible endpoint: slow, failing and malformed answers fall back to the rules, a good
answer changes an unsure result, the budget and the cache hold, and only redacted text is sent."""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web

import nlp
from bot.config import Settings
from bot.services import llm
from tests.harness import EAST, RES_ZHAO, BotHarness, keys

UNSURE = "路好像有点不平"  # the classifier is unsure of it (re-picked whenever a retrain settles it)
CARE = "奶奶好几天没下楼了"  # a demand the rules do not find urgent
GOOD = {"category": "traffic", "demand": "yes", "urgent": "no"}


class FakeEndpoint:
    """A chat-completions endpoint whose next answers the test decides."""

    def __init__(self) -> None:
        self.mode = "good"
        self.answer: object = GOOD
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.on_request = lambda: None  # a test's probe, called as each request arrives

    async def handle(self, request: web.Request) -> web.Response:
        self.on_request()
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        if self.mode == "slow":
            await asyncio.sleep(1.5)
        if self.mode == "fail":
            return web.json_response({"error": "overloaded"}, status=500)
        content = self.answer if isinstance(self.answer, str) else json.dumps(self.answer)
        if self.mode == "not_json":
            return web.Response(text="<html>bad gateway</html>", content_type="text/html")
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def sent(self) -> list[str]:
        return [r["messages"][-1]["content"] for r in self.requests]


@pytest.fixture
async def endpoint():
    fake = FakeEndpoint()
    await fake.start()
    llm._clients.clear()
    yield fake
    llm._clients.clear()
    await fake.stop()


def settings(fake: FakeEndpoint, **kw) -> Settings:
    values = {"llm_url": fake.url, "llm_api_key": "k-test", "llm_timeout": 2.0, **kw}
    return Settings(_env_file=None, **values)


async def ask(fake: FakeEndpoint, text: str = UNSURE, **kw) -> nlp.Classification:
    return await llm.second_opinion(text=text, result=nlp.classify(text), settings=settings(fake, **kw))


def test_the_examples_are_what_they_say():
    assert nlp.classify(UNSURE).intent == "unsure"
    care = nlp.classify(CARE)
    assert (care.intent, care.urgency) == ("demand", "normal")


async def test_off_by_default_nothing_is_sent(endpoint):
    result = nlp.classify(UNSURE)
    assert await llm.second_opinion(text=UNSURE, result=result, settings=Settings(_env_file=None)) is result
    assert endpoint.requests == []


async def test_a_good_answer_changes_an_unsure_result(endpoint):
    result = await ask(endpoint)
    assert (result.intent, result.category, result.urgency) == ("demand", "traffic", "normal")
    assert llm.EVIDENCE_DEMAND in result.evidence
    request = endpoint.requests[0]
    assert request["messages"][0] == {"role": "system", "content": llm.SYSTEM} and request["temperature"] == 0
    assert endpoint.headers[0]["Authorization"] == "Bearer k-test"


async def test_not_a_demand_lets_an_unsure_message_pass_as_chat(endpoint):
    endpoint.answer = {"category": "other", "demand": "no", "urgent": "no"}
    assert (await ask(endpoint)).intent == "chat"


async def test_the_model_may_raise_urgency_of_a_demand_but_not_change_it_otherwise(endpoint):
    endpoint.answer = {"category": "repair", "demand": "no", "urgent": "yes"}
    result = await ask(endpoint, CARE)
    assert (result.intent, result.category, result.urgency) == ("demand", "care", "urgent")
    assert llm.EVIDENCE_URGENT in result.evidence


async def test_a_danger_flag_is_never_lowered_nor_sent(endpoint):
    text = "6号楼有股很浓的煤气味，快来人"
    before = nlp.classify(text)
    assert before.urgency == "urgent"
    endpoint.answer = {"category": "other", "demand": "no", "urgent": "no"}
    assert await ask(endpoint, text) is before and endpoint.requests == []
    unsure = nlp.Classification("unsure", "safety", "urgent", 0.5)
    after = llm.combine(unsure, llm.Opinion("other", demand=False, urgent=False))
    assert after.urgency == "urgent" and after.intent == "unsure"


async def test_slow_endpoint_times_out_and_the_rules_stand(endpoint):
    endpoint.mode = "slow"
    start = time.perf_counter()
    result = await ask(endpoint, llm_timeout=0.3)
    assert time.perf_counter() - start < 1.0
    assert result == nlp.classify(UNSURE)


@pytest.mark.parametrize("mode, answer", [
    ("fail", GOOD),  # HTTP 500
    ("not_json", GOOD),  # not JSON at all
    ("good", "好的，这是诉求，类别是道路停车"),  # prose instead of JSON
    ("good", '{"category": "traffic", "demand": "yes"'),  # truncated JSON
    ("good", {"category": "parking", "demand": "yes", "urgent": "no"}),  # not a taxonomy code
    ("good", {"category": "traffic", "demand": "maybe", "urgent": "no"}),  # not yes/no
    ("good", {"category": "traffic", "demand": "yes"}),  # a key missing
    ("good", {"category": "traffic", "demand": "yes", "urgent": "no", "reason": "…"}),  # a key too many
    ("good", ["traffic", "yes", "no"]),  # not an object
], ids=["500", "not-json", "prose", "truncated", "bad-category", "bad-flag", "missing-key", "extra-key", "list"])
async def test_failures_and_malformed_answers_fall_back_to_the_rules(endpoint, mode, answer):
    endpoint.mode, endpoint.answer = mode, answer
    assert await ask(endpoint) == nlp.classify(UNSURE)
    assert len(endpoint.requests) == 1


def test_a_json_fence_around_the_answer_is_tolerated():
    assert llm.parse_answer('```json\n{"category": "care", "demand": true, "urgent": false}\n```') == llm.Opinion(
        "care", True, False)


async def test_the_budget_stops_requests_and_the_rules_stand(endpoint):
    first = await ask(endpoint, llm_daily_budget=1)
    assert first.intent == "demand"
    other = "那边那个东西能不能弄一下"
    result = await ask(endpoint, other, llm_daily_budget=1)
    assert result == nlp.classify(other) and len(endpoint.requests) == 1
    assert await ask(endpoint, llm_daily_budget=1) == first  # a cached answer costs no budget


async def test_the_same_text_is_asked_once(endpoint):
    first = await ask(endpoint)
    endpoint.answer = {"category": "other", "demand": "no", "urgent": "no"}
    assert await ask(endpoint) == first
    assert len(endpoint.requests) == 1


async def test_only_redacted_text_leaves(endpoint):
    text = "我是孙建华，3号楼2单元502门口那块地方能不能弄一下，电话13812345678"
    result = nlp.Classification("unsure", "other", "normal", 0.5)  # (the phone number alone makes it chat)
    await llm.second_opinion(text=text, result=result, settings=settings(endpoint), names=("孙建华",))
    assert endpoint.sent() == ["我是某人，3号楼2单元[房号]门口那块地方能不能弄一下，电话[电话]"]


async def test_intake_files_what_the_model_confirmed(endpoint, database_url):
    """End to end: a resident's unsure message becomes a ticket without the question, and the
    secretary's 查询 shows the model's part in the evidence."""
    from tests.conftest import BACKEND, _truncate_all

    bot = await BotHarness.create(database_url, llm_url=endpoint.url, llm_timeout=2.0)
    try:
        if BACKEND == "postgres":
            await _truncate_all(bot.runtime.db)
        await bot.runtime.load_demo_if_empty()
        replies = await bot.say(RES_ZHAO, UNSURE, EAST)
        assert "ticket_opened" in keys(replies) and "demand_ask" not in keys(replies)
        ticket = (await bot.tickets())[-1]
        assert ticket.category == "traffic" and llm.EVIDENCE_DEMAND in (ticket.evidence or "")
        assert endpoint.sent() == [UNSURE]
    finally:
        await bot.close()


async def test_the_question_is_asked_before_the_transaction_opens(endpoint, database_url, monkeypatch):
    """A slow endpoint must not hold the message's transaction (on SQLite the one writer): when
    the fake endpoint is asked, no transaction of this bot is open, and the answer is still used."""
    from contextlib import asynccontextmanager

    from tests.conftest import BACKEND, _truncate_all

    bot = await BotHarness.create(database_url, llm_url=endpoint.url, llm_timeout=2.0)
    try:
        if BACKEND == "postgres":
            await _truncate_all(bot.runtime.db)
        await bot.runtime.load_demo_if_empty()
        db, open_now, seen = bot.runtime.db, [0], []
        real = db.transaction

        @asynccontextmanager
        async def counted():
            open_now[0] += 1
            try:
                async with real() as session:
                    yield session
            finally:
                open_now[0] -= 1

        monkeypatch.setattr(db, "transaction", counted)
        endpoint.on_request = lambda: seen.append(open_now[0])
        replies = await bot.say(RES_ZHAO, UNSURE, EAST)
        assert seen == [0]  # asked once, with no transaction open
        assert "ticket_opened" in keys(replies)
        assert llm.EVIDENCE_DEMAND in ((await bot.tickets())[-1].evidence or "")
    finally:
        await bot.close()
