"""Named adjusters: the exceptions to plain word scoring, one small rule each.

``score()`` first counts the words (categories, requests, complaints, chat cues), then runs
``ADJUSTERS`` in order. Each adjuster looks at the normalised text and the scores so far,
changes them, and says whether it fired; the names of those that fired are kept in
``Scores.fired`` and shown (as ``规则:<label>``) in the evidence a secretary reads with 查询.
Every adjuster has its own table of tests in tests/nlp/test_adjusters.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nlp import danger
from nlp.lexicon import Lexicon

# A problem that was reported fixed comes back ("修好了又坏了").
_RELAPSE = re.compile(r"又(坏|不|堵|漏|停|没|开始|响|咯噔|咣当|晃|卡|冒|灭|黑|暗|断|跳|出问题|出毛病)"
                      r"|还是(不|没|漏|堵|坏|停|黑)|还没好|没修好|没好|还在漏|还(漏|堵|坏)|没解决|没办好|没办成")
# Weary resignation about a recurring fault ("又停水了，习惯了", "三天两头坏，见怪不怪").
_WEARY = re.compile(r"习惯了|见怪不怪|老样子|老毛病|家常便饭|三天两头|隔三差五|又来了|又双叒"
                    r"|第[二三四五六七八九十\d]+次了|无语了?|服了|醉了|呵呵")
_FAULT_AGAIN = re.compile(r"又|三天两头|隔三差五|老是|总是|天天|第[二三四五六七八九十\d]+次")
# Every match of _FAULT_AGAIN holds one of these characters.
_AGAIN_GATE = re.compile(r"[又三隔老总天第]")
_ADS_COMPLAINT = re.compile(r"发广告|广告太多|刷屏|骚扰|被骗|骗子|上当|骗局")
# "the notice never reached me" is not a notice.
_NOTICE_MISSED = re.compile(r"没收到|没看到|没接到|没通知")
# A planned outage announced ahead of time (a notice, or a question about one).
_SCHEDULED = re.compile(
    r"(明天|明日|后天|下周|本周|今晚\d|周[一二三四五六日天]|\d+月\d+[日号]|\d+号\d|将于|计划|预计)"
    r"[^。!?？]{0,16}(停水|停电|停气|停暖|检修|施工|断水|断电)"
)
# A question about when a planned outage starts or ends ("几点停水", "停电到几点").
_SCHEDULE_Q = re.compile(
    r"(几点|几号|哪天)(开始|才|能)?(停|来|恢复|供)|(停|来)(水|电|气|暖)[^。!?？]{0,4}(几点|到几点|几号|多久)"
)
# An outage that has already lasted, or an impatient 到底: not a planned one.
_LASTED = re.compile(r"(停|断|没)(了)?(电|水|气|暖)[^，。！？!?]{0,6}([\d]+|[一两三四五六七八九十半几]+)(个)?(多)?"
                     r"(小时|钟头|天|半天)(了|多了)|到底")
# A mobile number: with no emergency, a sign of an advert.
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)1[3-9]\d[x*]{4}")
# Thanks said through gritted teeth ("物业真是辛苦了", "真是谢谢了啊") about a problem.
_SARCASM_THANKS = re.compile(r"呵呵|真是太?(辛苦|谢谢|感谢)|(谢谢|感谢)[^,.!?，。！？ ]{0,3}了啊|可真(行|会|能)")
# Praise that means its opposite when a fault follows or precedes it ("物业真负责啊电梯坏三天了").
_SARCASM_PRAISE = re.compile(
    r"(真|可真|太|好|非常|相当)(负责|靠谱|给力|效率|厉害|棒|牛|行|能干|及时|贴心|周到|专业|有效率)"
    r"|效率(真|好|太)?高|服务(真|太)?(好|到位|周到)|(点|给你们点)个?赞|佩服|不愧是"
)
# Every match of _SARCASM_PRAISE holds one of these characters (a cheap test first).
_PRAISE_GATE = re.compile(r"[真太好非相效服赞佩愧]")
# A fault still there, which turns praise into sarcasm.
_FAULT = re.compile(r"坏|不亮|停水|停电|没水|没电|漏|堵|没人(管|修|收|来|处理|理)|没修|没来|拖了|还没"
                    r"|[一几两三四五六七八九十\d]+个?(天了|礼拜|星期|月)|半个月")
# Opening hours, and where/when a service is: a question, not a request for action.
_HOURS_Q = re.compile(
    r"(几点|什么时候|啥时候|哪天)(开门|关门|上班|下班|营业|办公|开放|开始办)"
    r"|(开门|上班|营业|办公|开放)(时间|到几点|几点)"
    r"|(周[六日末]|星期[六日天]|节假日|过年|国庆|中午)[^。!?？]{0,8}(上班|开门|办公|营业|开放)(吗|不|没)"
)
# Every match of _HOURS_Q holds one of these characters.
_HOURS_GATE = re.compile(r"[开班营办关]")
# A notice or a forward by its form: 【通知】, 转：, 温馨提示, a repost header.
_FORM = re.compile(
    r"\s*(?:(?P<notice>【[^】]{0,8}(通知|公告|提示|提醒|告知|启事)[^】]{0,4}】|温馨提示|温馨提醒|通知[:：]|公告[:：]|紧急通知"
    r"|(?:管家|物业|客服|前台|门岗)(?:提醒|通知)[:：])"  # staff writing to one household
    r"|(?P<forward>转[:：]|【?转发|\[?转\]|【转载?】|转自|fw[:：]|fwd[:：])"
    r"|(?P<tip>跟大家说|告诉大家|和大家说|给大家说|提醒一下|提醒下|分享一下|给大家分享|友情提示|友情提醒|顺便说一下|说一声))")
# A neighbour passing on a tip ("跟大家说一下…搬到…", "提醒一下…"): information, not an ask.


@dataclass
class Scores:
    categories: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)
    chat: dict[str, list[str]] = field(default_factory=dict)
    urgent: bool = False
    urgent_cat: str | None = None
    urgent_cues: list[str] = field(default_factory=list)
    scheduled: bool = False
    # thanks that only close a request ("…找个人来看看 谢谢你啊")
    polite_close: bool = False
    # the adjusters that fired, in order
    fired: list[str] = field(default_factory=list)
    # danger to a person now (nlp.danger kind), which only raises urgency
    danger: str | None = None
    # what the lexicon's one pass found of the urgency regexes' and the danger check's gate strings
    # (None: not collected, each finds its own)
    urgent_codes: set[int] | None = None
    danger_codes: set[int] | None = None
    gate_text: str = ""  # the text those codes are of (a pasted quote's reply is scored on its own)

    def codes_for(self, text: str) -> set[int] | None:
        """The danger gate's codes if they are of ``text``."""
        return self.danger_codes if self.gate_text == text else None

    # the strongest category's score (set once the words are counted)
    best: float = 0.0


