"""What a report is about: the object (灯, 电梯, 门禁, 水管 …) and the fault (漏, 堵, 松 …).

Pure and table-driven. Words are matched on normalised text, longest word first at each
position, so 楼梯灯 is a light and not 楼梯 + something, and 一直不亮 is not 一直亮.
Object codes are dotted: ``light`` (a bare 灯) is compatible with ``light.corridor`` and
``light.street``; those two are different things.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.matchers import AhoCorasickMatcher, Matcher, RegexMatcher, _ahocorasick

# Object code -> the words residents use for it. Places (楼道, 楼梯, 走廊, 门口) are not
# objects: 楼梯扶手 and 楼梯灯 share a place, not a thing.
OBJECTS: dict[str, tuple[str, ...]] = {
    "light": ("灯", "灯泡", "灯管", "照明", "电灯"),
    "light.corridor": ("楼道灯", "声控灯", "感应灯", "楼梯灯", "走廊灯", "过道灯", "楼道的灯", "楼道里的灯",
                       "楼道里灯", "楼梯间的灯", "楼梯间灯", "楼道照明", "声控开关", "楼道感应灯", "楼道声控灯"),
    "light.street": ("路灯", "庭院灯", "草坪灯", "景观灯", "高杆灯"),
    "elevator": ("电梯", "升降梯", "直梯", "客梯", "货梯", "轿厢", "电梯门", "电梯按钮", "梯控"),
    "unit_door": ("门禁", "单元门", "楼门", "防盗门", "对讲门", "可视对讲", "对讲机", "门禁卡", "刷卡门", "电子门",
                  "单元门锁", "门锁", "闭门器", "楼宇门", "铁门"),
    "gate": ("道闸", "抬杆", "栏杆机", "门岗", "车闸", "人行闸机", "闸机"),
    "handrail": ("扶手", "栏杆", "护栏", "扶栏", "楼梯扶手"),
    "steps": ("台阶", "踏步", "坡道", "无障碍坡道"),
    "water": ("水管", "水龙头", "龙头", "自来水管", "自来水", "上水管", "水阀", "阀门", "水表", "水箱", "水泵",
              "二次供水", "供水管", "停水", "没水", "断水", "水压", "水小"),
    "drain": ("下水道", "下水管", "下水", "排水管", "排水沟", "地漏", "污水管", "污水", "化粪池", "雨水管",
              "落水管", "马桶", "管道堵", "污水井"),
    "manhole": ("井盖", "窨井盖", "下水井盖", "雨水篦子", "雨水井盖", "检查井"),
    "heating": ("暖气", "暖气片", "暖气管", "供暖", "采暖", "地暖"),
    "gas": ("燃气", "煤气", "天然气", "燃气管"),
    "power": ("停电", "没电", "断电", "跳闸", "电闸", "电表", "电箱", "配电箱", "电线", "电缆", "线路"),
    "roof": ("楼顶", "屋顶", "房顶", "顶楼", "天花板", "顶棚", "屋面", "天台"),
    "wall": ("墙皮", "外墙", "墙面", "墙体", "墙砖", "瓷砖", "外墙砖", "墙"),
    "window": ("窗户", "窗", "玻璃", "窗玻璃", "楼道窗"),
    "garbage": ("垃圾",),
    "garbage.bin": ("垃圾桶", "垃圾箱", "垃圾站", "垃圾房", "垃圾点", "分类桶", "垃圾亭", "垃圾车"),
    "garbage.construction": ("建筑垃圾", "装修垃圾", "渣土", "大件垃圾"),
    "garbage.clutter": ("杂物", "纸箱", "废品", "旧家具", "破烂", "堆物", "旧沙发", "旧床垫"),
    "falling": ("高空抛物", "往下扔", "扔下来", "坠物"),
    "ebike": ("电动车", "电瓶车", "电驴", "电摩", "电动自行车", "小电驴"),
    "car": ("汽车", "私家车", "僵尸车", "轿车", "车辆", "停车", "车位", "一辆车", "辆车", "车"),
    "bike": ("共享单车", "自行车", "单车"),
    "fire_lane": ("消防通道", "消防车道", "安全通道", "疏散通道"),
    "fire_kit": ("消防栓", "灭火器", "烟感", "消火栓", "消防水带", "应急灯", "安全出口"),
    "road": ("路面", "马路", "路上", "地砖", "路砖", "人行道", "道路", "水泥路", "砖"),
    "tree": ("树", "大树", "树枝", "树干", "树木", "枯树"),
    "lawn": ("草坪", "绿化带", "草地", "花坛", "杂草", "草"),
    "rat": ("老鼠", "耗子"),
    "roach": ("蟑螂", "小强"),
    "mosquito": ("蚊子", "苍蝇", "蚊虫"),
    "dog": ("狗", "狗屎", "狗粪", "遛狗", "犬", "流浪狗"),
    "cat": ("猫", "流浪猫", "野猫"),
    "renovation": ("装修", "电钻", "砸墙", "冲击钻", "切割机"),
    "dance": ("广场舞", "音响", "喇叭", "跳舞"),
    "smoke": ("抽烟", "吸烟", "烟头"),
    "camera": ("监控", "摄像头", "探头"),
    "mailbox": ("信报箱", "信箱", "报箱", "邮箱"),
    "parcel_locker": ("快递柜", "丰巢", "快递箱"),
    "fitness": ("健身器材", "健身器", "单杠", "双杠", "秋千", "滑梯", "跷跷板", "座椅", "长椅", "凳子"),
    "broadband": ("宽带", "网络", "网线", "有线电视", "信号"),
    # Places that contain an object word: matched so that the object inside is not.
    "": ("单元门口", "楼门口", "大门口", "门口", "电梯口", "电梯间", "电梯厅", "电梯前", "车库", "车棚", "下车", "地下"),
}

# Fault code -> words. ``broken`` is the generic 坏了; it goes with any breakage but not
# with a condition that is its own complaint (a lamp that never goes off, a full bin).
FAULTS: dict[str, tuple[str, ...]] = {
    "broken": ("坏", "坏了", "坏掉", "不好使", "不能用", "用不了", "没法用", "失灵", "故障", "出问题", "有问题",
               "毛病", "不工作", "罢工", "不行了", "不亮", "不动", "停运", "停了", "不运行", "不转", "没反应",
               "黑乎乎", "黑漆漆", "黑咕隆咚", "灭了", "不灵", "一直不亮", "不起来", "没用了", "修"),
    "on_always": ("一直亮", "白天也亮", "长明", "不灭", "一直亮着", "常亮", "关不掉", "一直开着"),
    "leak": ("漏", "漏水", "滴水", "渗水", "渗", "爆", "爆了", "喷水", "冒水", "淌水", "滴", "流水", "哗哗",
             "关不住", "关不紧", "漏气", "往下滴"),
    "blocked": ("堵", "堵了", "堵塞", "不通", "下不去", "返水", "反水", "冒脏水", "往上冒", "冒出来", "倒灌", "漫"),
    "obstruct": ("占", "占用", "挡", "挡着", "乱停", "乱放", "停满", "停着", "过不去", "走不过去", "堵着"),
    "full": ("满", "满了", "爆满", "溢出", "溢", "堆", "没人清", "没人收", "没清", "没收", "装不下", "成山", "堆满"),
    "dirty": ("臭", "异味", "味", "脏", "屎", "恶心", "粪"),
    "loose": ("松", "松了", "松动", "晃", "晃动", "摇", "不稳", "翘", "翘起来", "活动了", "摇摇晃晃"),
    "damaged": ("碎", "裂", "断", "破", "烂", "塌", "脱落", "掉了", "缺", "变形", "掉", "裂缝", "开裂"),
    "missing": ("丢", "丢了", "没了", "不见", "被偷", "被盗", "偷", "被撬", "少了"),
    "noise": ("响", "异响", "吵", "噪音", "声音", "咣当", "嗡嗡", "叫", "动静"),
    "trapped": ("困", "困人", "困住", "关着人", "出不来", "关在里面", "被困"),
    "door_stuck": ("关不上", "打不开", "刷不开", "锁不上", "进不去", "开不了", "合不上", "刷不了", "锁不住",
                   "关不了"),
    "outage": ("停水", "停电", "没水", "没电", "断水", "断电", "跳闸", "来水", "来电"),
    "pressure": ("水压", "水小", "水流小", "水很小"),
    "cold": ("不热", "不暖", "冷", "温度低", "温度太低", "不够热"),
    "pothole": ("坑", "塌陷", "凹", "下陷"),
    "fallen": ("倒", "倒了", "刮倒", "吹倒", "压着", "砸"),
    "overgrown": ("修剪", "太高", "挡光", "遮", "长疯", "疯长", "挡住阳光"),
    "charging": ("充电", "飞线", "拉线"),
    "fire": ("冒火花", "着火", "冒烟", "火花", "起火", "烧了", "烧"),
    "litter": ("乱扔", "乱倒", "乱丢", "扔"),
    "uncertified": ("年检", "合格证", "检验"),
    "abandoned": ("半年", "没动过", "不动的", "长期停放", "僵尸"),
    "stray": ("咬人", "追人", "不拴绳", "没拴绳", "扑人"),
    # Words that contain a fault word without naming a fault (自来水 is not 来水, 装修 not 修).
    "": ("自来水", "装修"),
}

# Faults that are conditions of their own, not a kind of breakage: a bare 坏了 does not
# match them (坏了 and 满了 about one bin are two reports).
CONDITIONS = frozenset({"on_always", "obstruct", "full", "dirty", "noise", "charging", "litter",
                        "uncertified", "overgrown", "fallen", "abandoned", "stray"})
# Different words for what is usually one fault seen from two sides.
_COMPATIBLE = {frozenset(p) for p in (
    ("leak", "damaged"), ("loose", "damaged"), ("full", "dirty"), ("full", "obstruct"),
    ("blocked", "leak"), ("blocked", "dirty"), ("blocked", "obstruct"), ("litter", "full"),
    ("trapped", "broken"), ("outage", "broken"), ("missing", "damaged"), ("on_always", "door_stuck"),
)}


def _matcher(table: dict[str, tuple[str, ...]]) -> tuple[Matcher, dict[str, str]]:
    """Leftmost-longest matching of a table's words (the C automaton when installed)."""
    word_code: dict[str, str] = {}
    for code, words in table.items():
        for w in words:
            assert w not in word_code, f"{w} listed twice ({word_code[w]}, {code})"
            word_code[w] = code
    if _ahocorasick is not None:
        return AhoCorasickMatcher(word_code), word_code
    longest_first = sorted(word_code, key=len, reverse=True)
    return RegexMatcher(re.compile("|".join(map(re.escape, longest_first)))), word_code


