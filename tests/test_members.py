"""报到 and /审核, roster import (all or nothing), 积分互认, star ratings and .xlsx exports."""
from __future__ import annotations

import io
from argparse import Namespace
from datetime import datetime, timezone

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.clock import to_local, utcnow
from bot.config import Settings
from bot.db.models import Person, PersonRole
from bot.db.models_members import MemberProfile, StarRating
from bot.services import exports, loader, points, roster_import
from bot.web.app import create_app
from examples.make_roster import HEADER, ROWS, build
from tests.harness import EAST, MEMBER_CHEN, MEMBER_LI, MEMBERS, SECRETARY, keys, texts
from tests.test_points_ledger import assert_balances_match_ledger

NEWBIE = "wx-newbie"


async def profile(bot, person_id: str) -> MemberProfile | None:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(MemberProfile).where(MemberProfile.person_id == person_id))


async def roles(bot, person_id: str) -> set[str]:
    async with bot.runtime.db.sessions() as session:
        return set(await session.scalars(select(PersonRole.role).where(PersonRole.person_id == person_id)))


async def test_registration_waits_for_review_then_makes_a_member(bot):
    replies = await bot.say(NEWBIE, "报到 3号楼 特长 水电维修 单位 市发改委 时间 周末", MEMBERS, name="张三")
    assert "等待书记审核" in texts(replies)
    assert any(r.to == SECRETARY and "/审核 @张三 通过" in r.text for r in replies)
    p = await profile(bot, NEWBIE)
    assert (p.status, p.skills, p.work_unit, p.availability) == ("pending", "水电维修", "市发改委", "周末")
    assert "仅限" in texts(await bot.say(NEWBIE, "任务", MEMBERS, name="张三"))
    assert "张三" in texts(await bot.say(SECRETARY, "/审核", None))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/审核 @张三 通过", MEMBERS))
    approved = await bot.say(SECRETARY, "/审核 @张三 通过", None)
    assert "已通过" in texts(approved) and any(r.to == NEWBIE for r in approved)
    assert "已经审核通过" in texts(await bot.say(SECRETARY, "/审核 @张三 拒绝", None))
    assert await roles(bot, NEWBIE) == {"member"}
    assert "您已报到成功" in texts(await bot.say(NEWBIE, "报到", MEMBERS, name="张三"))
    assert "已更新" in texts(await bot.say(NEWBIE, "报到 特长 电脑维修", MEMBERS, name="张三"))
    assert (await profile(bot, NEWBIE)).skills == "电脑维修"


async def test_registration_rejected_and_bad_input(bot):
    assert "没有找到网格「9号楼」" in texts(await bot.say(NEWBIE, "报到 9号楼 特长 水电", MEMBERS, name="张三"))
    assert "手机号" in texts(await bot.say(NEWBIE, "报到 3号楼 手机 12345", MEMBERS, name="张三"))
    assert await profile(bot, NEWBIE) is None
    assert "格式不对" in texts(await bot.say(NEWBIE, "报到", MEMBERS, name="张三"))
    await bot.say(NEWBIE, "报到 3 特长 水电维修", MEMBERS, name="张三")
    rejected = await bot.say(SECRETARY, "/审核 @张三 拒绝 请先联系网格员", None)
    assert any(r.to == NEWBIE and "请先联系网格员" in r.text for r in rejected)
    assert (await profile(bot, NEWBIE)).status == "rejected" and await roles(bot, NEWBIE) == set()
    assert "没有找到「路人」" in texts(await bot.say(SECRETARY, "/审核 @路人 通过", None))
    assert "格式不对" in texts(await bot.say(SECRETARY, "/审核 @张三 也许", None))


