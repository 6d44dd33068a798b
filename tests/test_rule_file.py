"""The rule table out and in from the chat (issue 17): 「/积分规则 导出」 gives a signed link to the
.xlsx; 「/积分规则 导入」 with the file, or followed by it, imports it (a bad row refuses it all)."""
from __future__ import annotations

import io
import re

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.web.app import create_app
from tests.harness import MEMBER_LI, MEMBERS, SECRETARY, keys, texts
from tests.media import document, photo


async def exported(bot) -> bytes:
    out = await bot.say(SECRETARY, "/积分规则 导出", None)
    assert keys(out) == ["crule_export_link"]
    path = re.search(r"http://[^/]+(/api/communities/xingfuli/rules\.xlsx\S*)", out[0].text).group(1)
    async with TestClient(TestServer(create_app(bot.runtime))) as c:
        resp = await c.get(path)
        assert resp.status == 200
        assert (await c.get("/api/communities/nowhere/rules.xlsx")).status == 404
        return await resp.read()


def edited(data: bytes, extra: list) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for row in book.active.iter_rows(min_row=2):
        if row[0].value == "巡河":
            row[2].value = 3
    book.active.append(extra)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_export_then_import_the_file_that_follows(bot):
    await bot.say(SECRETARY, "/积分规则 新增 巡河 2", None)
    data = edited(await exported(bot), ["结对帮扶困难户", "", 4, "每次", "新导入", "在用"])
    assert keys(await bot.say(SECRETARY, "/积分规则 导入", None)) == ["crule_import_send"]
    out = await bot.say(SECRETARY, "", None, attachments=(document(data, "积分规则.xlsx"),))
    assert keys(out) == ["crule_imported_ok"] and "新增 1 条，修改 1 条" in out[0].text
    table = texts(await bot.say(MEMBER_LI, "积分规则", MEMBERS))
    assert "巡河：3 分" in table and "结对帮扶困难户：4 分" in table
    # the wait is over: a later file is an ordinary file again
    assert "crule_imported_ok" not in keys(await bot.say(SECRETARY, "", None,
                                                         attachments=(document(data, "积分规则.xlsx"),)))


async def test_import_with_the_file_attached_and_bad_files_are_refused(bot):
    data = edited(await exported(bot), ["坏行", "", "很多", "每次", "", "在用"])
    out = await bot.say(SECRETARY, "/积分规则 导入", None, attachments=(document(data, "积分规则.xlsx"),))
    assert keys(out) == ["crule_import_bad"] and "第" in out[0].text
    out = await bot.say(SECRETARY, "/积分规则 导入", None, attachments=(document(b"not a sheet", "x.xlsx"),))
    assert keys(out) == ["crule_import_unreadable"]
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/积分规则 导入", MEMBERS))
    assert "仅限" in texts(await bot.say(MEMBER_LI, "/积分规则 导出", MEMBERS))
    # a photo while waiting is not the table: the wait goes on
    await bot.say(SECRETARY, "/积分规则 导入", None)
    assert "crule_imported_ok" not in keys(await bot.say(SECRETARY, "", None, attachments=(photo(),)))
