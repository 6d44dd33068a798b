"""What may leave the machine: a message with names, phone numbers, ID numbers, plates and
exact room numbers taken out (pure; bot.services.llm sends only ``redact(text)``).

Best effort by pattern, so it errs towards removing: a surname followed by a title or kin word
(赵阿姨, 王师傅, 李老师), 老/小 + surname (老王, 小李), a name after 叫/名叫/联系人/我是, any @mention,
the names the caller knows (the sender's), mobile and landline numbers, 15/18-digit ID numbers,
licence plates, and a flat number (502, 1102室, 3-2-502) while the building and unit stay.
Emergency numbers (110, 119, 120, 122, 12345) stay: they are not anybody's.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

NAME, PHONE, ID_NUMBER, PLATE, ROOM = "某人", "[电话]", "[证件号]", "[车牌]", "[房号]"
# The commonest surnames (they cover the great majority of people); single characters only.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
            "覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
            "阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉"
            "缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛")
# Titles and kin words said after a surname (王师傅, 赵阿姨); a one-character kin word (张姐, 王哥)
# only after the commonest surnames, which are not also everyday words (和姐姐 is "and sister").
TITLES = ("阿姨", "大爷", "大妈", "大娘", "奶奶", "爷爷", "姥姥", "姥爷", "师傅", "老师", "先生", "女士", "小姐",
          "书记", "主任", "大姐", "大哥", "叔叔", "阿叔", "婶婶", "伯伯", "老汉", "老太太", "老太", "婆婆", "阿婆",
          "阿伯", "医生", "经理", "网格员")
COMMON = "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜叶魏吕丁沈姚卢姜崔钟谭陆汪"
KIN = "姐哥叔婶伯嫂姨"
_S = f"[{SURNAMES}]"
_TITLED = re.compile(rf"{_S}(?={'|'.join(sorted(TITLES, key=len, reverse=True))})|[{COMMON}](?=[{KIN}])")
# 老王, 小李, 阿梅: then a word boundary (老毛病, 小时候, 老师 are not people).
_FAMILIAR = re.compile(rf"(?:老|小|阿)[{SURNAMES.replace('师', '').replace('时', '')}]"
                       r"(?=家|说|也|他|她|在|的|和|跟|去|来|又|都|叫|那|讲|问|让|帮|们|[，,。.、！!？?\s]|$)")
_INTRODUCED = re.compile(rf"(叫|名叫|名字是|姓名[:：]?|联系人[:：]?|我是|找)\s*{_S}[\u4e00-\u9fff]{{1,2}}")
_MENTION = re.compile(r"@[^\s\u2005@]+")
_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)|(?<!\d)1[3-9]\d[\d*xX]{8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)|(?<![\d-])\d{3,4}-\d{7,8}(?!\d)")
_PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][·\s]?[A-Za-z0-9]{5,6}")
_TRIPLE = re.compile(r"(?<![\d.:/])(\d{1,3}\s*-\s*\d{1,2}\s*-\s*)\d{3,4}(?![\d.:/])")
_EMERGENCY = {"110", "119", "120", "122", "12345", "12315", "12319", "96110"}
# A 3- or 4-digit number that is not an amount, a time, a date or an address part.
_ROOM = re.compile(r"(?<![\d.:/\-])(\d{3,4})(?:\s*(?:室|号房|房间|房|户))?"
                   r"(?!\d|\s*(?:号楼|栋|幢|座|单元|度|点|块|元|米|分|年|月|日|天|个|岁|斤|次|人|平|万|千|小时|多|左右|路|公里|%))")


def _room(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1) in _EMERGENCY else ROOM


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` without the personal details listed in the module's docstring."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, NAME)
    out = _MENTION.sub("@" + NAME, out)
    out = _ID.sub(ID_NUMBER, out)
    out = _MOBILE.sub(PHONE, out)
    out = _LANDLINE.sub(PHONE, out)
    out = _PLATE.sub(PLATE, out)
    out = _INTRODUCED.sub(lambda m: m.group(1) + NAME, out)
    out = _TITLED.sub("某", out)
    out = _FAMILIAR.sub(NAME, out)
    out = _TRIPLE.sub(lambda m: m.group(1) + ROOM, out)
    return _ROOM.sub(_room, out)
