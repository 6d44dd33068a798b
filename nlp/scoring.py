"""Scoring: category evidence, chat evidence, urgency and the demand confidence.

All functions are pure; they take normalised text, jieba tokens and the lexicon.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from nlp import adjusters, quotes
from nlp.adjusters import Scores
from nlp.lexicon import CATEGORIES, DANGER_GATE, URGENT_GATE, Lexicon
from nlp.matchers import Span

# The jieba cut: text -> its words, in order.
Segmenter = Callable[[str], Iterable[str]]

SCORE_CHARS = 500  # only this much normalised text is scored (bounded work)

# A keyword right after one of these is a worry, not a report: it counts half.
_CAT_HYPO = re.compile(r"(万一|要是|如果|假如|担心|生怕|怕)[^,.!?，。！？ ]{0,3}$")
_CAT_HYPO_ANY = re.compile(r"万一|要是|如果|假如|担心|怕")
_EXCLAIM = re.compile(r"!|！|快")
_QUESTION_SELF = ("是不是", "是没是", "有没有")
_DRILL = re.compile(r"演练|演习|培训|讲座|知识|宣传")


def _preceded(text: str, start: int, words: tuple[str, ...], window: int = 3) -> bool:
    head = text[max(0, start - window - 1):start]
    for w in words:
        i = head.rfind(w)
        if i >= 0 and i + len(w) >= len(head) - (window - len(w)) and i + len(w) >= len(head) - 1:
            return True
    return False


def _negated(text: str, start: int, lex: Lexicon) -> bool:
    head = text[max(0, start - 4):start]
    if head.endswith(_QUESTION_SELF) or head.endswith("不是不"):
        return False
    return head.endswith(lex.negators)


def _hypothetical(text: str, start: int, lex: Lexicon) -> bool:
    head = text[max(0, start - 6):start]
    if head.endswith("真"):
        return True
    return lex.hypothetical_re is not None and lex.hypothetical_re.search(head) is not None


# jieba segments each run of these characters on its own (its re_han_default).
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


def _single_hits(t: str, covered: bytearray, lex: Lexicon, segment: Segmenter,
                 found: list[Span] | None = None) -> list[str]:
    """Single-character keywords that jieba yields as whole words (``found``: where they are, when the
    lexicon's one pass already found them).

    Only characters not already inside a longer keyword need a look, and jieba
    runs only on the blocks that hold them: it cuts every block on its own, so
    the tokens are the same as for the whole text, at a fraction of the work.
    """
    if found is not None:
        idx = [start for start, _, _ in found if not covered[start]]
    elif lex.single_re is None:
        return []
    else:
        idx = [m.start() for m in lex.single_re.finditer(t) if not covered[m.start()]]
    if not idx:
        return []
    out: list[str] = []
    end = -1
    for i in idx:
        if i < end:
            continue
        m = _JIEBA_BLOCK.match(t, i)
        if m is None:
            continue
        lo = i
        while lo > 0 and _JIEBA_BLOCK.match(t, lo - 1, lo):
            lo -= 1
        end = m.end()
        prev = t[max(0, lo - 3):lo].rstrip()
        for tok in segment(t[lo:end]):
            if len(tok) == 1 and tok in lex.single and not prev.endswith(lex.negators):
                out.append(tok)
            if not tok.isspace():
                prev = tok
    return out


# A named broken thing (repair at least this strong) outweighs words that only say who suffers.
_BROKEN = 3.0


def _broken_thing_first(cats: dict[str, float], ev: dict[str, list[str]], lex: Lexicon) -> None:
    """"电梯坏了，老人下不了楼" asks for a repair; the elderly are the impact, not the request.

    Per the taxonomy the category follows the action asked for: when care rests only on
    impact words and a broken thing is named, care counts half.
    """
    care = ev.get("care")
    if care and cats.get("repair", 0.0) >= _BROKEN and set(care) <= lex.impact_words:
        cats["care"] *= 0.5


def score(text: str, segment: Segmenter, lex: Lexicon) -> Scores:
    """Score normalised text; ``segment(str) -> list[str]`` is the jieba cut.

    A pasted quote (「名字：原文」 - - - reply) is scored as its reply: "+1" and the like take the
    quoted problem as theirs; a that complains or asks but names no thing takes the quote's; any other reply ("好的",
    "收到", or one about a thing of its own) is what it is, whatever the quote was about."""
    t = text[:SCORE_CHARS]
    pasted = quotes.split(t) if t.startswith("「") else None
    if pasted is None:
        return _score(t, segment, lex)
    quote, reply = pasted
    if quotes.me_too(reply):
        s = _score(quote, segment, lex)
    elif quotes.me_too_first(reply):
        s = _score(f"{quote} {reply}", segment, lex)  # "+1 我们这边也是，苍蝇到处飞"
    else:
        s = _score(reply, segment, lex)
        if s.best == 0 and (s.requests or s.complaints or s.urgent):
            s = _score(f"{quote} {reply}", segment, lex)  # a complaint that names no thing of its own
    s.fired.append("quote")
    return s


# "Fixed" words that are damage when done to someone ("排水沟被隔壁给填平了").
_DONE_TO_THEM = frozenset({"填平了", "拉走了", "清走了", "换新了"})


def _score(t: str, segment: Segmenter, lex: Lexicon) -> Scores:
    s = Scores()
    cats: dict[str, float] = {}
    ev: dict[str, list[str]] = {}
    seen: set[str] = set()
    covered = bytearray(len(t))
    maybe_hypo = _CAT_HYPO_ANY.search(t) is not None
    kw_spans: list[Span] | None
    req_spans: list[Span] | None
    complaint_spans: list[Span] | None
    chat_spans: list[Span] | None
    single_spans: list[Span] | None = None
    if lex.group_m is not None:  # the five word lists in one pass, and the gates' strings with them
        (kw_spans, req_spans, complaint_spans, chat_spans, single_spans), gates = lex.group_m.scan(t)
        if gates:
            s.urgent_codes, s.danger_codes, s.gate_text = gates[URGENT_GATE], gates[DANGER_GATE], t
    else:
        kw_spans = lex.keyword_m.spans(t) if lex.keyword_m is not None else None
        req_spans = lex.request_m.spans(t) if lex.request_m is not None else None
        complaint_spans = lex.complaint_m.spans(t) if lex.complaint_m is not None else None
        chat_spans = lex.chat_m.spans(t) if lex.chat_m is not None else None
    if kw_spans is not None:
        for start, end, w in kw_spans:
            covered[start:end] = b"\x01" * (end - start)
            if w in seen:
                continue
            head = t[max(0, start - 4):start]
            if head.endswith(lex.category_negators) and not head.endswith(_QUESTION_SELF):
                continue  # "不是X" denies X; "是不是X" asks about it
            seen.add(w)
            scale = 0.5 if maybe_hypo and _CAT_HYPO.search(t, max(0, start - 6), start) else 1.0
            for cat, weight in lex.keywords[w]:
                cats[cat] = cats.get(cat, 0.0) + weight * scale
                ev.setdefault(cat, []).append(w)
    for tok in _single_hits(t, covered, lex, segment, single_spans):
        if tok not in seen:
            seen.add(tok)
            for cat, weight in lex.single[tok]:
                cats[cat] = cats.get(cat, 0.0) + weight
                ev.setdefault(cat, []).append(tok)
    _broken_thing_first(cats, ev, lex)
    s.best = max((v for k, v in cats.items() if not k.startswith("_")), default=0.0)
    s.categories, s.evidence = cats, ev
    if req_spans is not None:
        s.requests = sorted({w for _, _, w in req_spans})
        first_req = req_spans[0][0] if req_spans else -1  # spans come in text order
    else:
        first_req = -1
    if complaint_spans is not None:
        s.complaints = sorted({w for _, _, w in complaint_spans})
    if chat_spans is not None:
        first_thanks = -1
        for start, end, w in chat_spans:
            if _negated(t, start, lex) or t[max(0, start - 1):start] == "不":
                continue
            if w[0] in "不没" and t[max(0, start - 1):start] in ("是", "有"):
                continue  # "是不是着火了" asks; it does not say "不是着火"
            if w[-1] == "单" and t.startswith("元", end):
                continue  # "楼下单元门口": an address, not 下单
            group = lex.chat_words[w]
            if w in _DONE_TO_THEM and "被" in t[max(0, start - 10):start]:
                continue  # "排水沟被隔壁给填平了": done to them, not fixed for them
            if group == "thanks" and first_thanks < 0:
                first_thanks = start
            s.chat.setdefault(group, []).append(w)
        s.polite_close = 0 <= first_req < first_thanks
    adjusters.run(adjusters.BEFORE_URGENCY, t, lex, s)
    _urgency(t, lex, s)
    adjusters.run(adjusters.AFTER_URGENCY, t, lex, s)
    return s


def _urgency(t: str, lex: Lexicon, s: Scores) -> None:
    strong, weak = 0.0, 0.0
    if lex.urgent_any is None:
        return
    rules = lex.urgent
    if s.urgent_codes is not None:  # only the regexes whose required strings the text holds can match
        if not s.urgent_codes:
            return
        if len(s.urgent_codes) < len(rules):
            rules = [rules[i] for i in sorted(s.urgent_codes)]
    elif lex.urgent_gate is not None and next(lex.urgent_gate(t), None) is None:
        return  # none of the strings every urgency match holds
    elif not lex.urgent_any.search(t):
        return
    for rx, cat, is_weak in rules:
        for m in rx.finditer(t):
            if _negated(t, m.start(), lex) or _hypothetical(t, m.start(), lex):
                continue
            s.urgent_cues.append(m.group(0))
            if is_weak:
                weak += 0.5
            else:
                strong += 1.0
                if s.urgent_cat is None:
                    s.urgent_cat = cat
            break
    if weak and _EXCLAIM.search(t):
        weak += 0.5
    s.urgent = strong >= 1.0 or weak >= 1.0


def chat_weight(s: Scores, lex: Lexicon, text: str) -> float:
    total = 0.0
    top = s.best  # the strongest category, counted once in _score
    for group, words in s.chat.items():
        if group in ("greeting", "ack") and top >= 2.0 and len(text) > 12:
            continue  # "早上好 顺便说个事 ..." : the greeting only opens the message
        w = lex.chat_groups.get(group, 1.0)
        if group == "thanks" and s.polite_close and top >= 2.0 and "resolved" not in s.chat:
            w *= 0.5  # thanks after the request only close it politely
        if s.urgent and s.urgent_cat and group in ("notice", "greeting", "ack", "chatter", "opinion", "help_called"):
            if not _DRILL.search(text):
                continue
        total += w + 0.3 * w * (min(len(set(words)), 3) - 1)
    if s.scheduled and not s.urgent:
        total += 2.5
    return total


# The least demand logit of a message that puts a person in danger (confidence ~0.92).
DANGER_LOGIT = 2.5


def demand_logit(s: Scores, lex: Lexicon, text: str) -> float:
    top = s.best  # the strongest category, counted once in _score
    d = min(top, 7.0) * 0.55
    d += min(len(s.requests), 3) * 0.6
    d += min(len(s.complaints), 3) * 0.45
    if s.urgent:
        d += 2.5 if s.urgent_cat else 1.5
    c = chat_weight(s, lex, text)
    if len(text) <= 6 and top < 3:
        c += 1.0
    if s.danger:
        return max(d - c - 1.4, DANGER_LOGIT)  # a person in danger is never chat or a question
    return d - c - 1.4


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def pick_category(s: Scores) -> tuple[str, tuple[str, ...]]:
    cats = {k: v for k, v in s.categories.items() if not k.startswith("_")}
    if s.urgent_cat:
        cats[s.urgent_cat] = cats.get(s.urgent_cat, 0.0) + 3.5
    if not cats:
        return "other", rule_tags(s)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    best = max(cats, key=lambda c: (cats[c], -order.get(c, 99)))
    if cats[best] < 1.0:
        return "other", tuple(s.evidence.get(best, ())) + rule_tags(s)
    return best, tuple(s.evidence.get(best, ())) + rule_tags(s)


def rule_tags(s: Scores) -> tuple[str, ...]:
    """The adjusters that fired, as 查询 shows them ("规则:反讽")."""
    return tuple(f"规则:{adjusters.LABELS.get(name, name)}" for name in s.fired if name != "scheduled")