@dataclass(frozen=True, slots=True)
class Adjuster:
    name: str
    label: str  # what 查询 shows
    apply: Callable[[str, Lexicon, Scores], bool]
    needs_chat: str | None = None  # run only when this chat group was found (a cheap skip)
    needs_urgent: bool = False  # run only on an urgent message


def sarcasm(t: str, lex: Lexicon, s: Scores) -> bool:
    """Thanks or praise about a fault that is still there: a complaint, not a thank-you."""
    if "resolved" in s.chat or s.best < 2.0:
        return False
    thanks = s.chat.get("thanks", [])
    gritted = bool(thanks) and bool(s.complaints) and _SARCASM_THANKS.search(t) is not None
    praise = (not gritted and _PRAISE_GATE.search(t) is not None and _SARCASM_PRAISE.search(t) is not None
              and _FAULT.search(t) is not None)
    if not (gritted or praise):
        return False
    s.chat.pop("thanks", None)
    rest = [w for w in s.chat.get("chatter", ()) if w != "呵呵"]
    if rest:
        s.chat["chatter"] = rest
    else:
        s.chat.pop("chatter", None)
    s.chat.pop("opinion", None)
    s.complaints.append("反讽")
    return True


def relapse(t: str, lex: Lexicon, s: Scores) -> bool:
    """"修好了又坏了": the fix did not hold, so the fault is open again."""
    if "resolved" in s.chat and _RELAPSE.search(t):
        del s.chat["resolved"]
        return True
    return False


