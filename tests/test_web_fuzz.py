"""Property-based fuzz of every HTTP endpoint (issue 15, items 6 and 11): whatever arrives — odd paths,
numbers past every integer type, NUL bytes, lone surrogates, deep JSON, foreign headers — the answer is
never a 5xx and nothing is logged as an unexpected error. Runs on both databases (the ``bot`` fixture).

Deterministic by default (``derandomize``: the same examples every run, so CI is stable);
``GRIDBOT_FUZZ_RANDOM=1`` explores new ones and ``GRIDBOT_FUZZ_EXAMPLES=N`` sets the number per endpoint.
"""
from __future__ import annotations

import json
import logging
import os
import time
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.runtime import Runtime
from bot.transports.wecom_crypto import WeComCrypto
from bot.web.app import create_app
from tests.harness import EAST, MEMBERS, NAMES

EXAMPLES = int(os.environ.get("GRIDBOT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
    derandomize=os.environ.get("GRIDBOT_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# --- Strategies --------------------------------------------------------------------------------

PEOPLE = sorted(NAMES)
ODD_TEXT = st.text(st.characters(codec=None, categories=None), max_size=40)  # NUL, surrogates, anything
NUMBERISH = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "1", "2147483647", "2147483648", "9223372036854775808", "99999999999999999999", "-1",
                     "1e9", "0x10", "１２", "٣", "²", "1_000", " 1", "00001", "", "0000", "9999", "2026"]),
)
SEGMENT = st.one_of(
    NUMBERISH, ODD_TEXT, st.sampled_from(PEOPLE + ["xingfuli", "heping", "nobody", "..", ".", "%", "a/b"]),
    st.text(min_size=60, max_size=140, alphabet="abc-_"),
)
MONTH = st.one_of(st.from_regex(r"\A[0-9]{4}-[0-9]{2}\Z"), SEGMENT,
                  st.sampled_from(["0000-01", "9999-12", "2026-00", "2026-13", "2026-11", "1999-12"]))
QUERY_VALUE = st.one_of(NUMBERISH, ODD_TEXT, st.sampled_from(PEOPLE + ["xingfuli", ""]))
QUERY = st.dictionaries(
    st.one_of(st.sampled_from(["after", "as", "community", "year", "sig", "limit"]), st.text(max_size=8)),
    QUERY_VALUE, max_size=4,
)
ASCII = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
HEADERS = st.one_of(
    st.just({}),
    st.just({}),  # most examples reach the handler with the page's own headers
    st.fixed_dictionaries({}, optional={
        "Origin": st.one_of(st.sampled_from(["null", "http://evil.example", "http://127.0.0.1", "file://"]), ASCII),
        "Host": st.one_of(st.sampled_from(["evil.example", "localhost", "[::1]", "127.0.0.1:1", ""]), ASCII),
        "X-Forwarded-For": st.sampled_from(["127.0.0.1", "203.0.113.9"]),
        "Authorization": st.one_of(st.just("Bearer x"), ASCII),
        "Content-Type": st.sampled_from(["text/plain", "application/json; charset=latin-1",
                                         "application/json; charset=bogus", "multipart/form-data"]),
    }),
)
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), ODD_TEXT)
ANY_JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(ODD_TEXT, inner, max_size=4)),
                        max_leaves=12)
WORDS = st.sampled_from(["接单 1", "完成 1 好了", "/验收 1 通过", "/加分 @李师傅 2 帮忙", "查询 1", "帮助", "我的积分",
                         "积分榜", "1号楼2单元楼道灯坏了", "/广播 全体 停水", "兑换 1", "报名 1", "/派单 1 @李师傅",
                         "撤销 1", "评价 1 5", "是", "/定时 明天 8:00 开会", "确认", "/冲正 1 错了"])
