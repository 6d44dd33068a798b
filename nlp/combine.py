"""The rules' result and the model's reading, combined; each covers the other's blind spots.

With a learned combiner in the model file (nlp/stack.py, the checked-in model has one):
- demand: the combiner's demand head weighs the rules' confidence and findings against the model's
  probability (``decide_stacked``). It cannot cross these guards: a person in danger is a demand; a
  rules demand of PROTECTED_CHARS or fewer, an urgent one or a complaint rule's reading stays one; an
  alarm the rules read is at worst asked about; a short text the rules found nothing in (a bare place)
  stays what the rules said; a notice or forward by its form never reaches the model;
- category: the combiner's category head, unless one explicit word names the rules' pick and the
  combiner is less than ``th_explicit`` sure, or the text is too short for the model;
- urgency: as below (the model raises, never lowers), and only in categories that have emergencies,
  never for an outage or a standing hazard alone.

Without one (a model trained with ``--no-tune``, or a test's fake), the hand-set precedence: the rules
decide unless they are unsure or silent; the model never overrides what the rules are sure of:
- urgency: the model can raise it (a person in danger described without the usual word), only
  when it is confident and nothing in the text makes the danger past, feared or pretend; it
  never lowers it, and never touches a danger the rules found;
- demand: the model can turn chat or unsure into a demand when confident and no rule found a
  notice or forward by its form, a planned outage, news from elsewhere, a fixed fault or a question
  about opening hours (notice, advert or thanks words alone ask it to be surer); it can turn
  a weak demand into a question (unsure) only when very confident and nothing urgent is said;
- category: an explicit category word (a rule score of at least ``cat_strong``) wins; the model
  picks when the rules have none or only weak evidence, and breaks near ties between them;
  and when the rules are certain (``certain``) the model is not asked (evidence ``模型:未用``).

What was decided is added to the evidence 查询 shows: ``模型:需求0.93``, ``合并:类别repair0.88`` and,
when the decision changed, ``模型改判:需求|类别|紧急|待确认|闲聊``. The thresholds are tuned by
cross-validation on the training sets (nlp/tune.py) and stored in the model file; these are the defaults.
"""
from __future__ import annotations

import math
import re

from nlp import danger
from nlp.adjusters import Scores
from nlp.lexicon import CATEGORIES
from nlp.scoring import pick_category
from nlp.stack import Stack
from nlp.types import Classification, Reading

DEFAULT_THRESHOLDS: dict[str, float] = {
    "up": 0.8,  # chat -> demand
    "up_doubtful": 1.01,  # chat or unsure -> demand despite notice, advert or thanks words (1.01: never)
    "unsure_up": 0.6,  # unsure -> demand
    "unsure_down": 0.1,  # unsure -> chat
    "down": 0.03,  # weak demand -> unsure
    "weak": 0.8,  # a rules demand below this confidence is weak
    "sure": 0.9,  # a rules demand this confident with an explicit category word: the model is not asked
    "urgent": 0.85,  # normal -> urgent
    "cat_strong": 2.0,  # a rules category score this high is an explicit word
    "cat_p": 0.5,  # the model's category is taken when at least this sure
    "tie": 0.5,  # rules categories this close are a tie the model breaks
}