# Luck that no one was hurt ("幸好当时没人"): said of a near miss, not of a fault put right.
_NEAR_MISS = frozenset({"幸好", "还好", "好在", "幸亏"})


def near_miss(t: str, lex: Lexicon, s: Scores) -> bool:
    """"瓷砖又掉了一块 幸好当时没人 能不能赶紧查一查": relief about a near miss, then an ask about a named
    thing, leaves the fault open; the luck is not the all-clear that "修好了" is."""
    words = s.chat.get("resolved", [])
    if not words or not s.requests or s.best < 2.0 or not set(words) <= _NEAR_MISS:
        return False
    del s.chat["resolved"]
    return True


# The water has gone down: what it left (mud, rubbish, a smell, something knocked over) is the report.
_RECEDED = frozenset({"水退了", "已经退了"})
_AFTERMATH = re.compile(r"淤泥|泥巴|烂泥|一层泥|垃圾|臭|发霉|消毒|(冲|泡|刮)(倒|坏|烂|塌)|清(理|扫|一清|一下)")


def aftermath(t: str, lex: Lexicon, s: Scores) -> bool:
    """"水退了，一楼门口全是淤泥，太阳一晒臭得很": a flood over is no all-clear when it left mud and
    rubbish behind; what it left is what the message reports."""
    words = s.chat.get("resolved", [])
    if not words or not set(words) <= _RECEDED:
        return False
    if _AFTERMATH.search(t) is None:
        return False
    del s.chat["resolved"]
    return True


def weary(t: str, lex: Lexicon, s: Scores) -> bool:
    """"又停水了，习惯了": resignation about a recurring fault is still a complaint about it."""
    if (s.best < 2.0 or "resolved" in s.chat or not _AGAIN_GATE.search(t) or not _FAULT_AGAIN.search(t)
            or not _WEARY.search(t)):
        return False
    for group in ("chatter", "opinion", "ack"):
        s.chat.pop(group, None)
    s.complaints.append("又")
    return True


def ads_complaint(t: str, lex: Lexicon, s: Scores) -> bool:
    """A complaint about adverts ("群里天天发广告") is not an advert."""
    if "ads" in s.chat and _ADS_COMPLAINT.search(t):
        del s.chat["ads"]
        return True
    return False


def notice_missed(t: str, lex: Lexicon, s: Scores) -> bool:
    """"停水了也没通知": the missing notice is the complaint."""
    if "notice" in s.chat and _NOTICE_MISSED.search(t):
        del s.chat["notice"]
        return True
    return False


# Asking the community to put something out ("请社区出个通知", "社区公众号能不能加个失物招领的栏目").
_ASK_TO_PUBLISH = re.compile(r"(?:请|能不能|能否|可不可以|可以|麻烦|建议|希望)[^，。？?!！]{0,12}"
                             r"(?:出|发|贴|加|开|登|立|装|设)[^，。？?!！]{0,6}"
                             r"(?:通知|公告|栏目|启事|告示|语音版|提醒)")


def asks_to_publish(t: str, lex: Lexicon, s: Scores) -> bool:
    """"请社区出个通知 提醒大家晚上别放鞭炮": the notice is what is asked for, not a notice."""
    if not s.requests or not _ASK_TO_PUBLISH.search(t):
        return False
    found = False
    for group in ("notice", "forward"):
        found |= s.chat.pop(group, None) is not None
    return found


