"""A rule table communities own: 新增, 改名, 设置 (re-price), 停用, 历史 — each a new version, so old
ledger entries still cite the version they used; per-hour rules; the table out and in as .xlsx."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.db.models_mobilise import CommunityRule
from bot.services import custom_rules
from tests.harness import MEMBER_LI, MEMBERS, SECRETARY, keys, texts
from tests.test_points_ledger import assert_balances_match_ledger, entries


async def versions(bot) -> list[tuple]:
    async with bot.runtime.db.sessions() as session:
        rows = await session.scalars(select(CommunityRule).order_by(CommunityRule.id))
        return [(r.id, r.rule_key, r.version, r.name, r.points, r.per_hour, r.status, r.current) for r in rows]


async def test_add_award_rename_reprice_retire_keep_the_history(bot):
    added = await bot.say(SECRETARY, "/积分规则 新增 完成实事承诺 2 每项承诺兑现后", None)
    assert keys(added) == ["crule_added_ok"]
    assert "完成实事承诺：2 分（每次）［本社区新增］ 每项承诺兑现后" in texts(await bot.say(MEMBER_LI, "积分规则", MEMBERS))
    assert "+2" in texts(await bot.say(SECRETARY, "/加分 @李师傅 完成实事承诺 帮孤老修好门锁", None))
    assert keys(await bot.say(SECRETARY, "/积分规则 设置 完成实事承诺 3", None)) == ["crule_set_ok"]
    assert "+3" in texts(await bot.say(SECRETARY, "/加分 @李师傅 完成实事承诺", None))
    assert keys(await bot.say(SECRETARY, "/积分规则 改名 完成实事承诺 兑现承诺", None)) == ["crule_renamed_ok"]
    assert keys(await bot.say(SECRETARY, "/积分规则 停用 兑现承诺", None)) == ["crule_retired_ok"]
    assert "err_usage" in keys(await bot.say(SECRETARY, "/加分 @李师傅 兑现承诺", None))  # retired
    assert [v[2:] for v in await versions(bot)] == [
        (1, "完成实事承诺", 2, False, "active", False), (2, "完成实事承诺", 3, False, "active", False),
        (3, "兑现承诺", 3, False, "active", False), (4, "兑现承诺", 3, False, "retired", True)]
    ids = [v[0] for v in await versions(bot)]
    # each entry cites the version it was posted under; the versions themselves never change
    assert [(e.rule, e.amount) for e in await entries(bot)] == [(f"custom.{ids[0]}", 2), (f"custom.{ids[1]}", 3)]
    history = texts(await bot.say(SECRETARY, "/积分规则 历史 兑现承诺", None))
    assert "第 1 版" in history and "第 4 版" in history and "停用" in history
    book = texts(await bot.say(MEMBER_LI, "我的存折", None))
    assert "社区细则" in book and "完成实事承诺" in book
    await assert_balances_match_ledger(bot)


async def test_per_hour_rule_needs_the_hours(bot):
    await bot.say(SECRETARY, "/积分规则 新增 防汛值守 2/小时", None)
    assert keys(await bot.say(SECRETARY, "/加分 @李师傅 防汛值守", None)) == ["crule_needs_hours"]
    done = texts(await bot.say(SECRETARY, "/加分 @李师傅 防汛值守 3.5小时 河堤", None))
    assert "+7" in done and "3.5 小时 × 2 分" in done
    assert [e.amount for e in await entries(bot)] == [7]


async def test_bad_rule_input_and_roles(bot):
    assert keys(await bot.say(SECRETARY, "/积分规则 新增 志愿劳动 3", None)) == ["crule_exists"]  # a default
    await bot.say(SECRETARY, "/积分规则 新增 巡河 2", None)
    assert keys(await bot.say(SECRETARY, "/积分规则 新增 巡河 5", None)) == ["crule_exists"]
    assert keys(await bot.say(SECRETARY, "/积分规则 新增 巡逻 很多", None)) == ["crule_bad_points"]
    assert keys(await bot.say(SECRETARY, "/积分规则 新增 巡逻 999", None)) == ["crule_bad_points"]
    assert keys(await bot.say(SECRETARY, "/积分规则 新增 巡逻", None)) == ["err_usage"]
    assert keys(await bot.say(SECRETARY, "/积分规则 改名 没有这个 新名", None)) == ["rules_unknown"]
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/积分规则 新增 自己加 100", MEMBERS))
    assert keys(await bot.say(SECRETARY, "/积分规则 设置 志愿劳动 3", None)) == ["rules_set_ok"]  # defaults as before


async def test_table_exports_and_imports_as_xlsx(bot):
    await bot.say(SECRETARY, "/积分规则 新增 巡河 2", None)
    await bot.say(SECRETARY, "/积分规则 新增 助老 1", None)
    async with bot.runtime.db.sessions() as session:
        data = await custom_rules.table_xlsx(session=session, community_id="xingfuli")
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("名称", "代码", "分值", "计分方式", "说明", "状态")
    names = [r[0] for r in rows[1:]]
    assert "志愿劳动" in names and "巡河" in names and "助老" in names
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "志愿劳动":
            row[2].value = 5
        if row[0].value == "巡河":
            row[2].value, row[3].value = 3, "每小时"
        if row[0].value == "助老":
            row[5].value = "停用"
    sheet.append(["结对帮扶困难户", "", 4, "每次", "新导入", "在用"])
    out = io.BytesIO()
    book.save(out)
    async with bot.runtime.db.transaction() as session:
        counts = await custom_rules.import_xlsx(session=session, community_id="xingfuli", data=out.getvalue(),
                                                actor_id=SECRETARY)
    assert counts == {"added": 1, "changed": 2, "retired": 1}
    table = texts(await bot.say(MEMBER_LI, "积分规则", MEMBERS))
    assert "志愿劳动：5 分" in table and "巡河：3 分（每小时）" in table and "结对帮扶困难户：4 分" in table
    assert "助老" not in table
    sheet.append(["坏行", "", "很多", "每次", "", "在用"])
    bad = io.BytesIO()
    book.save(bad)
    async with bot.runtime.db.sessions() as session:
        try:
            await custom_rules.import_xlsx(session=session, community_id="xingfuli", data=bad.getvalue(),
                                           actor_id=SECRETARY)
        except Exception as refused:  # noqa: BLE001
            assert getattr(refused, "key", None) == "crule_import_bad"
        else:
            raise AssertionError("a bad row must refuse the file")