# Rules that say the message passes something on or closes something: the model cannot make it a demand.
BLOCKING_RULES = frozenset({"notice_form", "hours_question", "scheduled", "elsewhere"})
# Rules that read a fault into words that look like chat (sarcasm, "fixed but broken again"): the model cannot undo them.
COMPLAINT_RULES = frozenset({"sarcasm", "relapse", "weary", "ads_complaint", "notice_missed"})
BLOCKING_CHAT = frozenset({"forward", "resolved", "reassure", "question_notice", "advice"})
# Chat words that also turn up in complaints ("整改通知贴了也没修", "有没有优惠"): the model needs more to overrule them.
DOUBTFUL_CHAT = frozenset({"notice", "ads", "thanks", "offer"})
MAX_EVIDENCE = 12
UNASKED = ("模型:未用",)  # the evidence of a result the rules were certain of
# The bands (nlp.classifier re-exports them): >= DEMAND_THRESHOLD opens a ticket, below ASK_THRESHOLD is chat.
DEMAND_THRESHOLD = 0.6
SHORT_TEXT = 8  # characters: below this the model does not doubt a rules demand (see decide)
# A formal ask put to the staff ("请安排清运。", "恳请物业说明…"): short letters the model, which reads
# the full stop and the formal words as a notice's, is sure are chat (stop 31: 0.06-0.28 on the new writer cr's).
FORMAL_ASK = ("请社区", "请物业", "请网格员", "请派", "请安排", "请尽快", "请保安", "请调解员", "请转告", "请协助",
              "请加强", "请劝导", "请核实", "请相关部门", "恳请")
PROTECTED_CHARS = 15  # the same for the combiner's demand head (see decide_stacked)
ASK_DOUBT = 0.1  # the combiner's demand probability below which a rules demand or question is chat
ASK_THRESHOLD = 0.4


def certain(rules: Classification, s: Scores, th: dict[str, float]) -> bool:
    """The rules are sure: a confident demand with one explicit category word on top, or an urgent danger.

    The model could change nothing here but its own guess of urgency, so it is not asked (it costs time)."""
    if rules.intent != "demand" or rules.confidence < th["sure"]:
        return False
    if s.urgent and s.urgent_cat:
        return True  # the danger's own category, and urgency can only stay
    top = s.best
    return top >= th["cat_strong"] and sum(1 for k, v in s.categories.items() if v >= top and k[0] != "_") == 1


def blocked(s: Scores) -> bool:
    """A rule found the message passes something on or closes something (several notice words: a staff
    notice; several advert words: an advert)."""
    return (bool(BLOCKING_RULES.intersection(s.fired)) or s.scheduled or bool(BLOCKING_CHAT.intersection(s.chat))
            or len(set(s.chat.get("notice", ()))) >= 2 or len(set(s.chat.get("ads", ()))) >= 2)


def unasked(rules: Classification, s: Scores, th: dict[str, float]) -> bool:
    """The model is not asked: it could not or would not change the rules' result."""
    return (rules.intent == "chat" and (blocked(s) or only_chat(s))) or certain(rules, s, th)


def only_chat(s: Scores) -> bool:
    """Chat words and nothing else: no category word, request, complaint or alarm ("收到", "哈哈哈 笑死").

    None of the training messages like this is a demand, and the model turned none of them into one."""
    return bool(s.chat) and s.best == 0 and not (s.requests or s.complaints or s.urgent or s.danger)


def _category(rules: Classification, s: Scores, mv: Reading,
              th: dict[str, float]) -> tuple[str, tuple[str, ...], bool]:
    """The category, its evidence, and whether the model chose it over the rules."""
    if rules.category is not None:
        rules_cat, evidence = rules.category, rules.evidence
    else:
        rules_cat, evidence = pick_category(s)
    if s.urgent_cat:
        return rules_cat, evidence, False  # the danger's own category
    cats = {k: v for k, v in s.categories.items() if not k.startswith("_")}
    top = max(cats.values(), default=0.0)
    if top >= th["cat_strong"]:
        near = [c for c, v in cats.items() if v >= top - th["tie"]]
        if len(near) < 2:
            return rules_cat, evidence, False
        probs = mv.categories()
        pick = max(near, key=lambda c: probs.get(c, 0.0))  # a tie between explicit words
    else:
        pick = mv.category()[0]
    if mv.categories().get(pick, 0.0) < th["cat_p"] or pick == rules_cat:
        return rules_cat, evidence, False
    return pick, tuple(s.evidence.get(pick, ())) + evidence[len(s.evidence.get(rules_cat, ())):], True


