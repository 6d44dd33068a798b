"""The district level (issue 13): /统计 for the district office (whole district, a line per street,
the departments' on-time rates) with the same measures as a community's; the district's monthly
report (.xlsx: per street, per community, per department) through the web and on the 1st; and the
SQL aggregates agree with the street's and communities' figures computed ticket by ticket."""
from __future__ import annotations

import io
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.clock import to_local, utcnow
from bot.db.models_streets import District, Street
from bot.services import district_stats, loader, rollup, stats
from bot.web.app import create_app
from tests.harness import SECRETARY, keys, texts
from tests.schedule_helpers import Outbox, local, private_to, tick
from tests.test_street_rollup import OFFICER, scene

DISTRICT_OFFICER = "qu-li"
HONGQI = {
    "streets": [{"id": "hongqi", "name": "红旗街道", "district": "demo-district",
                 "officers": [{"id": "st-hong", "name": "洪主任"}],
                 "departments": [{"id": "hq-cg", "name": "城管", "contact": {"id": "hq-cg-wu", "name": "吴科长"}}]}],
    "communities": [{
        "id": "honglou", "name": "红楼社区", "street": "hongqi",
        "rooms": [{"id": "room-honglou", "name": "红楼居民群", "kind": "grid"}],
        "people": [{"id": "hl-sec", "name": "白书记", "roles": ["secretary"]},
                   {"id": "hl-res", "name": "黄大妈", "roles": ["resident"]}],
    }],
}


async def district(bot, monkeypatch) -> None:
    """The street scene (新华街道: 3 tickets, 城管 late, 供水 on time) plus 红旗街道's 红楼社区: one ticket
    handed to its own 城管, still open."""
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=HONGQI)
    await scene(bot, monkeypatch)
    assert "#1" in texts(await bot.say("hl-res", "5号楼门口井盖丢了", "room-honglou", name="黄大妈"))
    assert keys(await bot.say("hl-sec", "/转办 1 城管 限5天", None, name="白书记"))[0] == "dept_transfer_ok"


async def test_the_district_offices_statistics(bot, monkeypatch):
    await district(bot, monkeypatch)
    replies = await bot.say(DISTRICT_OFFICER, "/统计 本月 区", None, name="区网格中心李科长")
    text = texts(replies)
    assert keys(replies) == ["stats_summary"] and "和平区" in text and "诉求 4 件" in text, text
    assert "新华街道（2 个社区）：诉求 3 件，已验收 2 件" in text
    assert "红旗街道（1 个社区）：诉求 1 件，已验收 0 件" in text
    # 城管 of both streets put together: 新华's finished a day late, 红旗's still within its 5 days
    assert "城管 2 件（办结 1，按期 0，超期 1，按期率 0%）" in text
    assert "供水 1 件（办结 1，按期 1，超期 0，按期率 100%）" in text
    assert "/api/reports/district/demo-district/" in text
    for who in (OFFICER, SECRETARY, "st-hong"):  # a street officer or a secretary is not the district
        assert keys(await bot.say(who, "/统计 本月 区", None)) == ["stats_district_only"]
    assert keys(await bot.say(DISTRICT_OFFICER, "/统计 明年 区", None)) == ["stats_bad_word"]
    # The district officer also sees a street of the district, like its officer does.
    assert "新华街道" in texts(await bot.say(DISTRICT_OFFICER, "/统计 本月 街道", "room-east"))