# The whole message tells someone else whom to call ("赶紧报警", "打110啊", "找物业呗"): a reply to a
# neighbour's report, not a report; that report is the ticket.
_WHOM = r"(?:报警|报案|打12345|打市长热线|找物业|找社区|找网格员|找居委会|找村委会)"  # not 120/119: a cry for help
_ADVICE = re.compile(r"(?:那就|那|就|还不|赶紧|赶快|快点|快|直接|最好|建议|你|您|你们)+" + _WHOM + r"(?:吧|啊|呀|呗|啦|去)*[!！。.~～ ]*$"
                     r"|" + _WHOM + r"(?:吧|啊|呀|呗|啦|去)+[!！。.~～ ]*$")


def advice(t: str, lex: Lexicon, s: Scores) -> bool:
    """"赶紧报警": advice to a neighbour, answered by the ticket their own report opened."""
    if _ADVICE.fullmatch(t.strip()) is None:
        return False
    s.chat.setdefault("advice", []).append("劝告")
    return True


def notice_form(t: str, lex: Lexicon, s: Scores) -> bool:
    """【通知】, 温馨提示, 转：, a neighbour's tip: passing information on, not asking."""
    m = _FORM.match(t)
    if m is None or (m.group("forward") is None and _NOTICE_MISSED.search(t)):
        return False
    if m.group("notice") is not None:
        s.chat.setdefault("notice", []).append("通知格式")
    elif m.group("forward") is not None:
        s.chat.setdefault("forward", []).append("转发格式")
    elif not s.complaints:
        s.chat.setdefault("notice", []).append("邻里提示")
    else:
        return False
    return True


# A service asked of the community beside the hours ("需要社区开居住证明，去哪开？几点上班？"), or other hours
# ("能不能延长开放时间"): the ask is the point.
_SERVICE_ASK = re.compile(r"(开|出具|盖)[^，。？?,]{0,4}(证明|章)|需要社区|要社区|请社区"
                          r"|延长|推迟|晚点(锁|关)|早点开|提前开")  # asking to change the hours is an ask


def hours_question(t: str, lex: Lexicon, s: Scores) -> bool:
    """"服务中心周六几点开门": a question about opening hours, answered, not ticketed."""
    if s.complaints or not _HOURS_GATE.search(t) or not _HOURS_Q.search(t) or _SERVICE_ASK.search(t):
        return False
    s.chat.setdefault("question_notice", []).append("营业时间")
    return True


def scheduled(t: str, lex: Lexicon, s: Scores) -> bool:
    """A planned outage, announced or asked about ("明天8点停水", "几点来水"); not one that has already lasted
    a while ("停电一个多钟头了…到底几点来电"), which is a fault to chase."""
    if ("了" in t or "到底" in t) and _LASTED.search(t):
        s.chat.pop("question_notice", None)  # "到底几点来电" after hours without power: impatience, not a question
        return False
    # Substring tests first: every match of _SCHEDULED holds 停, 断, 检修 or 施工,
    # every match of _SCHEDULE_Q holds 几, 哪天 or 多久.
    s.scheduled = bool((("停" in t or "断" in t or "检修" in t or "施工" in t) and _SCHEDULED.search(t))
                       or (("几" in t or "哪天" in t or "多久" in t) and _SCHEDULE_Q.search(t)))
    return s.scheduled


def elsewhere(t: str, lex: Lexicon, s: Scores) -> bool:
    """News about a fire elsewhere, "it was only a drill", or a notice's advice on what to do in a fire: no
    emergency here (a staff notice is never a ticket)."""
    if s.urgent and ("forward" in s.chat or "reassure" in s.chat or "notice_form" in s.fired):
        s.urgent, s.urgent_cat = False, None
        return True
    return False