# Out of fold, keeping the rules' explicit word when the combiner is less sure than this cost nothing
# of macro-F1; it keeps the taxonomy's own placements (井盖 is traffic, 健身器材 culture) on short texts.
th_explicit = 0.5


def _explicit(s: Scores) -> str | None:
    """The one category an explicit word (rule score of 3 or more) names, if exactly one does."""
    strong = [k for k, v in s.categories.items() if v >= 3.0 and k[0] != "_"]
    return strong[0] if len(strong) == 1 else None


def _stacked_category(rules: Classification, s: Scores, mv: Reading, stack: Stack,
                      short: bool = False) -> tuple[str, tuple[str, ...], bool, float]:
    """The combiner's category, its evidence, whether it differs from the rules' pick, and its probability.
    A short text ("煤气表不走了") with a category word keeps the rules' pick: the model reads too few grams."""
    if rules.category is not None:
        rules_cat, evidence = rules.category, rules.evidence
    else:
        rules_cat, evidence = pick_category(s)
    pick, p = stack.category(s, mv, rules_cat)
    if pick == rules_cat:
        return rules_cat, evidence, False, p
    if (p < th_explicit and rules_cat in (_explicit(s), s.urgent_cat)) or (short and s.best >= 1.0):
        return rules_cat, evidence, False, p  # one explicit word the taxonomy places, and the combiner unsure
    return pick, tuple(s.evidence.get(pick, ())) + evidence[len(s.evidence.get(rules_cat, ())):], True, p


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def intent_features(conf: float, p: float, s: Scores, short: bool, category: str | None) -> list[float]:
    """What the combiner's demand head reads: both confidences, what the rules found, and the rules'
    category (a theft or a fire told as news is still more often a demand than a tip about a class)."""
    return [_logit(conf), _logit(p), float(blocked(s)), float(only_chat(s)), float(short), float(s.urgent),
            float(s.danger is not None), float(bool(COMPLAINT_RULES.intersection(s.fired))),
            float(min(len(s.requests), 3)), min(s.best, 7.0), float(bool(s.chat))] + [
        1.0 if category == k else 0.0 for k in CATEGORIES]


def decide_stacked(intent: str, conf: float, s: Scores, p: float, stack: Stack,
                   chars: int, category: str | None) -> tuple[str, float, str | None]:
    """The demand decision by the combiner's demand head. A person in danger is a demand; so stays a
    rules demand that is urgent, a complaint rule's reading (sarcasm, "fixed but broken again") or a
    short text ("树倒下了 压着车了": the model reads too few grams to doubt it) or one that names a thing and
    asks twice ("马桶水一直流 … 帮我找个人来看看"; 841 training rows, 5 of them chat). Out of fold these
    guards cost 0.004 of precision and nothing of recall."""
    if intent == "chat" and chars <= PROTECTED_CHARS and not (s.best or s.requests or s.complaints or s.urgent):
        return intent, conf, None  # a short text the rules found nothing in ("6号楼2单元", "3号楼的"): a reply
    q = stack.demand(intent_features(conf, p, s, chars <= SHORT_TEXT, category))
    guarded = (chars <= PROTECTED_CHARS or s.urgent or COMPLAINT_RULES.intersection(s.fired)
               or (conf >= 0.85 and len(s.requests) >= 2 and s.best >= 2.0)  # a thing and a plain ask
               or (conf >= 0.9 and any(r.startswith(FORMAL_ASK) for r in s.requests)))
    if s.danger or (intent == "demand" and guarded):
        q = max(q, stack.demand_threshold)
    # What the rules read as a demand or a question and the head doubts is asked about (the bot asks
    # before it opens a ticket) unless the head is sure it is chat; the ask band does not touch
    # demand precision or recall, only how often the bot asks.
    ask = stack.ask_threshold if intent == "chat" else ASK_DOUBT
    got = "demand" if q >= stack.demand_threshold else "unsure" if q >= ask else "chat"
    if got == "chat" and s.urgent and intent != "chat":
        got = "unsure"  # an alarm word the rules believe: ask, never drop it silently
    if got == intent:
        return intent, conf, None
    label = {"demand": "需求", "unsure": "待确认", "chat": "闲聊"}[got]
    if got == "demand":
        return got, max(q, DEMAND_THRESHOLD), label
    if got == "unsure":
        return got, min(max(q, ASK_THRESHOLD), DEMAND_THRESHOLD - 0.01), label
    return got, min(q, ASK_THRESHOLD - 0.01), label


