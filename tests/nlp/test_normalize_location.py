import pytest

from nlp import normalize
from nlp.location import extract
from nlp.normalize import cn_to_int


@pytest.mark.parametrize("raw, expected", [
    ("３号楼２单元", "3号楼2单元"),
    ("樓道燈壞了", "楼道灯坏了"),
    ("三号楼", "3号楼"),
    ("十二幢", "12幢"),
    ("五零二室", "502室"),
    ("一单元", "1单元"),
    ("七号楼三零一的", "7号楼301的"),
    ("楼到灯坏了", "楼道灯坏了"),
    ("厕所漏税", "厕所漏水"),
    ("电体又停了", "电梯又停了"),
    ("停水了😭😭  快来", "停水了 快来"),
    ("a\x00b\ue000c\u200bd", "a b c d"),
    ("一栋楼都停电", "一栋楼都停电"),
    # stop 32: voice typing's 好楼/单原 after a number; 一座 and 那一栋 that count or point, not name
    ("十好楼二单原", "10号楼2单元"), ("这楼盘是个好楼盘", "这楼盘是个好楼盘"),
    ("门口堆成一座山", "门口堆成一座山"), ("一座的电梯", "1座的电梯"), ("那一栋都停了", "那一栋都停了"),
    ("", ""),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("s, n", [("十二", 12), ("二十三", 23), ("五零二", 502), ("十", 10), ("两", 2)])
def test_cn_to_int(s, n):
    assert cn_to_int(s) == n


@pytest.mark.parametrize("text, loc", [
    ("3号楼2单元502楼道灯坏了", ("3", "2", "502")),
    ("三号楼门口", ("3", None, None)),
    ("１２栋停电", ("12", None, None)),
    ("12幢302漏水", ("12", None, "302")),
    ("7-2-301", ("7", "2", "301")),
    ("东区7-2-301卫生间", ("7", "2", "301")),
    ("5座电梯", ("5", None, None)),
    ("302室的", (None, None, "302")),
    ("我是8栋402室的", ("8", None, "402")),
    ("十二幢三单元五零二", ("12", "3", "502")),
    ("5栋1单元201 120说还得二十分钟", ("5", "1", "201")),
    ("一楼的下水道 38度 2024年", (None, None, None)),
    ("我们十五栋整栋楼", ("15", None, None)),
    ("14-2-1201", ("14", "2", "1201")),
    # Shanghai lanes: N号 with a floor after it or a neighbour word before it; a date is not a building
    ("阿拉22号后门口个路灯坏脱了", ("22", None, None)),
    ("19号三楼阳台冒火", ("19", None, None)),
    ("12月5号3楼要停水", (None, None, None)),
    ("下个月15号来收费", (None, None, None)),
    # a label's colon does not hide a building; a time's does
    ("夜班保安报告：5栋2单元楼道有焦味", ("5", "2", None)),
    ("明天10:30座谈会", (None, None, None)),
    # a room-shaped number owning something or closing the message; calls and phone tails are not rooms
    ("302家的灶台软管老化了", (None, None, "302")),
    ("空调外机着火了！1503的，火苗往上窜", (None, None, "1503")),
    ("呼叫器不响了 物业没反应 1503", (None, None, "1503")),
    ("我们在2栋 120在路上了", ("2", None, None)),
    ("上门回收 电话138****6612", (None, None, None)),
    ("押金交了500的 什么时候退", (None, None, None)),
    # stop 32: a lane building's room; a room before 楼上 (a neighbour, not a floor); a date stays a date
    ("阿拉是9号402 楼上漏水", ("9", None, "402")),
    ("6栋1202楼上那户天天拖椅子", ("6", None, "1202")),
    ("3月9号402开会", (None, None, None)),
    ("周六18号 300人报名", (None, None, None)),
])
def test_location(text, loc):
    assert extract(normalize(text)) == loc
