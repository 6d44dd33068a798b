"""The console's pages and forms fuzzed with a live session and its CSRF token (issue 14): whatever a
form or a query carries (odd text, lone surrogates, numbers past every integer type, unknown fields),
the answer is never a 5xx, nothing is logged as an unexpected error, and a refusal is in Chinese.
(tests/test_web_fuzz.py fuzzes every route without a session: there they all stop at the door.)"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_console_access import _secretary_client
from tests.test_web_fuzz import EXAMPLES, FUZZ, NUMBERISH, ODD_TEXT, SEGMENT, describe, server_errors  # noqa: F401

HAN = re.compile(r"[\u4e00-\u9fff]")
PAGES = ["/console/", "/console/tickets", "/console/points", "/console/points.xlsx", "/console/stats",
         "/console/stats.xlsx", "/console/people", "/console/shop", "/console/notices", "/console/lists",
         "/console/activities", "/console/activities/1", "/console/board", "/console/rules.xlsx",
         "/console/participation.xlsx"]
FORMS = {
    "/console/tickets/{t}/assign": ["person"], "/console/tickets/{t}/verify": ["verdict", "reason"],
    "/console/tickets/{t}/transfer": ["department", "days", "note"], "/console/tickets/{t}/raise": ["note"],
    "/console/tickets/{t}/category": ["category"], "/console/tickets/{t}/whistle": ["department"],
    "/console/tickets/{t}/supervise": [],
    "/console/points/adjust": ["direction", "person", "amount", "reason"], "/console/points/reverse": ["entry", "reason"],
    "/console/points/rule_set": ["name", "points"], "/console/points/rule_add": ["name", "points", "per_hour", "note"],
    "/console/points/rule_retire": ["name"], "/console/people/review": ["person", "verdict", "reason"],
    "/console/people/add": ["name", "account", "grid", "skills"], "/console/people/retire": ["account"],
    "/console/people/roster": ["mode", "file"], "/console/activities-new/publish": ["title", "when", "place", "quota",
                                                                                      "points"],
    "/console/activities-new/wish": ["text"], "/console/activities/1/quota": ["quota"],
    "/console/activities/1/cancel": ["reason"], "/console/activities/1/attend": ["person"],
    "/console/board/consent": ["account", "agreed"], "/console/place": ["community"],
    "/console/shop/list": ["name", "price", "stock"], "/console/shop/restock": ["item", "count"],
    "/console/shop/delist": ["item"], "/console/shop/collect": ["code"], "/console/shop/void": ["code"],
    "/console/shop/stars": ["period"], "/console/notices/broadcast/preview": ["scope", "content"],
    "/console/notices/schedule/preview": ["when", "scope", "content"], "/console/notices/decide": ["go"],
    "/console/notices/unschedule": ["number"], "/console/emergency/war_on": ["reason"],
    "/console/emergency/war_off": [], "/console/emergency/closed": ["number"],
    "/console/lists/add": ["kind", "title", "provider", "detail"], "/console/lists/remove": ["kind", "number"],
    "/console/lists/team": ["name", "leader"], "/console/lists/join": ["name", "people"],
    "/console/lists/photo": ["category", "required"],
    "/console/notices/rollcall/preview": ["scope", "when", "place", "quota", "content", "urgent"],
    "/console/tickets/{t}/correct": ["what", "place"], "/console/points/rule_rename": ["name", "new_name"],
    "/console/points/rule_reset": ["name"],
    "/console/people/minimum": ["count"], "/console/lists/collect": [],
    "/console/emergency/street_on": ["reason"], "/console/emergency/street_off": [],
    "/console/notices/survey/preview": ["content"], "/console/lists/survey_sum": ["number"],
    "/console/lists/survey_close": ["number"],
}
VALUE = st.one_of(SEGMENT, NUMBERISH, ODD_TEXT, st.sampled_from(["李师傅", "通过", "驳回", "城管", "award", "deduct",
                                                                 "志愿劳动", "1", "0", "import", "check",
                                                                 "2026-12-31T09:00", "mem-li", "xingfuli", "",
                                                                 "2026上半年", "2025下半年", "issued", "urgent", "normal",
                                                                 "3号楼2单元"]))
QUERY_KEYS = st.sampled_from(["status", "category", "grid", "start", "end", "q", "overdue", "name", "sign", "weeks",
                              "months", "ok", "department", "period", "rank"])


@pytest.fixture
async def session(bot):
    await bot.open_ticket()
    await bot.say("sec-wang", "/活动 发布 清理楼道 后天上午9点 3号楼 10 2", None)
    client, cookie, token = await _secretary_client(bot)
    try:
        yield client, cookie, token, (await bot.ticket(1)).id
    finally:
        await client.close()


def _q(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 10))
@given(data=st.data())
async def test_pages_with_any_query_never_fail(session, server_errors, data):  # noqa: F811
    client, cookie, _token, _ticket = session
    page = data.draw(st.sampled_from(PAGES), label="page")
    query = data.draw(st.dictionaries(QUERY_KEYS, VALUE, max_size=4), label="query")
    target = page + ("?" + "&".join(f"{k}={_q(v)}" for k, v in query.items()) if query else "")
    resp = await client.get(target, headers=cookie)
    body = await resp.read()
    assert resp.status < 500, (target, resp.status, body[:300])
    assert not server_errors, describe(server_errors)


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
async def test_forms_with_any_fields_never_fail_and_refuse_in_chinese(session, server_errors, data):  # noqa: F811
    client, cookie, token, ticket = session
    template = data.draw(st.sampled_from(sorted(FORMS)), label="form")
    fields = {name: data.draw(VALUE, label=name) for name in FORMS[template] if data.draw(st.booleans())}
    fields.update(data.draw(st.dictionaries(SEGMENT, VALUE, max_size=2), label="extra"))
    body = "&".join(f"{_q(k)}={_q(v)}" for k, v in {**fields, "csrf": token}.items())
    url = template.replace("{t}", str(ticket))
    resp = await client.post(url, data=body.encode(), allow_redirects=False,
                             headers={**cookie, "Content-Type": "application/x-www-form-urlencoded"})
    text = await resp.text()
    assert resp.status < 500, (url, fields, resp.status, text[:300])
    assert not server_errors, describe(server_errors)
    if resp.status >= 400:
        assert HAN.search(text), (url, fields, text[:300])