def tense(t: str, lex: Lexicon, s: Scores) -> bool:
    """An alarm word about the past or a game ("上礼拜着火了", "孩子玩游戏喊着火啦"): not urgent now."""
    if not s.urgent or not s.urgent_cues:
        return False
    if danger.not_now(t, s.urgent_cues, s.codes_for(t)):
        s.urgent, s.urgent_cat = False, None
        return True
    return False


# Water out of place outdoors (a road, a lawn, a puddle) and nothing about a home or a stairwell:
# a nuisance to report, not a flat flooding.
_OUTDOORS = re.compile(r"路上|路面|路中间|路当中|马路|道上|段路|草坪|草地|绿化带|水坑|弄堂|巷|广场|停车场|花坛|地头|田里|地里")
_INDOORS = re.compile(r"家(?![巷属长])|屋|室|厅|房间|楼道|楼梯|电梯|地下室|车库|配电|电箱|插座")
_WATER_CUE = re.compile(r"水|淹|漫|淌|喷|流")


def outdoor_water(t: str, lex: Lexicon, s: Scores) -> bool:
    """"喷头坏了 路上都淹了", "下雨全是水坑": water on a road or a lawn is not an emergency."""
    if s.urgent_cat != "repair" or not s.urgent_cues or not all(_WATER_CUE.search(c) for c in s.urgent_cues):
        return False
    if _OUTDOORS.search(t) is None or _INDOORS.search(t) is not None:
        return False
    s.urgent, s.urgent_cat = False, None
    return True


# How long a fault has gone on ("漏了半个月了", "已经喷了两三天了", "几个月没换水"), or that it keeps happening.
_FOR_DAYS = re.compile(r"(好几|几|两|三|四|五|半|一|\d+)(个多|个)?(天|星期|礼拜|周|月)(了|多了)|一直没(人)?(修|管)|好久了|很久了")
_OUTAGE_CUE = re.compile(r"停水|没水|断水|暖气|停暖|度")
# A running toilet or tap ("马桶一直漏水 哗哗地流") is a repair, unless the water spreads (淹, 满地, 楼下).
_FIXTURE = re.compile(r"马桶|水箱|冲水|水龙头|龙头")
_SPREAD = re.compile(r"淹|漫|全是水|满地|一地|到处|楼下|往下|喷|爆|崩|炸|裂")


def standing_leak(t: str, lex: Lexicon, s: Scores) -> bool:
    """"水龙头漏了半个月了 哗哗地流": water that has run for days is a repair to chase, not an emergency.
    An outage in extreme weather (its cue names the weather) stays urgent."""
    if s.urgent_cat != "repair" or not s.urgent_cues:
        return False
    if not all(_WATER_CUE.search(c) and not _OUTAGE_CUE.search(c) for c in s.urgent_cues):
        return False
    if _FOR_DAYS.search(t) is None and (_FIXTURE.search(t) is None or _SPREAD.search(t) is not None):
        return False
    s.urgent, s.urgent_cat = False, None
    return True


def phone_ad(t: str, lex: Lexicon, s: Scores) -> bool:
    """A mobile number with no emergency: likely an advert."""
    if not s.urgent and "1" in t and _PHONE.search(t):
        s.chat.setdefault("ads", []).append("phone")
        return True
    return False


def _forwarded(s: Scores) -> bool:
    """Passed on from elsewhere: the form of a forward, or two of its words. One word alone ("千万别开灯",
    "求扩散") is how people warn or ask for help in an emergency of their own."""
    words = s.chat.get("forward", ())
    return "转发格式" in words or len(set(words)) >= 2