async def test_roster_with_bad_rows_imports_nothing_and_says_why(bot, tmp_path):
    bad = [list(r) for r in ROWS]
    bad[0][0] = ""                 # row 2: no name
    bad[1][3] = "9号楼"            # row 3: unknown grid
    bad[2][1] = ROWS[0][1]         # row 4: duplicate id
    bad[3][8] = "110"              # row 5: bad phone
    bad[4][4] = "队长"             # row 6: unknown role
    path = build(tmp_path / "bad.xlsx", bad)
    before = await _people(bot)
    settings = Settings(_env_file=None, database_url=bot.runtime.settings.database_url)
    from bot import cli_members

    rc = await cli_members.import_members(settings, Namespace(file=str(path), community=None))
    assert rc == 2 and await _people(bot) == before
    roster = roster_import.read(path)
    async with bot.runtime.db.sessions() as session:
        errors = await roster_import.check(session=session, roster=roster)
    assert [(e.row, e.key) for e in errors] == [
        (2, "roster_missing"), (3, "roster_unknown_grid"), (4, "roster_duplicate"), (5, "roster_bad_phone"),
        (6, "roster_bad_role")]
    assert errors[1].text == "第 3 行：社区 xingfuli 里没有网格「9号楼」"
    assert errors[2].text == "第 4 行：账号「wx-zhangjg」与第 2 行重复"


async def test_clean_roster_imports_everyone_once(bot, tmp_path):
    from bot import cli_members

    settings = Settings(_env_file=None, database_url=bot.runtime.settings.database_url)
    for _ in range(2):
        assert await cli_members.import_members(settings, Namespace(file="examples/roster_sample.xlsx",
                                                                    community=None)) == 0
    assert await roles(bot, "wx-zhangjg") == {"member"} and await roles(bot, "wx-zhouxy") == {"grid_worker"}
    p = await profile(bot, "wx-zhaomin")
    assert (p.status, p.source, p.work_unit, p.phone) == ("approved", "import", "市司法局", "13800000004")
    async with bot.runtime.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MemberProfile)) == 4
    header_only = roster_import.read(build(tmp_path / "empty.xlsx", []))
    assert [e.key for e in header_only.errors] == ["roster_empty"]
    assert [e.key for e in roster_import.read(b"not a spreadsheet").errors] == ["roster_unreadable"]
    no_id = tmp_path / "noid.xlsx"
    build(no_id, [])
    book = load_workbook(no_id)
    book.active.delete_cols(HEADER.index("账号") + 1)
    book.save(no_id)
    assert [e.key for e in roster_import.read(no_id).errors] == ["roster_missing_columns"]


async def _people(bot) -> int:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Person))


async def test_points_are_recognised_in_both_communities(bot):
    data = {"communities": [{"id": "gongyuan", "name": "公园社区", "rooms": [
        {"id": "room-park", "name": "公园社区党员群", "kind": "members"}],
        "people": [{"id": "sec-park", "name": "钱书记", "roles": ["secretary"]},
                   {"id": MEMBER_LI, "name": "李师傅", "roles": ["member"]}]}]}
    async with bot.runtime.db.transaction() as session:
        await loader.load(session=session, data=data)
    await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动", None)
    await bot.say("sec-park", "/加分 @李师傅 4 单位组织义诊", "room-park")
    mine = texts(await bot.say(MEMBER_LI, "我的积分", MEMBERS))
    assert "您的积分：6 分" in mine and "幸福里社区 2 分" in mine and "公园社区 4 分" in mine
    assert "李师傅 6 分" in texts(await bot.say(MEMBER_CHEN, "积分榜", MEMBERS))
    assert "李师傅 6 分" in texts(await bot.say("sec-park", "积分榜", "room-park"))
    await assert_balances_match_ledger(bot)