def decide(intent: str, conf: float, s: Scores, p: float, th: dict[str, float],
           short: bool = False) -> tuple[str, float, str | None]:
    """The demand decision: (intent, confidence, what the model changed or None). A ``short`` text
    (SHORT_TEXT characters or fewer: 暖气不热, 电梯响得厉害) gives the model too few grams to doubt a
    fault the rules read in it, so it is not turned to unsure."""
    if intent != "demand" and not blocked(s):
        if DOUBTFUL_CHAT.intersection(s.chat):
            flip = p >= th["up_doubtful"]
        else:
            flip = p >= th["up"] or (intent == "unsure" and p >= th["unsure_up"])
        if flip:
            return "demand", max(conf, p, DEMAND_THRESHOLD), "需求"
    if s.urgent or s.danger or COMPLAINT_RULES.intersection(s.fired):
        return intent, conf, None
    if intent == "unsure" and p <= th["unsure_down"]:
        return "chat", min(conf, ASK_THRESHOLD - 0.01), "闲聊"
    if intent == "demand" and conf < th["weak"] and p <= th["down"] and not short:
        return "unsure", max(ASK_THRESHOLD, min(conf, DEMAND_THRESHOLD - 0.01)), "待确认"
    return intent, conf, None


# Categories whose emergencies the taxonomy names (fire, gas, a person fallen or trapped, flooding, a
# collapse, a fallen tree, a hole in the road). A quarrel turns urgent only by violence, which the rules
# read; rubbish, fees, classes or advice never do. Out of fold every raise the model made in the
# other categories was a false alarm ("孩子刚睡着 楼上就开始蹦迪", a smell from the bins).
MODEL_URGENT_CATEGORIES = frozenset({"repair", "safety", "care", "health", "greening", "traffic"})
# ...unless the model is this sure: then the category is more likely wrong than the emergency (a man dragging a
# child to a car read as a dispute, a heart stopping by the fitness corner as culture). Out of fold on the
# training rows (stop 31, 29,654 rows) the raises outside those categories were 60 right and 9 wrong at 0.9,
# 52 and 7 at 0.95, which keeps "我被锁在门外了 孩子在屋里睡觉" (0.91) a locksmith's job.
SURE_URGENT = 0.95
# An outage is urgent only for a whole building in extreme weather, which the rules read (the
# lexicon's weather cue) or a person depending on power (nlp.danger); a flat without water is not.
# A standing hazard the taxonomy files as safety, not as an emergency (e-bikes charged in a stairwell,
# a blocked fire lane): with no fire or smoke, which the rules read, the model's guess is not taken.
_HAZARD = re.compile(r"充电|飞线|拉(了)?(根|条)线|拉线(充|下来)|消防通道|安全出口|楼道堆|堆放杂物")
# A piece of furniture broken ("椅子腿断了"): its body-part words are the furniture's, not a person's.
_FURNITURE = re.compile(r"(椅子|桌子|凳子|柜子|沙发|床)(腿|脚|面)?[^，。！？,.!?]{0,2}(断了|摔坏|坏了|散架|裂了)")
# Keys locked in, lost or forgotten with no one at risk named ("钥匙被锁在屋里了 门打不开", 0.96 in the simulator,
# stop 33): a locksmith's job. In the training rows every such message is normal; a child in the car, an old woman
# locked out in the frost or a pot on the stove names the person or the danger and is not held back.
_KEYS_OUT = re.compile(r"钥匙[^，。！？,.!?]{0,4}(锁在|锁屋|锁家|锁车|落在|落屋|忘在|丢了|掉了|找不到|没带|反锁在)"
                       r"|(忘|没)带钥匙|锁(在)?门外")
