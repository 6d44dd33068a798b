"""Write examples/roster_sample.xlsx: a clean roster for the demo community (幸福里社区).

    .venv/bin/python examples/make_roster.py [OUT.xlsx]
    gridbot import-members examples/roster_sample.xlsx

The columns are documented in examples/roster.md.
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

HEADER = ["姓名", "账号", "社区", "网格", "身份", "特长", "工作单位", "服务时间", "手机"]
ROWS = [
    ["张建国", "wx-zhangjg", "xingfuli", "3号楼", "党员", "水电维修", "市发改委", "周末", "13800000001"],
    ["李秀英", "wx-lixy", "xingfuli", "1号楼", "党员", "助老陪护", "区卫健委", "工作日晚上", "13800000002"],
    ["王志强", "wx-wangzq", "xingfuli", "东区", "志愿者", "电脑维修", "", "周六上午", ""],
    ["赵敏", "wx-zhaomin", "xingfuli", "5号楼", "在职党员", "法律咨询", "市司法局", "随时", "13800000004"],
    ["周小燕", "wx-zhouxy", "xingfuli", "西区", "网格员", "", "幸福里社区", "", "13800000005"],
]


def build(path: Path, rows: list[list] = ROWS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "党员名册"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (10, 14, 10, 8, 10, 12, 14, 12, 14)):
        sheet.column_dimensions[column].width = width
    book.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("roster_sample.xlsx")
    print(build(out))