async def test_star_ratings_are_previewed_confirmed_announced_once_and_recorded(bot):
    from sqlalchemy import update

    from bot.db.models import PointsEntry

    await bot.say(SECRETARY, "/积分规则 设置 3星门槛 5", None)
    await bot.say(SECRETARY, "/加分 @李师傅 20 抗洪值守", None)
    await bot.say(SECRETARY, "/加分 @陈老师 5 普法讲座", None)
    await bot.say(SECRETARY, "/加分 @刘大姐 2 帮忙", None)
    local = to_local(utcnow())
    this_half = f"{local.year}{'上半年' if local.month <= 6 else '下半年'}"
    # The points were earned in the half-year before this one, which has ended.
    last_year, last_first = (local.year - 1, False) if local.month <= 6 else (local.year, True)
    label = f"{last_year}{'上半年' if last_first else '下半年'}"
    earned_at = datetime(last_year, 3 if last_first else 9, 15, tzinfo=timezone.utc)
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(PointsEntry).values(created_at=earned_at))

    unfinished = await bot.say(SECRETARY, f"/星级评定 {this_half}", None)
    assert keys(unfinished) == ["stars_unfinished"]
    preview = await bot.say(SECRETARY, f"/星级评定 {label}", None)
    assert keys(preview) == ["stars_preview"] and "3 人获评" in preview[0].text
    assert not [r for r in preview if r.room == EAST]  # nothing posted before 确认
    async with bot.runtime.db.sessions() as session:
        assert list(await session.scalars(select(StarRating))) == []

    replies = await bot.say(SECRETARY, "好的，发吧", None)
    notice = next(r.text for r in replies if r.room == EAST)
    assert "★★★★ 李师傅（20 分）" not in notice  # 20 < 40: three stars by the 20-point default
    assert "★★★ 李师傅（20 分）" in notice and "★★★ 陈老师（5 分）" in notice and "★ 刘大姐（2 分）" in notice
    assert "stars_done" in keys(replies)
    again = await bot.say(SECRETARY, f"/星级评定 {label}", None)  # a rerun is refused, never posted twice
    assert keys(again) == ["stars_already"]
    async with bot.runtime.db.sessions() as session:
        rows = list(await session.scalars(select(StarRating)))
    assert len(rows) == 3 and {r.stars for r in rows} == {3, 1}
    assert "格式不对" in texts(await bot.say(SECRETARY, "/星级评定 明年", None))
    assert "仅限" in texts(await bot.say(MEMBER_LI, f"/星级评定 {label}", MEMBERS))


async def test_star_rating_preview_can_be_dropped(bot):
    local = to_local(utcnow())
    label = f"{local.year - 1}下半年"
    await bot.say(SECRETARY, "/加分 @李师傅 20 抗洪值守", None)
    from sqlalchemy import update

    from bot.db.models import PointsEntry
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(PointsEntry).values(
            created_at=datetime(local.year - 1, 9, 1, tzinfo=timezone.utc)))
    assert keys(await bot.say(SECRETARY, f"/星级评定 {label}", None)) == ["stars_preview"]
    assert keys(await bot.say(SECRETARY, "算了", None)) == ["stars_cancelled"]
    assert keys(await bot.say(SECRETARY, "确认", None)) == ["nothing_to_confirm"]


async def test_ledger_and_statement_export(bot):
    await bot.say(SECRETARY, "/加分 @李师傅 志愿劳动", None)
    await bot.say(SECRETARY, "/扣分 @李师傅 1 记错了", None)
    async with bot.runtime.db.sessions() as session:
        ledger = load_workbook(io.BytesIO(await exports.ledger_xlsx(session=session, community_id="xingfuli")))
        statement = load_workbook(io.BytesIO(await exports.statement_xlsx(session=session, person_id=MEMBER_LI)))
        balance = await points.balance(session=session, person_id=MEMBER_LI)
    rows = list(ledger.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:6] == ("记录号", "时间", "姓名", "账号", "分值", "规则")
    assert [(r[2], r[4], r[6]) for r in rows[1:]] == [("李师傅", 2, "service.labour"), ("李师傅", -1, "manual.deduct")]
    assert rows[1][5] == "志愿劳动" and rows[1][8] == "王书记"
    summary = list(ledger.worksheets[1].iter_rows(values_only=True))
    assert summary[1] == ("李师傅", MEMBER_LI, 1) and summary[-1][2] == 1
    lines = list(statement.worksheets[0].iter_rows(values_only=True))
    assert [r[6] for r in lines[2:4]] == [2, 1] and lines[-1][6] == balance == 1
    async with TestClient(TestServer(create_app(bot.runtime))) as c:
        resp = await c.get("/api/communities/xingfuli/ledger.xlsx")
        assert resp.status == 200 and resp.content_type.endswith("sheet")
        assert (await c.get(f"/api/people/{MEMBER_LI}/statement.xlsx")).status == 200
        assert (await c.get("/api/communities/nowhere/ledger.xlsx")).status == 404
        assert (await c.get("/api/communities/xingfuli/ledger.xlsx?year=x")).status == 400