_AT_RISK = re.compile(r"孩子|小孩|宝宝|娃|伢|婴儿|老人|老太|老头|大爷|大妈|婆婆|奶奶|爷爷|阿姨|妈|爸|病人|人在"
                      r"|冻|火|煤气|燃气|烟|水|晕|摔|血")
# A lift out of service with no one said to be inside: the rules read a person trapped (nlp.danger), the model's guess is not taken.
_LIFT_DOWN = re.compile(r"电梯[^。！？!?]{0,6}(坏|停|不动|趴窝|罢工|故障|不能用|不走)")
_INSIDE = re.compile(r"困|关|卡|里面|里头|有人|孩子|老人")
# Help already called, in a short message that says nothing else ("我报警了，警察说马上到"): an update
# on an emergency already reported, not a new one.
# A drip or seep and nothing worse: a slow leak is a repair, however the model reads 滴水 (stop 31's retrain,
# after a writer's hundred and seventy weather hazards, put "卫生间天花板一直在滴水" at 0.49). It becomes an
# emergency when it speeds up, runs in a line, covers the floor, bulges the ceiling or meets electricity.
_DRIP = re.compile(r"滴水|渗水|滴答|往下滴|滴到|渗到|洇|在滴")
_DRIP_WORSE = re.compile(r"越(滴|渗|漏)越|越来越(大|多|快)|成线|都是水|一地水|积了|鼓(了|起)|掉|破|塌|电|插座|灯|漫|淹"
                         r"|哗哗|喷|涌|冲|没过|泡")
_HELP_CALLED = re.compile(r"报警了|已报警|已经报警|打了?(119|110|120)了|已经打了?(119|110|120)|(警察|民警|消防|救护车)(说)?马上(就)?到")
# A fall that left a bruise or a swelling ("摔了个跟头 腿肿了"): a person to look after, not an emergency;
# the model's urgent guess is not taken (the rules still read a fall with no getting up).
_MINOR_INJURY = re.compile(r"(摔|跌|磕|碰|崴)[^。！？!?]{0,10}(肿了|破皮|擦伤|擦破|青了|紫了|淤青|青一块|起包|鼓包)")
_SERIOUS = re.compile(r"血|(?<!跟)(?<!骨)头|脑|额|昏|晕|起不来|动不了|爬不")  # a head hit, blood, no getting up
# 着了 that is not a fire ("孩子刚睡着了", "找着了", "着了凉"): the model's grams read it as one (0.96 on
# "孩子刚睡着了 楼上就开始蹦迪"), so its urgent guess is not taken on these.
_ZHAO_LE = re.compile(r"睡着|(?<!没)(?<!没有)找着|着了?凉")  # 还没找着 is the lost person still lost
HELP_UPDATE_CHARS = 20  # longer, the message tells the emergency itself, whoever has been called
# (断电 asked for, "快通知供电所断电" by a wire in the water, is not an outage)
_OUTAGE = re.compile(r"停水|没水|断水|不来水|停电(?![动瓶]车)|(?<!手机)(?<!手机快)没电"
                     r"|(?<!供电所)(?<!供电局)(?<![先快去])(?<!赶紧)(?<!马上)(?<!立即)断电"
                     r"|停暖|没暖气|暖气[^。！？!?]{0,6}(不热|凉)|停气")


# ...unless a whole building or more is cut off, which the taxonomy counts as urgent, and the model is fairly sure:
# out of fold on the training rows (stop 33) its guesses of 0.8 or more on those were 3 right and 1 wrong (胰岛素 in
# a fridge); below, a block gone dark with no weather or person at risk ("整栋楼都黑了 是不是跳闸了", 0.72) stays normal.
_WHOLE_AREA = re.compile(r"整栋|整幢|全楼|整个楼|整楼|全栋|整个小区|全小区|整个单元|全村|整个村|成条村|几栋楼|整片")
WHOLE_AREA_SURE = 0.8