_OBJECTS, _OBJECT_OF = _matcher(OBJECTS)
_FAULTS, _FAULT_OF = _matcher(FAULTS)
# 楼下/楼上 (downstairs, upstairs) is a place, but in 4号楼下水道 the 下 starts 下水道.
_UP_DOWN = re.compile(r"(?<![号#栋幢座\d])楼[下上]")
# Idioms that hold an object's word without the object: 黑灯瞎火 is "pitch dark", not a lamp.
_IDIOMS = re.compile(r"黑灯瞎火|灯火通明|灯红酒绿|挑灯夜战|火烧眉毛|水深火热|门可罗雀")
# Negated faults (没坏, 不漏了) say the thing is fine: they are dropped before faults are read.
_NEGATED = re.compile(r"(?:没有|没|不再|已经不|不)(?:坏|漏|堵|松|丢)")


@dataclass(frozen=True, slots=True)
class Thing:
    objects: frozenset[str]
    faults: frozenset[str]


def extract(norm: str) -> Thing:
    """Objects and faults named in normalised text."""
    plain = _IDIOMS.sub(" ", _UP_DOWN.sub("  ", norm))
    objects = frozenset(code for _, _, w in _OBJECTS.spans(plain) if (code := _OBJECT_OF[w]))
    faults = frozenset(code for _, _, w in _FAULTS.spans(_NEGATED.sub(" ", norm)) if (code := _FAULT_OF[w]))
    return Thing(objects, faults)


def _object_match(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def objects_match(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(_object_match(x, y) for x in a for y in b)


def faults_match(a: frozenset[str], b: frozenset[str]) -> bool:
    """Can these two fault sets describe one problem?"""
    sa, sb = a - {"broken"}, b - {"broken"}
    if sa and sb:
        return any(x == y or frozenset((x, y)) in _COMPATIBLE for x in sa for y in sb)
    # One side names only 坏了 (or nothing): fine unless the other is a condition of its own.
    only = sa or sb
    if not only:
        return True
    generic_side = a if not sa else b
    if not generic_side:
        return True  # no fault named at all: the objects decide
    return any(f not in CONDITIONS for f in only)