MESSAGE = st.fixed_dictionaries(
    {"sender": st.one_of(st.sampled_from(PEOPLE), SEGMENT, JSON_LEAF)},
    optional={
        "room": st.one_of(st.sampled_from([None, EAST, MEMBERS, "room-west"]), SEGMENT, JSON_LEAF),
        "text": st.one_of(WORDS, ODD_TEXT, WORDS.flatmap(lambda w: ODD_TEXT.map(lambda t: w + t)), JSON_LEAF),
        "name": st.one_of(ODD_TEXT, JSON_LEAF),
        "msg_id": st.one_of(SEGMENT, JSON_LEAF, st.just("")),
        "attachments": ANY_JSON,
    },
)
PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
GOOD_ID = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_:.", min_size=1, max_size=20)
# Mostly well-formed messages, so most examples get past the bounds into the dispatcher and handlers.
GOOD_MESSAGE = st.fixed_dictionaries(
    {"sender": st.one_of(st.sampled_from(PEOPLE), GOOD_ID),
     "room": st.sampled_from([None, EAST, MEMBERS, "room-west"]),
     "text": st.one_of(WORDS, PLAIN_TEXT, st.tuples(WORDS, PLAIN_TEXT).map("".join),
                       st.tuples(WORDS, NUMBERISH).map(" ".join))},
    optional={"name": PLAIN_TEXT.filter(lambda t: len(t) <= 64), "msg_id": GOOD_ID},
)
DEEP = st.one_of(st.integers(min_value=1, max_value=60), st.sampled_from([1500, 5000])).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, '{"sender":' + "[" * n]))
BODY = st.one_of(
    GOOD_MESSAGE.map(lambda m: json.dumps(m, ensure_ascii=False).encode()),
    GOOD_MESSAGE.map(lambda m: json.dumps(m, ensure_ascii=False).encode()),
    GOOD_MESSAGE.map(lambda m: json.dumps(m, ensure_ascii=False).encode()),
    MESSAGE.map(lambda m: json.dumps(m).encode()),
    MESSAGE.map(lambda m: json.dumps(m, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    ANY_JSON.map(lambda v: json.dumps(v).encode()),
    DEEP.map(str.encode),
    st.binary(max_size=200),
)


def path(template: str) -> st.SearchStrategy[str]:
    parts = {
        "/api/tickets/{number}": st.tuples(SEGMENT),
        "/api/people/{person_id}/points": st.tuples(SEGMENT),
        "/api/people/{person_id}/statement.xlsx": st.tuples(SEGMENT),
        "/api/communities/{community_id}/ledger.xlsx": st.tuples(SEGMENT),
        "/api/reports/{community}/{month}.xlsx": st.tuples(SEGMENT, MONTH),
        "/files/{prefix}/{name}": st.tuples(SEGMENT, SEGMENT),
        "/api/reports/street/{street}/{month}.xlsx": st.tuples(SEGMENT, MONTH),
        "/api/reports/district/{district}/{month}.xlsx": st.tuples(SEGMENT, MONTH),
        "/api/reports/unit/{unit}/{month}.xlsx": st.tuples(SEGMENT, MONTH),
        "/api/reports/participation/{community}/{span}.xlsx": st.tuples(SEGMENT, SEGMENT),
        "/api/communities/{community_id}/rules.xlsx": st.tuples(SEGMENT),
        "/console/login/{token}": st.tuples(SEGMENT),
        "/console/tickets/{ticket_id}": st.tuples(SEGMENT),
        "/console/tickets/{ticket_id}/{action}": st.tuples(SEGMENT, SEGMENT),
        "/console/points/{action}": st.tuples(SEGMENT), "/console/people/{action}": st.tuples(SEGMENT),
        "/console/activities/{number}": st.tuples(SEGMENT), "/console/activities/{number}/attend": st.tuples(SEGMENT),
        "/console/activities/{number}/{action}": st.tuples(SEGMENT, SEGMENT),
        "/console/activities-new/{action}": st.tuples(SEGMENT), "/console/shop/{action}": st.tuples(SEGMENT),
        "/board/{community}/{signature}": st.tuples(SEGMENT, SEGMENT), "/console/notices/{kind}/preview": st.tuples(SEGMENT),
        "/console/emergency/{action}": st.tuples(SEGMENT), "/console/lists/{action}": st.tuples(SEGMENT),
    }.get(template, st.just(()))

    def fill(values: tuple) -> str:
        out = template
        for value in values:
            start, end = out.index("{"), out.index("}")
            out = out[:start] + quote(value.encode("utf-8", "surrogatepass"), safe="") + out[end + 1:]
        return out

    return parts.map(fill)


# Every route of the simulator app, and how it is fuzzed; test_every_route_is_fuzzed keeps this honest.
ROUTES = {
    ("GET", "/"): "get", ("GET", "/healthz"): "get", ("GET", "/metrics"): "get",
    ("GET", "/api/tickets/{number}"): "get", ("GET", "/api/people/{person_id}/points"): "get",
    ("GET", "/api/people/{person_id}/statement.xlsx"): "get",
    ("GET", "/api/communities/{community_id}/ledger.xlsx"): "get",
    ("GET", "/api/reports/{community}/{month}.xlsx"): "get",
    ("GET", "/api/reports/street/{street}/{month}.xlsx"): "get",
    ("GET", "/api/reports/district/{district}/{month}.xlsx"): "get",
    ("GET", "/api/reports/unit/{unit}/{month}.xlsx"): "get",
    ("GET", "/api/reports/participation/{community}/{span}.xlsx"): "get",
    ("GET", "/api/communities/{community_id}/rules.xlsx"): "get",
    ("GET", "/api/sim/outbox"): "get", ("GET", "/api/sim/directory"): "get",
    ("POST", "/api/sim/messages"): "post",
    ("GET", "/files/{prefix}/{name}"): "get",
    # The office console (issue 14): pages, login links, and its forms (no session here).
    ("GET", "/console"): "get", ("GET", "/console/"): "get", ("GET", "/console/static"): "get",
    ("GET", "/console/login/"): "get", ("GET", "/console/login/{token}"): "get",
    ("GET", "/console/tickets"): "get", ("POST", "/console/tickets"): "form", ("GET", "/console/tickets/{ticket_id}"): "get",
    ("POST", "/console/logout"): "form", ("POST", "/console/tickets/{ticket_id}/{action}"): "form",
    # The console's other pages (issue 14, h14): 积分, 统计, 人员, 活动, 大屏 and the public board.
    ("GET", "/console/points"): "get", ("POST", "/console/points"): "form", ("GET", "/console/points.xlsx"): "get",
    ("POST", "/console/points/{action}"): "form",
    ("GET", "/console/stats"): "get", ("GET", "/console/stats.xlsx"): "get", ("GET", "/console/people"): "get",
    ("POST", "/console/people/review"): "form", ("POST", "/console/people/roster"): "form",
    ("POST", "/console/people/minimum"): "form", ("GET", "/console/participation.xlsx"): "get",
    ("GET", "/console/rules.xlsx"): "get",
    ("POST", "/console/people/{action}"): "form", ("GET", "/console/activities"): "get",
    ("GET", "/console/activities/{number}"): "get", ("POST", "/console/activities/{number}/attend"): "form",
    ("POST", "/console/activities/{number}/{action}"): "form", ("POST", "/console/activities-new/{action}"): "form",
    ("GET", "/console/board"): "get", ("POST", "/console/board/consent"): "form", ("POST", "/console/place"): "form",
    ("GET", "/board/{community}/{signature}"): "get", ("GET", "/console/shop"): "get",
    ("POST", "/console/shop/stars"): "form", ("POST", "/console/shop/{action}"): "form",
    ("GET", "/console/notices"): "get", ("POST", "/console/notices/decide"): "form",
    ("POST", "/console/notices/unschedule"): "form", ("POST", "/console/notices/{kind}/preview"): "form",
    ("POST", "/console/emergency/{action}"): "form", ("GET", "/console/lists"): "get",
    ("POST", "/console/lists/{action}"): "form",
}


@pytest.fixture
async def client(bot):
    async with TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1")) as client:
        yield client


class ServerErrors(logging.Handler):
    """Collects ERROR records: an exception caught and logged (the dispatcher's apology) counts too."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_errors():
    handler = ServerErrors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)


def test_every_route_is_fuzzed(bot):
    app = create_app(bot.runtime)
    routes = {(r.method, r.resource.canonical) for r in app.router.routes() if r.method != "HEAD"}
    assert routes == set(ROUTES)


def describe(records) -> str:
    return "\n".join(f"{r.name}: {r.getMessage()[:300]}" for r in records)


@pytest.mark.parametrize("template", sorted(t for (m, t), kind in ROUTES.items() if kind == "get"))
@FUZZ
@given(data=st.data())
async def test_get_never_fails(client, server_errors, template, data):
    url = data.draw(path(template), label="path")
    query = data.draw(QUERY, label="query")
    headers = data.draw(HEADERS, label="headers")
    params = {quote(k.encode("utf-8", "surrogatepass")): quote(v.encode("utf-8", "surrogatepass")) for k, v in query.items()}
    target = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    resp = await client.get(target, headers=headers)
    body = await resp.read()
    assert resp.status < 500, (target, headers, resp.status, body[:300])
    assert not server_errors, describe(server_errors)
    if resp.status >= 400 and resp.content_type == "application/json":
        assert json.loads(body)["error"]


@pytest.mark.parametrize("template", sorted(t for (m, t), kind in ROUTES.items() if kind == "form"))
@FUZZ
@given(data=st.data())
async def test_console_forms_never_fail(client, server_errors, template, data):
    url = data.draw(path(template), label="path")
    body = data.draw(st.dictionaries(SEGMENT, SEGMENT, max_size=4), label="form")
    headers = data.draw(HEADERS, label="headers")
    form = "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
                    for k, v in body.items())
    headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    resp = await client.post(url, data=form.encode(), headers=headers, allow_redirects=False)
    text = await resp.text()
    assert resp.status < 500, (url, body, headers, resp.status, text[:300])
    assert not server_errors, describe(server_errors)


@settings(FUZZ, max_examples=3 * EXAMPLES)  # the one endpoint that writes: more examples
@given(body=BODY, headers=HEADERS)
async def test_post_message_never_fails(client, server_errors, body, headers):
    headers = {"Content-Type": "application/json", **headers}
    resp = await client.post("/api/sim/messages", data=body, headers=headers)
    text = await resp.text()
    assert resp.status < 500, (body[:300], headers, resp.status, text[:300])
    assert not server_errors, describe(server_errors)
    if resp.status == 200:
        assert "系统出了点问题" not in text, (body[:300], text[:300])  # the dispatcher's apology: a hidden 5xx


# --- The WeCom callback (present with TRANSPORT=wecom) -------------------------------------------

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_MESSAGE = st.fixed_dictionaries(
    {"msgtype": st.one_of(st.sampled_from(["text", "voice", "mixed", "event", "image"]), JSON_LEAF)},
    optional={
        "msgid": st.one_of(SEGMENT, JSON_LEAF), "chatid": st.one_of(SEGMENT, JSON_LEAF),
        "chattype": st.sampled_from(["group", "single", None]),
        "from": st.one_of(st.fixed_dictionaries({"userid": st.one_of(SEGMENT, JSON_LEAF)}), JSON_LEAF),
        "text": st.one_of(st.fixed_dictionaries({"content": st.one_of(WORDS.map(lambda w: "@网格通 " + w), ODD_TEXT,
                                                                      JSON_LEAF)}), JSON_LEAF),
        "voice": ANY_JSON, "quote": ANY_JSON,
        "mixed": st.one_of(ANY_JSON, DEEP, ANY_JSON.map(json.dumps)),
        "response_url": st.just("http://127.0.0.1:9/reply"),
    },
)
GOOD_WECOM = st.fixed_dictionaries({
    "msgid": GOOD_ID, "chattype": st.sampled_from(["group", "single"]), "chatid": st.just("CHAT1"),
    "from": st.fixed_dictionaries({"userid": GOOD_ID}), "msgtype": st.just("text"),
    "text": st.fixed_dictionaries({"content": st.one_of(WORDS.map(lambda w: "@网格通 " + w), PLAIN_TEXT)}),
})
PLAIN = st.one_of(GOOD_WECOM.map(lambda m: json.dumps(m, ensure_ascii=False)),
                  GOOD_WECOM.map(lambda m: json.dumps(m, ensure_ascii=False)),
                  WECOM_MESSAGE.map(lambda m: json.dumps(m, ensure_ascii=False)), DEEP,
                  ANY_JSON.map(json.dumps), st.text(max_size=50))


@pytest.fixture
async def wecom_client(bot, database_url):
    settings = Settings(_env_file=None, database_url=database_url, transport="wecom", api_token="t",
                        wecom_token="tok", wecom_encoding_aes_key=AES_KEY, wecom_bot_names="网格通")
    runtime = Runtime(settings)
    await runtime.transport.start(runtime.dispatcher.handle)
    runtime.transport.callback.background = False
    try:
        async with TestClient(TestServer(create_app(runtime), host="127.0.0.1")) as client:
            yield client
    finally:
        await runtime.transport.stop()
        await runtime.db.dispose()


def test_wecom_routes_are_fuzzed(bot, database_url):
    settings = Settings(_env_file=None, database_url=database_url, transport="wecom", api_token="t",
                        wecom_token="tok", wecom_encoding_aes_key=AES_KEY)
    runtime = Runtime(settings)
    routes = {(r.method, r.resource.canonical) for r in create_app(runtime).router.routes() if r.method != "HEAD"}
    shared = {k for k in ROUTES if k[1] in ("/healthz", "/metrics", "/files/{prefix}/{name}")
              or k[1].startswith("/api/") and not k[1].startswith("/api/sim/")}
    assert routes == shared | {("GET", "/wecom/callback"), ("POST", "/wecom/callback")}


_nonces = iter(range(10**9))


@FUZZ
@given(plain=PLAIN, mode=st.sampled_from(["signed", "signed", "raw", "binary", "deep"]),
       binary=st.binary(max_size=200), deep=DEEP, query=QUERY)
async def test_wecom_callback_never_fails(wecom_client, server_errors, plain, mode, binary, deep, query):
    crypto = WeComCrypto("tok", AES_KEY)
    ts, nonce = str(int(time.time())), f"f{next(_nonces)}"
    raw = {"binary": binary, "deep": deep.encode(), "raw": plain.encode("utf-8", "surrogatepass")}.get(mode)
    if mode == "signed":
        enc, sig = crypto.encrypt(plain, nonce, ts)
        resp = await wecom_client.post("/wecom/callback", data=json.dumps({"encrypt": enc}),
                                       params={"msg_signature": sig, "timestamp": ts, "nonce": nonce})
    else:
        # A bad signature with well-formed parameters: the body is parsed before the signature is checked.
        given = {"msg_signature": "0" * 40, "timestamp": ts, "nonce": nonce, **query}
        params = {quote(k.encode("utf-8", "surrogatepass")): quote(v.encode("utf-8", "surrogatepass"))
                  for k, v in given.items()}
        target = "/wecom/callback?" + "&".join(f"{k}={v}" for k, v in params.items())
        resp = await wecom_client.post(target, data=raw)
        get = await wecom_client.get(target)
        assert get.status < 500
    text = await resp.text()
    assert resp.status < 500, (plain[:300], resp.status, text)
    assert not server_errors, describe(server_errors)


@FUZZ
@given(template=st.sampled_from(sorted(t for (m, t), kind in ROUTES.items() if kind == "get")), data=st.data(),
       auth=st.one_of(st.none(), st.just("Bearer t"),
                      st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(lambda t: "Bearer " + t)),
       sig=st.one_of(st.none(), ODD_TEXT, st.text("0123456789abcdef", min_size=32, max_size=32)))
async def test_token_checks_never_fail(bot, server_errors, template, data, auth, sig):
    """With API_TOKEN set: any Authorization header (non-ASCII included) and any ?sig= are a 2xx-4xx."""
    bot.runtime.settings.api_token = "t"
    url = data.draw(path(template), label="path")
    if sig is not None:
        url += "?sig=" + quote(sig.encode("utf-8", "surrogatepass"), safe="")
    headers = {} if auth is None else {"Authorization": auth}
    async with TestClient(TestServer(create_app(bot.runtime), host="127.0.0.1")) as client:
        resp = await client.get(url, headers=headers)
        assert resp.status < 500, (url, headers, resp.status, await resp.text())
    assert not server_errors, describe(server_errors)