def person_in_danger(t: str, lex: Lexicon, s: Scores) -> bool:
    """nlp.danger: a person in danger now. Only raises urgency, never lowers it."""
    if "reassure" in s.chat or _forwarded(s) or "notice_form" in s.fired:
        return False  # "别慌 是演练", news from elsewhere, a notice or a forward
    found = danger.check(t, s.codes_for(t))
    if found is None:
        return False
    s.danger = found.kind
    if not s.urgent:
        # the danger's own category only when the words name none ("老伴嘴歪了" is care; a burst pipe stays repair)
        s.urgent, s.urgent_cat = True, found.category if s.best < 3.0 else None
    elif s.urgent_cat is None:
        s.urgent_cat = found.category
    s.urgent_cues.append(found.cue)
    for group in ("notice", "forward", "reassure", "chatter", "opinion", "ack", "greeting", "ads"):
        s.chat.pop(group, None)
    return True


# "但", "不过": what follows the contrast is what the message is for.
_CONTRAST = re.compile(r"但是|但|不过|可是|只是|就是|就想|想问|另外|顺便")


def but_still(t: str, lex: Lexicon, s: Scores) -> bool:
    """"暖气恢复了 谢谢 但卧室那组还是不热 能不能来放放气": a fix or thanks, then a contrast and an ask
    about a named thing; the ask is what the message is for, not the all-clear before it."""
    words = s.chat.get("resolved", [])
    if not words or not s.requests or s.best < 1.0:
        return False
    m = _CONTRAST.search(t, min(t.find(w) for w in words) + 1)
    if m is None or not any(t.find(w, m.end()) >= 0 for w in s.requests):
        return False
    if any(t.find(w, m.end()) >= 0 for w in words):
        return False  # the all-clear comes after the contrast ("但现在好了")
    del s.chat["resolved"]
    s.chat.pop("thanks", None)
    return True


# Before urgency is decided (they shape the chat evidence and the schedule).
BEFORE_URGENCY: tuple[Adjuster, ...] = (
    Adjuster("sarcasm", "反讽", sarcasm),
    Adjuster("relapse", "又坏了", relapse, needs_chat="resolved"),
    Adjuster("near_miss", "险情未除", near_miss, needs_chat="resolved"),
    Adjuster("but_still", "但还要办", but_still, needs_chat="resolved"),
    Adjuster("aftermath", "水退后的善后", aftermath, needs_chat="resolved"),
    Adjuster("weary", "习惯性抱怨", weary),
    Adjuster("ads_complaint", "投诉广告", ads_complaint, needs_chat="ads"),
    Adjuster("notice_missed", "没收到通知", notice_missed, needs_chat="notice"),
    Adjuster("asks_to_publish", "请社区发通知", asks_to_publish),
    Adjuster("notice_form", "通知/转发", notice_form),
    Adjuster("advice", "劝人报警/找人", advice),
    Adjuster("hours_question", "营业时间提问", hours_question),
    Adjuster("scheduled", "计划停水停电", scheduled),
)
# After the lexicon's urgency cues: lowering rules first, the danger check last (it only raises).
AFTER_URGENCY: tuple[Adjuster, ...] = (
    Adjuster("elsewhere", "别处/演练", elsewhere, needs_urgent=True),
    Adjuster("tense", "过去/假设", tense, needs_urgent=True),
    Adjuster("outdoor_water", "室外积水", outdoor_water, needs_urgent=True),
    Adjuster("standing_leak", "长期漏水", standing_leak, needs_urgent=True),
    Adjuster("phone_ad", "电话广告", phone_ad),
    Adjuster("danger", "人身危险", person_in_danger),
)
LABELS = {a.name: a.label for a in BEFORE_URGENCY + AFTER_URGENCY} | {"quote": "引用"}


def run(adjusters: tuple[Adjuster, ...], t: str, lex: Lexicon, s: Scores) -> None:
    chat = s.chat
    for adj in adjusters:
        if (adj.needs_chat is not None and adj.needs_chat not in chat) or (adj.needs_urgent and not s.urgent):
            continue
        if adj.apply(t, lex, s):
            s.fired.append(adj.name)
