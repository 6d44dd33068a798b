"""The rules' result and the model's reading, combined; each covers the other's blind spots.

The rules decide unless they are unsure or silent; the model never overrides what the rules
are sure of:
- urgency: the model can raise it (a person in danger described without the usual word), only
  when it is confident and nothing in the text makes the danger past, feared or pretend; it
  never lowers it, and never touches a danger the rules found;
- demand: the model can turn chat or unsure into a demand when confident and no rule found a
  notice or forward by its form, a planned outage, news from elsewhere, a fixed fault or a question
  about opening hours (notice, advert or thanks words alone ask it to be surer); it can turn
  a weak demand into a question (unsure) only when very confident and nothing urgent is said;
- category: an explicit category word (a rule score of at least ``cat_strong``) wins; the model
  picks when the rules have none or only weak evidence, and breaks near ties between them.

When the rules are certain (``certain``) the model is not asked, and the evidence says ``模型:未用``.
What the model did is added to the evidence 查询 shows: ``模型:需求0.93`` and, when it
changed the decision, ``模型改判:需求`` / ``模型改判:类别`` / ``模型改判:紧急``.
The thresholds are tuned by cross-validation on the training sets (nlp/tune.py) and stored in the
model file; these are the defaults.
"""
from __future__ import annotations

from nlp import danger
from nlp.adjusters import Scores
from nlp.model import ModelView
from nlp.scoring import pick_category
from nlp.types import Classification

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
BLOCKING_CHAT = frozenset({"forward", "resolved", "reassure", "question_notice"})
# Chat words that also turn up in complaints ("整改通知贴了也没修", "有没有优惠"): the model needs more to overrule them.
DOUBTFUL_CHAT = frozenset({"notice", "ads", "thanks", "offer"})
MAX_EVIDENCE = 12
UNASKED = ("模型:未用",)  # the evidence of a result the rules were certain of
# The bands (nlp.classifier re-exports them): >= DEMAND_THRESHOLD opens a ticket, below ASK_THRESHOLD is chat.
DEMAND_THRESHOLD = 0.6
SHORT_TEXT = 8  # characters: below this the model does not doubt a rules demand (see decide)
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


def _category(rules: Classification, s: Scores, mv: ModelView,
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


def raise_urgency(s: Scores, mv: ModelView, text: str, th: dict[str, float]) -> bool:
    """The model's urgent guess, taken only when no rule says the danger is past, pretend or elsewhere."""
    return (not s.urgent and mv.urgent >= th["urgent"] and "tense" not in s.fired and "elsewhere" not in s.fired
            and not blocked(s) and not danger.unreal(text))


def combine(rules: Classification, s: Scores, mv: ModelView, text: str, th: dict[str, float]) -> Classification:
    intent, conf, change = decide(rules.intent, rules.confidence, s, mv.demand, th, len(text) <= SHORT_TEXT)
    changed = [change] if change else []
    tags = [f"模型:需求{mv.demand:.2f}"]
    if intent == "chat":
        ev = rules.evidence if rules.intent == "chat" else ()
        return Classification("chat", None, None, conf, rules.building, rules.unit, rules.room,
                              _with(ev, tags, changed))
    category, evidence, model_cat = _category(rules, s, mv, th)
    if model_cat:
        changed.append("类别")
    if s.urgent and s.urgent_cues and rules.category is None:
        evidence = tuple(dict.fromkeys(evidence + tuple(s.urgent_cues)))
    urgent = s.urgent
    if raise_urgency(s, mv, text, th):
        urgent = True
        changed.append("紧急")
    if mv.asked_category:
        tags.append(f"模型:类别{category}{mv.categories().get(category, 0.0):.2f}")
    tags.append(f"模型:紧急{mv.urgent:.2f}")
    if not changed and rules.intent != "chat" and intent == rules.intent:
        return Classification(intent, rules.category, rules.urgency, conf, rules.building, rules.unit,
                              rules.room, _with(rules.evidence, tags, changed))
    return Classification(intent, category, "urgent" if urgent else "normal", conf, rules.building, rules.unit,
                          rules.room, _with(evidence, tags, changed))


def _with(evidence: tuple[str, ...], tags: list[str], changed: list[str]) -> tuple[str, ...]:
    extra = tuple(tags) + tuple(f"模型改判:{c}" for c in changed)
    return evidence[:MAX_EVIDENCE] + extra
