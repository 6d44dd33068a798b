"""三单 from a spreadsheet (issue 13, item 4: "importable from .xlsx"): a clean sheet goes in and the
residents see it (and order from it); importing it again updates instead of adding; a sheet with
any bad row imports nothing and says, row by row, what is wrong; ``gridbot import-lists`` does it
from the command line with the same table on stderr."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from bot.db.models_lists import ListItem
from bot.services import list_import
from tests.harness import RES_ZHAO, keys, texts
from tests.test_cli import fresh_db, run_cli  # noqa: F401 - the fixture is used by name

HEADER = ["清单", "名称", "说明", "提供人"]
GOOD = [["服务", "理发", "每周六上午 活动室", "李师傅"], ["资源", "会议室", "社区二楼 工作日可用", ""],
        ["需求清单", "独居老人每周探访", "", ""], ["服务", "法律咨询", "每月第一个周三", "mem-chen"]]
BAD = [["服务", "理发", "", ""],  # a service without its provider
       ["菜单", "下棋", "", ""],  # no such list
       ["资源", "", "车辆", ""],  # no name
       ["服务", "修电脑", "", "王大锤"],  # nobody of that name here
       ["资源", "会议室", "", ""], ["资源", "会议室", "", ""],  # twice
       ["需求", "修" * 101, "", ""]]


def sheet(rows, header=HEADER) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _import(bot, data: bytes):
    async with bot.runtime.db.transaction() as session:
        parsed = list_import.read(data)
        errors, providers = await list_import.check(session=session, sheet=parsed, community_id="xingfuli")
        if errors:
            return errors
        return await list_import.import_rows(session=session, sheet=parsed, community_id="xingfuli",
                                             providers=providers)


async def _count(bot) -> int:
    async with bot.runtime.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(ListItem))


async def test_a_clean_sheet_is_imported_and_ordered_from(bot):
    assert await _import(bot, sheet(GOOD)) == (4, 0)
    listed = texts(await bot.say(RES_ZHAO, "服务"))
    assert "1. 理发（李师傅） 每周六上午 活动室" in listed and "2. 法律咨询（陈老师）" in listed
    assert "会议室" in texts(await bot.say(RES_ZHAO, "资源清单")) and "独居老人" in texts(await bot.say(RES_ZHAO, "需求清单"))
    assert keys(await bot.say(RES_ZHAO, "预约 1 周六想理发"))[0] == "list_order_ok"
    changed = [["服务", "理发", "每周日上午", "刘大姐"]] + GOOD[1:]
    assert await _import(bot, sheet(changed)) == (0, 4)  # the same names again: updated, not added
    assert "理发（刘大姐） 每周日上午" in texts(await bot.say(RES_ZHAO, "服务"))
    assert await _count(bot) == 4


async def test_a_bad_sheet_imports_nothing_and_lists_every_problem(bot):
    errors = await _import(bot, sheet(GOOD + BAD))
    table = list_import.report(errors)
    assert table.startswith("表格有 8 处问题，一个都没有导入")
    for line in ("第 6 行：服务要填「提供人」", "第 7 行：清单「菜单」不认识", "第 8 行：缺少「名称」",
                 "第 9 行：本社区没有找到「王大锤」", "第 11 行：「会议室」与第 3 行重复", "第 12 行：「名称」超过 100 字"):
        assert line in table, (line, table)
    assert "第 10 行：「会议室」与第 3 行重复" in table  # the good sheet's 会议室 is row 3
    assert "第 6 行：「理发」与第 2 行重复" in table
    assert await _count(bot) == 0
    assert list_import.report(await _import(bot, sheet(GOOD, header=["名字", "说明"]))) == \
        "表格有 1 处问题，一个都没有导入，请改好后重新导入：\n  第 1 行：表头缺少：清单、名称（列名见 examples/lists.md）"
    assert "文件打不开" in list_import.report(await _import(bot, b"not a spreadsheet"))
    assert "表格里没有清单项" in list_import.report(await _import(bot, sheet([])))


def test_the_command_line_imports_all_or_nothing(fresh_db, capsys):  # noqa: F811
    assert run_cli(["load", "examples/community.yaml"], capsys)[0] == 0
    (fresh_db / "三单.xlsx").write_bytes(sheet(GOOD))
    (fresh_db / "坏.xlsx").write_bytes(sheet(BAD))
    code, out, err = run_cli(["import-lists", "xingfuli", "坏.xlsx"], capsys)
    assert code == 2 and out == "" and err.startswith("表格有 6 处问题") and "第 2 行：服务要填「提供人」" in err
    assert run_cli(["import-lists", "xingfuli", "三单.xlsx"], capsys)[1:] == ("已导入三单：新增 4 项，更新 0 项。\n", "")
    assert run_cli(["import-lists", "nowhere", "三单.xlsx"], capsys)[2].startswith("表格有 1 处问题")
    assert main(["import-lists", "xingfuli", "没有这个文件.xlsx"]) == 2
