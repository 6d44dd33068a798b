"""The command grammar: short Chinese commands, with slash forms as aliases.

``parse_command(text)`` returns a ``Command`` or None (then the text is free text
for the classifier). A bare word followed by text that does not look like its
arguments is *not* a command: "查询一下社保怎么交" is a resident's question.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# canonical name → (aliases, needs_number)
_COMMANDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "query": (("查询", "进度", "查进度"), True),
    "rate": (("评价",), True),
    "cancel": (("撤销", "撤回诉求"), True),
    "register": (("报到",), False),
    "tasks": (("任务", "任务列表", "待办"), False),
    "claim": (("接单", "接", "抢单"), True),
    "release": (("放弃",), True),
    "complete": (("完成",), True),
    "my_points": (("我的积分", "积分"), False),
    "passbook": (("我的存折", "存折", "爱心存折"), False),
    "leaderboard": (("积分榜", "排行榜"), False),
    "help": (("帮助", "help", "菜单", "?", "？"), False),
    "broadcast": (("广播",), False),
    "assign": (("派单",), True),
    "verify": (("验收",), True),
    "award": (("加分",), False),
    "deduct": (("扣分",), False),
    "confirm": (("确认",), False),
    "abort": (("取消",), False),
    "yes": (("是", "是的", "对", "登记"), False),
    # Lifecycle automation (issue 5)
    "schedule": (("定时", "定时通知"), False),
    "stats": (("统计",), False),
    # Members and points (issue 6)
    "review": (("审核",), False),
    "rules": (("积分规则", "积分细则"), False),
    "reverse": (("冲正",), True),
    "stars": (("星级评定",), False),
    "activity": (("活动",), False),
    "signup": (("报名",), True),
    "checkin": (("签到",), True),
    "wish": (("心愿", "微心愿"), False),
    "shop": (("积分超市",), False),
    "redeem": (("兑换",), True),
    "item": (("商品",), True),
    "collect": (("核销",), False),
}
# Commands that take no arguments must stand alone: "积分怎么算" is not "积分".
_STANDALONE = {"tasks", "my_points", "passbook", "shop", "help", "confirm", "abort", "yes"}

# Words no resident uses in passing: with malformed arguments they still get a usage reply.
_STRONG_WORDS = {"接单", "抢单", "放弃", "完成", "验收", "派单", "撤销", "评价", "冲正", "兑换", "报名", "签到"}

_ALIASES = sorted(
    ((alias, name) for name, (aliases, _) in _COMMANDS.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
_ALIAS_RE = re.compile(
    r"^(?P<slash>[/／])?\s*(?P<word>" + "|".join(re.escape(a) for a in dict(_ALIASES)) + r")"
    r"(?P<rest>(?:[\s#＃]|\d|$).*)$",
    re.S | re.I,
)
_CLAIM_SHORTHAND = re.compile(r"^#\s*(?P<n>\d{1,9})\s*(?:我来|我接|接单|接了|接)[!！。.]*$")
_NUMBER = re.compile(r"^#?\s*(\d{1,9})(?!\d)")


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    word: str  # the word as typed, for usage messages
    args: str  # everything after the command word, stripped
    slash: bool
    number: int | None = None  # leading ticket/item number, when present
    rest: str = ""  # args after the number


def normalize_command_text(text: str) -> str:
    # NFKC folds full-width digits, letters and '＃' into ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def parse_command(text: str) -> Command | None:
    text = normalize_command_text(text)
    if not text:
        return None
    short = _CLAIM_SHORTHAND.match(text)
    if short:
        return Command("claim", "接单", short["n"], False, int(short["n"]), "")
    match = _ALIAS_RE.match(text)
    if not match:
        return None
    word = match["word"]
    name = dict(_ALIASES)[word] if word in dict(_ALIASES) else dict(_ALIASES)[word.lower()]
    slash = bool(match["slash"])
    args = match["rest"].strip()
    needs_number = _COMMANDS[name][1]
    if name in _STANDALONE and args and not slash:
        return None
    number, rest = None, args
    num = _NUMBER.match(args)
    if num:
        number, rest = int(num.group(1)), args[num.end():].strip()
    if needs_number and not slash and args and num is None:
        # "查询一下…", "完成作业了吗": ordinary words, not a command.
        if not args.startswith("#") and word not in _STRONG_WORDS:
            return None
    return Command(name, word, args, slash, number, rest)


MENTION_RE = re.compile(r"@(\S+?)(?:[\s\u2005]|$)")


def strip_leading_mention(text: str, bot_names: tuple[str, ...] = ()) -> str:
    """Drop a leading "@bot " that platforms leave in the text of a mention."""
    for name in bot_names:
        for sep in ("\u2005", " ", "\u00a0"):
            prefix = f"@{name}{sep}"
            if text.startswith(prefix):
                return text[len(prefix):]
    return text
