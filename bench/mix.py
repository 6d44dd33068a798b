"""The synthetic message mix for bench.pipeline: who says what, in which room, in what proportion.

Deterministic for a seed. Ticket numbers in member and secretary commands are filled
in at send time from the bot's own replies (``State``), so claims hit open tickets.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

COMMUNITY = "xingfuli"
EAST, WEST, MEMBERS_ROOM = "room-east", "room-west", "room-members"
# The secretary sends the staff commands: /验收 of any ticket in the community is hers, while
# 周网格员 may act only on 东区's (bot/services/scope.py) and would be refused half the time.
SECRETARIES = ("sec-wang",)
DEMO_MEMBERS = ("mem-li", "mem-chen", "mem-liu")
EXTRA_MEMBERS = 9  # bench-mem-01.. joined to the demo community: 12 members in all
RESIDENTS_PER_ROOM = 150  # bench residents, registered by their first message

TARGETS = {"msgs_per_s": 1000.0, "p99_ms": 20.0, "ratio": 0.5, "peak_rss_mb": 200.0}

# --------------------------------------------------------------------------- the mix

_GREETINGS = [
    "早上好", "大家早上好", "早", "晚上好各位邻居", "下午好", "各位邻居新年好", "中秋快乐",
    "周末愉快", "早上好☀️", "🌹🌹🌹", "👍👍", "🙏", "[强][强]", "好的", "收到", "收到，谢谢",
    "收到！", "已收到", "明白", "知道了", "好的好的", "ok", "嗯嗯", "哈哈哈", "哈哈 笑死我了",
]
_THANKS = [
    "谢谢网格员", "谢谢李师傅，灯已经亮了", "感谢社区，辛苦了", "谢谢大家", "辛苦了辛苦了",
    "太感谢了，修得真快", "谢谢书记关心", "点赞👍 社区效率真高", "给志愿者们点赞",
]
_TALK = [
    "今天天气真好，适合晒被子", "有人一起去菜市场吗", "周末有人一起打球吗", "孩子放学了没",
    "楼下新开了家包子铺，味道不错", "我觉得今年年味比去年足", "谁家的猫跑丢了？在3号楼下",
    "捡到一串钥匙，放在物业前台了", "明天几点开会来着", "我家有多的花盆，谁要自取",
    "晚上广场舞几点开始", "刚才那个快递是谁的", "这周六社区有义诊吗？听说有", "下雨了，记得收衣服",
    "超市鸡蛋打折，速去", "老王你家孙子真可爱", "@所有人 明天停水检修，请提前储水",
    "招聘保洁 日结 加微信", "有没有人拼车去火车站", "今天的晚霞好美",
]
_FORWARD_HEAD = [
    "【转发】这些食物千万不能一起吃！", "【转】冬季养生小常识，建议收藏", "转发：防诈骗提醒，请告诉家里老人",
    "【重要通知】关于开展垃圾分类宣传周的通知", "【健康】医生提醒：每天走路多少步最合适",
]
_FORWARD_BODY = (
    "据有关专家介绍，日常生活中有很多细节需要大家注意。第一，饭后不要立即剧烈运动；"
    "第二，早睡早起，保持规律作息；第三，多喝水，少吃油腻食物；第四，经常开窗通风。"
    "另外，近期天气变化较大，老人和孩子要注意保暖，出门戴好帽子围巾。转给身边的人看看吧！"
)

# (category, problem) templates; "{loc}" is where the place goes (maybe nowhere).
_PROBLEMS = [
    ("repair", "{loc}楼道灯坏了好几天了，晚上黑漆漆的"),
    ("repair", "{loc}电梯又停了，老人爬不动楼"),
    ("repair", "{loc}下水道堵了，一股味"),
    ("repair", "{loc}水管爆了，家里淹了"),
    ("repair", "{loc}单元门禁坏了，门关不上"),
    ("repair", "{loc}停水一整天了，什么时候来水"),
    ("sanitation", "{loc}垃圾好几天没人收了，臭得不行"),
    ("sanitation", "{loc}楼道里堆满了杂物，没人清理"),
    ("sanitation", "{loc}地下室老鼠好多"),
    ("greening", "{loc}门口的树枝压着电线，挺悬的"),
    ("greening", "{loc}绿化带的树长虫了，能不能打打药"),
    ("traffic", "{loc}门口的路面坑越来越大，车都过不去"),
    ("traffic", "{loc}消防通道天天停满了车"),
    ("traffic", "{loc}井盖丢了，太危险了"),
    ("safety", "{loc}有人在楼道里给电动车充电，太危险了"),
    ("safety", "{loc}闻到一股煤气味，赶紧来人看看"),
    ("safety", "{loc}楼上有人高空抛物，差点砸到人"),
    ("dispute", "{loc}楼上天天半夜蹦迪，吵得睡不着"),
    ("dispute", "{loc}邻居家的狗整夜叫，受不了了"),
    ("care", "{loc}独居的老人好几天没出门了，麻烦去看看"),
    ("care", "{loc}家里老人行动不便，想申请上门理发"),
    ("health", "想问问{loc}附近哪里可以打疫苗"),
    ("legal", "想咨询一下医保怎么报销，找谁办"),
    ("legal", "工资被拖欠三个月了，想咨询一下怎么办"),
    ("property", "{loc}物业费乱收，有没有人管"),
    ("property", "物业服务太差了，{loc}电梯坏了都不修"),
    ("culture", "{loc}健身器材坏了，能不能修一下"),
    ("culture", "社区有没有给孩子的暑期托管班，在哪报名"),
]
_TAILS = ["", "", "，麻烦处理一下", "，能不能派人看看", "，谢谢", "！！", "，到现在没人管", "，请尽快"]
_NOTES = ["已更换灯泡", "已疏通", "已清理干净", "已联系物业处理", "已上门看望，老人一切安好",
          "已协调双方", "已修好", "已处理", "已现场查看并解决", ""]


@dataclass
class Slot:
    """One scripted message; ticket-dependent ones get their number when sent."""

    i: int
    kind: str  # chat | demand | tasks | claim | complete | my_points | leaderboard | verify | query
    sender: str
    room: str | None
    text: str = ""
    pick: float = 0.0  # a seeded choice among the candidates known at send time
    variant: int = 0


def _place(rnd: random.Random, room: str) -> str:
    building = rnd.choice((1, 2, 3) if room == EAST else (5, 6, 7))
    if rnd.random() < 0.05:
        building = 4  # a building the grid does not list
    unit, floor, door = rnd.randint(1, 4), rnd.randint(1, 18), rnd.randint(1, 4)
    form = rnd.random()
    if form < 0.25:
        return ""
    if form < 0.45:
        return f"{building}号楼"
    if form < 0.65:
        return f"{building}号楼{unit}单元"
    if form < 0.85:
        return f"{building}栋{unit}单元{floor}0{door}"
    return f"{building}-{unit}-{floor}0{door}"


def _chat_text(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.40:
        return rnd.choice(_GREETINGS)
    if r < 0.55:
        return rnd.choice(_THANKS)
    if r < 0.93:
        return rnd.choice(_TALK)
    return rnd.choice(_FORWARD_HEAD) + "\n" + _FORWARD_BODY * rnd.randint(1, 4)


def script(n: int, seed: int) -> list[Slot]:
    rnd = random.Random(seed)
    residents = [(f"bench-res-{room[5]}{k:03d}", room) for room in (EAST, WEST)
                 for k in range(1, RESIDENTS_PER_ROOM + 1)]
    members = list(DEMO_MEMBERS) + [f"bench-mem-{k:02d}" for k in range(1, EXTRA_MEMBERS + 1)]
    slots = []
    for i in range(n):
        r = rnd.random()
        if r < 0.80:
            who, room = rnd.choice(residents)
            if r < 0.60:
                slots.append(Slot(i, "chat", who, room, _chat_text(rnd)))
            else:
                category_problem = rnd.choice(_PROBLEMS)[1]
                text = category_problem.format(loc=_place(rnd, room)) + rnd.choice(_TAILS)
                slots.append(Slot(i, "demand", who, room, text, pick=rnd.random()))
        elif r < 0.95:
            kind = rnd.choices(("tasks", "claim", "complete", "my_points", "leaderboard"),
                               weights=(15, 35, 30, 12, 8))[0]
            room = MEMBERS_ROOM if rnd.random() < 0.8 else None
            slots.append(Slot(i, kind, rnd.choice(members), room, pick=rnd.random(),
                              variant=rnd.randrange(len(_NOTES) * 3)))
        else:
            kind = "verify" if rnd.random() < 0.6 else "query"
            room = None if rnd.random() < 0.5 else MEMBERS_ROOM
            slots.append(Slot(i, kind, rnd.choice(SECRETARIES), room, pick=rnd.random(), variant=rnd.randrange(3)))
    return slots


@dataclass
class State:
    """What the bot has done so far, read back from its replies."""

    max_number: int = 0
    open: list[int] = field(default_factory=list)
    claimed: dict[int, str] = field(default_factory=dict)  # number -> claimer
    done: list[int] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # residents the bot asked "要登记为诉求吗"
    outcomes: dict[str, int] = field(default_factory=dict)
    latencies_by_kind: dict[str, list[float]] = field(default_factory=dict)  # seconds, per kind sent

    def count(self, key: str) -> None:
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    @staticmethod
    def _take(items: list[int], pick: float) -> int:
        return items.pop(int(pick * len(items)))

    def bind(self, slot: Slot) -> tuple[str, str, str | None, int | None]:
        """(kind actually sent, sender, text, ticket number) for a slot."""
        kind, sender = slot.kind, slot.sender
        if kind == "demand" and sender in self.asked and slot.pick < 0.5:
            self.asked.discard(sender)
            return "yes", sender, "是", None
        if kind in ("chat", "demand"):
            return kind, sender, slot.text, None
        if kind == "claim":
            if not self.open:
                return "tasks", sender, "任务", None
            n = self._take(self.open, slot.pick)
            form = ("接单 {n}", "接 {n}", "#{n} 我来")[slot.variant % 3]
            return "claim", sender, form.format(n=n), n
        if kind == "complete":
            if not self.claimed:
                return "my_points", sender, "我的积分", None
            numbers = sorted(self.claimed)
            n = numbers[int(slot.pick * len(numbers))]
            sender = self.claimed.pop(n)  # the claimer reports it done
            note = _NOTES[slot.variant % len(_NOTES)]
            return "complete", sender, f"完成 {n} {note}".rstrip(), n
        if kind == "verify":
            if not self.done:
                kind = "query"
            else:
                n = self._take(self.done, slot.pick)
                return "verify", sender, f"/验收 {n} 通过", n
        if kind == "query":
            if not self.max_number:
                return "help", sender, "帮助", None
            n = 1 + int(slot.pick * self.max_number)
            return "query", sender, ("查询 {n}", "/查询 {n}", "进度 {n}")[slot.variant % 3].format(n=n), n
        return kind, sender, {"tasks": "任务", "my_points": "我的积分", "leaderboard": "积分榜"}[kind], None

    def update(self, kind: str, sender: str, number: int | None, texts: list[str]) -> None:
        from bot.replies import say

        if any(t == _INTERNAL for t in texts):
            self.count("internal_error")
        if kind in ("demand", "yes", "chat"):
            # Chatter the classifier takes for a demand opens a ticket too: track it.
            numbers = [int(m) for t in texts for m in _NUMBER.findall(t)]
            new = [n for n in numbers if n > self.max_number]
            if new:
                self.max_number = max(new)
                self.open.append(self.max_number)
                self.count(f"{kind}_ticket_opened")
            elif numbers:
                self.count(f"{kind}_ticket_merged")
            elif any(t.startswith(_ASK_PREFIX) for t in texts):
                self.asked.add(sender)
                self.count(f"{kind}_asked")
            else:
                self.count(f"{kind}_no_ticket" if texts or kind != "chat" else "chat_silent")
        elif kind == "claim":
            if say("ticket_claimed_ok", number=number) in texts:
                self.claimed[number] = sender
                self.count("claimed")
            else:
                self.count("claim_refused")
        elif kind == "complete":
            if say("ticket_done_ok", number=number) in texts:
                self.done.append(number)
                self.count("completed")
            else:
                self.count("complete_refused")
        elif kind == "verify":
            prefix = _prefix("ticket_verified_ok", "{claimer}").format(number=number)
            self.count("verified" if any(t.startswith(prefix) for t in texts) else "verify_refused")
        else:
            self.count(kind if texts else f"{kind}_silent")


_NUMBER = re.compile(r"#(\d+)")


def _prefix(key: str, before: str) -> str:
    from bot.replies import TEXT

    return TEXT[key].split(before)[0]


# How the bot's apology and its "shall I register it?" question begin (set by learn_reply_texts).
_INTERNAL = ""
_ASK_PREFIX = ""


def learn_reply_texts() -> None:
    global _INTERNAL, _ASK_PREFIX
    from bot.replies import say

    _INTERNAL = say("err_internal")
    _ASK_PREFIX = _prefix("demand_ask", "{minutes}")