async def test_the_aggregates_agree_with_the_ticket_by_ticket_figures(bot, monkeypatch):
    """The SQL aggregates (district and street) against bot.services.stats.figures, which reads each
    community's tickets one by one."""
    await district(bot, monkeypatch)
    now = utcnow()
    start, end = stats.period("本月", now)
    async with bot.runtime.db.sessions() as session:
        df = await district_stats.district_figures(session=session, district=await session.get(District, "demo-district"),
                                                   start=start, end=end, now=now)
        sf = await rollup.street_figures(session=session, street=await session.get(Street, "xinhua"), start=start,
                                         end=end, now=now)
        one_by_one = {c: await stats.figures(session=session, community_id=c, start=start, end=end, now=now)
                      for c in ("xingfuli", "anping", "honglou")}
    by_community = {c.id: c for c in df.communities}
    for cid, f in one_by_one.items():
        row = by_community[cid]
        assert (row.created, row.claimed, row.verified, row.with_deadline, row.overdue, row.avg_rating) == \
               (f.created, f.claimed, f.verified, f.with_deadline, f.overdue, f.avg_rating), cid
        # the database computes durations (SQLite's julianday reads milliseconds): equal to within a second
        for mine, theirs, unit in ((row.median_claim_minutes, f.median_claim_minutes, 60),
                                   (row.median_close_hours, f.median_close_hours, 3600)):
            assert (mine is None) == (theirs is None) and (mine is None or abs(mine - theirs) < 1 / unit), cid
        assert sorted((r.name, r.handed, r.finished, r.on_time, r.overdue) for r in row.departments) == \
               sorted((r.name, r.handed, r.finished, r.on_time, r.overdue) for r in f.departments), cid
    xinhua = next(s for s in df.streets if s.id == "xinhua")
    assert xinhua.created == sf.total.created == one_by_one["xingfuli"].created + one_by_one["anping"].created == 3
    assert xinhua.avg_rating == sf.total.avg_rating == 5.0
    assert xinhua.escalated == sum(r.handed for r in sf.departments) == 2
    assert [t.number for t in sf.total.tickets] == [1, 1, 2]  # the report's detail rows: 安平里 #1, 幸福里 #1 #2
    assert sorted((s, r.name, r.handed, r.on_time, r.overdue) for s, r in df.departments) == [
        ("新华街道", "供水", 1, 1, 0), ("新华街道", "城管", 1, 0, 1), ("红旗街道", "城管", 1, 0, 0)]


async def test_the_districts_monthly_report(bot, monkeypatch):
    await district(bot, monkeypatch)
    month = to_local(utcnow()).strftime("%Y-%m")
    async with TestClient(TestServer(create_app(bot.runtime))) as client:
        resp = await client.get(f"/api/reports/district/demo-district/{month}.xlsx")
        assert resp.status == 200 and "spreadsheetml" in resp.headers["Content-Type"]
        book = load_workbook(io.BytesIO(await resp.read()))
        assert (await client.get(f"/api/reports/district/nowhere/{month}.xlsx")).status == 404
    assert book.sheetnames == ["概览", "各街道", "各社区", "部门转办", "分类"]
    summary = {row[0].value: row[1].value for row in book["概览"].iter_rows()}
    assert summary["区"] == "和平区" and summary["诉求总数"] == 4
    per_street = list(book["各街道"].iter_rows(values_only=True))
    assert [r[0] for r in per_street[1:]] == ["红旗街道", "新华街道"]
    assert per_street[2][1] == 3 and per_street[2][8] == 2 and per_street[2][12] == 0.5  # 新华: 1 of 2 on time
    per_community = list(book["各社区"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1], r[2]) for r in per_community] == [("红旗街道", "红楼社区", 1), ("新华街道", "安平里社区", 1),
                                                           ("新华街道", "幸福里社区", 2)]
    assert ("红旗街道", "城管", 1, 0, 0, 0, None) in list(book["部门转办"].iter_rows(values_only=True))

    first = (to_local(utcnow()).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    box = Outbox(bot)
    await box.mark()
    await tick(bot, local(first, 9, 0))
    sent = [r for r in private_to(await bot.outbox(), DISTRICT_OFFICER) if r.cause and "district_monthly" in r.cause]
    assert len(sent) == 1 and f"/api/reports/district/demo-district/{month}.xlsx" in sent[0].text
    assert "诉求 4 件" in sent[0].text and "红旗街道" in sent[0].text
    await tick(bot, local(first, 9, 20))
    assert len([r for r in private_to(await bot.outbox(), DISTRICT_OFFICER)
                if r.cause and "district_monthly" in r.cause]) == 1  # once


async def test_the_district_bench_runs_at_small_scale(tmp_path):
    """bench/district_stats.py still drives the district's /统计 and report (figures are bench/'s job)."""
    from bench.district_stats import run

    result = await run(f"sqlite+aiosqlite:///{tmp_path}/bench.db", runs=1, seed=13, scale=0.02)
    assert result["counts"]["streets"] == 7 and result["counts"]["department_tasks"] > 0
    assert all(median > 0 for median, _ in result["figures"].values())