def raise_urgency(s: Scores, mv: Reading, text: str, th: dict[str, float], category: str | None = None) -> bool:
    """The model's urgent guess, taken only when no rule says the danger is past, pretend or elsewhere,
    only for a demand in a category that has emergencies, and not on a text of SHORT_TEXT characters or
    fewer ("广告牌倒下了"): out of fold the model raised none of those rightly."""
    return (not s.urgent and len(text) > SHORT_TEXT and mv.urgent >= th["urgent"]  # too few grams to judge
            and "tense" not in s.fired and "elsewhere" not in s.fired
            and (category is None or category in MODEL_URGENT_CATEGORIES or mv.urgent >= SURE_URGENT)
            and (_OUTAGE.search(text) is None or (mv.urgent >= WHOLE_AREA_SURE and _WHOLE_AREA.search(text) is not None))
            and _HAZARD.search(text) is None
            and (_KEYS_OUT.search(text) is None or _AT_RISK.search(text) is not None) and _FURNITURE.search(text) is None
            and _ZHAO_LE.search(text) is None
            and (_DRIP.search(text) is None or _DRIP_WORSE.search(text) is not None)
            and (len(text) > HELP_UPDATE_CHARS or _HELP_CALLED.search(text) is None)
            and (_MINOR_INJURY.search(text) is None or _SERIOUS.search(text) is not None)
            and (_LIFT_DOWN.search(text) is None or _INSIDE.search(text) is not None)
            and not blocked(s) and not danger.unreal(text, s.codes_for(text)))


def combine(rules: Classification, s: Scores, mv: Reading, text: str, th: dict[str, float],
            stack: Stack | None = None) -> Classification:
    short = len(text) <= SHORT_TEXT
    if stack is not None and stack.has_demand:
        intent, conf, change = decide_stacked(rules.intent, rules.confidence, s, mv.demand, stack, len(text),
                                              rules.category)
    else:
        intent, conf, change = decide(rules.intent, rules.confidence, s, mv.demand, th, short)
    changed = [change] if change else []
    tags = [f"模型:需求{mv.demand:.2f}"]
    if intent == "chat":
        ev = rules.evidence if rules.intent == "chat" else ()
        return Classification("chat", None, None, conf, rules.building, rules.unit, rules.room,
                              _with(ev, tags, changed))
    if stack is None:
        category, evidence, model_cat = _category(rules, s, mv, th)
        if mv.asked_category:
            tags.append(f"模型:类别{category}{mv.categories().get(category, 0.0):.2f}")
    else:
        category, evidence, model_cat, p = _stacked_category(rules, s, mv, stack, short)
        tags.append(f"合并:类别{category}{p:.2f}")
    if model_cat:
        changed.append("类别")
    if s.urgent and s.urgent_cues and rules.category is None:
        evidence = tuple(dict.fromkeys(evidence + tuple(s.urgent_cues)))
    urgent = s.urgent
    if raise_urgency(s, mv, text, th, category):
        urgent = True
        changed.append("紧急")
    tags.append(f"模型:紧急{mv.urgent:.2f}")
    if not changed and rules.intent != "chat" and intent == rules.intent:
        return Classification(intent, rules.category, rules.urgency, conf, rules.building, rules.unit,
                              rules.room, _with(rules.evidence, tags, changed))
    return Classification(intent, category, "urgent" if urgent else "normal", conf, rules.building, rules.unit,
                          rules.room, _with(evidence, tags, changed))


def _with(evidence: tuple[str, ...], tags: list[str], changed: list[str]) -> tuple[str, ...]:
    extra = tuple(tags) + tuple(f"模型改判:{c}" for c in changed)
    return evidence[:MAX_EVIDENCE] + extra
