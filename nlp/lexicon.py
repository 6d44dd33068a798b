"""The lexicon (nlp/data/lexicon.yaml), loaded and compiled once per process.

Optional community extension: a second YAML file named by the environment
variable GRIDBOT_LEXICON_EXTRA, read once, whose lists are merged in.
"""
from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp import native
from nlp.matchers import (  # noqa: F401 - re-exported for callers and tests
    AhoCorasickMatcher,
    GroupMatcher,
    Matcher,
    RegexMatcher,
    _ahocorasick,
)

DATA_DIR = native.DATA_DIR
LEXICON_PATH = DATA_DIR / "lexicon.yaml"
EXTRA_ENV = "GRIDBOT_LEXICON_EXTRA"

CATEGORIES = ("repair", "sanitation", "greening", "traffic", "safety", "dispute",
              "care", "health", "legal", "property", "culture", "other")


_MAX_RUNS = 64  # exact strings a gate may list for one part of a pattern


def _required(pattern: str) -> set[str] | None:
    """Strings one of which every match of ``pattern`` contains (None: unknown).

    Read off the parsed pattern: a run of literal characters, an alternation
    whose every branch has required strings, a group, a repeat of at least one,
    a class of plain characters. Anything else (case folding, lookarounds,
    categories, optional parts) gives nothing, and a pattern with nothing
    required has no gate. Used only to skip the urgency regexes on text that
    contains none of these strings, so it must never miss one: when unsure,
    None.
    """
    # re's own parser: private and untyped (typeshed types only the deprecated sre_* aliases),
    # so the parsed items are Any here.
    c = importlib.import_module("re._constants")
    p = importlib.import_module("re._parser")

    def seq(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
        found: list[set[str]] = []
        # Exact strings one of which the match holds at this point: literals, and the few strings a
        # class or a group of literals can be, joined on ("压[住着]" gives 压住 and 压着, "(往|朝)(马路|路上)"
        # four strings of two: each gates far better than 压 or 往 alone).
        run: set[str] = {""}
        for op, av in items:
            if op in (c.ASSERT, c.ASSERT_NOT):
                continue  # zero-width: the literals either side stay adjacent in a match
            strings = exact([(op, av)])
            if strings is not None and len(run) * len(strings) <= _MAX_RUNS:
                run = {r + x for r in run for x in strings}
                continue
            if run != {""}:
                found.append(run)
            run = {""}
            if strings is not None:
                run = strings
                continue
            r = item(op, av)
            if r:
                found.append(r)
        if run != {""}:
            found.append(run)
        if not found:
            return None
        return max(found, key=lambda ws: (min(map(len, ws)), -len(ws)))

    def exact(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
        """Every string ``items`` can match, when they are few and plain (None otherwise)."""
        out = {""}
        for op, av in items:
            if op is c.LITERAL:
                parts: set[str] | None = {chr(av)}
            elif op in (c.ASSERT, c.ASSERT_NOT):
                continue
            elif op is c.IN:
                parts = set()
                for o, a in av:
                    if o is not c.LITERAL:
                        return None
                    parts.add(chr(a))
            elif op is c.SUBPATTERN and not av[1] & c.SRE_FLAG_IGNORECASE:
                parts = exact(av[3])
            elif op is c.BRANCH:
                parts = set()
                for branch in av[1]:
                    sub = exact(branch)
                    if sub is None:
                        return None
                    parts |= sub
            else:
                return None
            if not parts or len(out) * len(parts) > _MAX_RUNS:
                return None
            out = {o + x for o in out for x in parts}
        return out

    def item(op: Any, av: Any) -> set[str] | None:
        if op is c.IN:
            chars: set[str] = set()
            for o, a in av:
                if o is not c.LITERAL:
                    return None
                chars.add(chr(a))
            return chars or None
        if op is c.BRANCH:
            out: set[str] = set()
            for branch in av[1]:
                r = seq(branch)
                if not r:
                    return None
                out |= r
            return out
        if op is c.SUBPATTERN:
            return None if av[1] & c.SRE_FLAG_IGNORECASE else seq(av[3])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            return seq(av[2]) if av[0] >= 1 else None
        return None

    try:
        parsed = p.parse(pattern)
    except Exception:  # pragma: no cover - the pattern compiled already
        return None
    if parsed.state.flags & c.SRE_FLAG_IGNORECASE:
        return None
    found = seq(parsed.data)
    return found if found and all(found) else None


# ``gate(text)`` iterates (index of the last character, word) for each hit.
UrgentGate = Callable[[str], Iterator[tuple[int, str]]]


def _urgent_words(patterns: list[str]) -> dict[str, frozenset[int]] | None:
    """The required strings of the urgency regexes -> the regexes that need them: a text holding none of
    a regex's strings cannot match it. None when a regex has no such strings."""
    codes_of: dict[str, set[int]] = {}
    for i, pattern in enumerate(patterns):
        found = _required(pattern)
        if found is None:
            return None
        for w in found:
            codes_of.setdefault(w, set()).add(i)
    return {w: frozenset(codes) for w, codes in codes_of.items()}


def _urgent_gate(words: dict[str, frozenset[int]] | None) -> UrgentGate | None:
    """``gate(text)`` iterates hits of the required strings of all the urgency
    regexes: none, and no urgency regex can match. None when there is no gate."""
    if _ahocorasick is None or not words:
        return None
    auto = _ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, w)
    auto.make_automaton()
    gate: UrgentGate = auto.iter
    return gate


# The gates that ride along in the group matcher's pass (Lexicon.group_m.scan): their codes per text.
URGENT_GATE, DANGER_GATE = 0, 1


def _gates(urgent: dict[str, frozenset[int]] | None) -> list[dict[str, frozenset[int]]] | None:
    from nlp import danger  # imports this module: asked for only once both are loaded

    found = danger.gate_words()
    return None if urgent is None or found is None else [urgent, found]


@dataclass
class Lexicon:
    # phrase -> list of (category, weight)
    keywords: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    single: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    keyword_re: re.Pattern[str] | None = None
    single_re: re.Pattern[str] | None = None  # any single-character keyword
    request_re: re.Pattern[str] | None = None
    complaint_re: re.Pattern[str] | None = None
    chat_groups: dict[str, float] = field(default_factory=dict)
    chat_words: dict[str, str] = field(default_factory=dict)  # word -> group
    chat_re: re.Pattern[str] | None = None
    # the same word lists as matchers (Aho-Corasick when available)
    keyword_m: Matcher | None = None
    request_m: Matcher | None = None
    complaint_m: Matcher | None = None
    chat_m: Matcher | None = None
    # keyword, request, complaint and chat lists in one pass (with Aho-Corasick)
    group_m: GroupMatcher | None = None
    negators: tuple[str, ...] = ()
    category_negators: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    hypothetical_re: re.Pattern[str] | None = None
    urgent: list[tuple[re.Pattern[str], str | None, bool]] = field(default_factory=list)
    urgent_any: re.Pattern[str] | None = None
    urgent_gate: UrgentGate | None = None
    typos: dict[str, str] = field(default_factory=dict)
    typo_re: re.Pattern[str] | None = None
    typo_m: Matcher | None = None  # the same matches as typo_re (one automaton pass)
    user_words: tuple[str, ...] = ()
    # Who suffers, not what to do ("老人下不了楼"): with a broken thing named, not a care request.
    impact_words: frozenset[str] = frozenset()


# character -> subtrie; the key "" marks the end of a word
_Trie = dict[str, "_Trie"]


def _trie_pattern(words: set[str]) -> str:
    """One regular expression for many words, factored on common prefixes.

    Matches exactly what the longest-first alternation of the words matches
    (leftmost, then longest), but the regex engine no longer tries each of
    a thousand words at every position: that is most of the classifier's time.
    """
    trie: _Trie = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        end = "" in node
        kids = [(c, n) for c, n in node.items() if c]
        if not kids:
            return ""
        leaves = sorted(c for c, n in kids if list(n) == [""])
        alts = [re.escape(c) + emit(n) for c, n in sorted(kids) if list(n) != [""]]
        if len(leaves) == 1:
            alts.append(re.escape(leaves[0]))
        elif leaves:
            alts.append("[" + "".join(re.escape(c) for c in leaves) + "]")
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return emit(trie)


def _alt(words: Iterable[str]) -> re.Pattern[str] | None:
    present = {w for w in words if w}
    if not present:
        return None
    return re.compile(_trie_pattern(present))


def _matcher(words: Iterable[str], rx: re.Pattern[str] | None, use_ac: bool = True) -> Matcher | None:
    """A matcher for ``words`` with the same matches as ``rx`` (their ``_alt``)."""
    if rx is None:
        return None
    if use_ac and _ahocorasick is not None:
        return AhoCorasickMatcher({w for w in words if w})
    return RegexMatcher(rx)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge lists and mappings of ``extra`` into ``base`` (extra wins on scalars)."""
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + value
        else:
            base[key] = value
    return base


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        # libyaml's loader when the wheel has it: the pure-Python one is a third of start-up
        raw: dict[str, Any] = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return raw


def build(raw: dict[str, Any]) -> Lexicon:
    lex = Lexicon()
    tiers = raw.get("tiers", {})
    for cat, groups in (raw.get("categories") or {}).items():
        for tier, words in (groups or {}).items():
            if isinstance(words, dict):  # {phrase: weight}
                items = list(words.items())
            else:
                w = float(tiers.get(tier, tier if isinstance(tier, (int, float)) else 1.0))
                items = [(p, w) for p in (words or [])]
            for phrase, weight in items:
                phrase = str(phrase).lower()
                target = lex.single if len(phrase) == 1 else lex.keywords
                if cat.startswith("_"):
                    weight = 0.0  # shields a phrase from shorter keywords inside it
                target.setdefault(phrase, []).append((cat, float(weight)))
    lex.keyword_re = _alt(lex.keywords)
    lex.keyword_m = _matcher(lex.keywords, lex.keyword_re)
    if lex.single:
        lex.single_re = re.compile("[" + "".join(re.escape(c) for c in sorted(lex.single)) + "]")
    requests = [str(w).lower() for w in raw.get("request", [])]
    lex.request_re = _alt(requests)
    lex.request_m = _matcher(requests, lex.request_re)
    complaints = [str(w).lower() for w in raw.get("complaint", [])]
    lex.complaint_re = _alt(complaints)
    lex.complaint_m = _matcher(complaints, lex.complaint_re)
    for group, spec in (raw.get("chat") or {}).items():
        lex.chat_groups[group] = float(spec.get("weight", 1.0))
        for word in spec.get("words", []):
            lex.chat_words[str(word).lower()] = group
    lex.chat_re = _alt(lex.chat_words)
    lex.chat_m = _matcher(lex.chat_words, lex.chat_re)
    lex.negators = tuple(sorted(raw.get("negators", []), key=len, reverse=True))
    lex.category_negators = tuple(sorted(raw.get("category_negators", []), key=len, reverse=True))
    lex.impact_words = frozenset(str(w).lower() for w in raw.get("impact", []))
    lex.hypothetical = tuple(sorted(raw.get("hypothetical", []), key=len, reverse=True))
    lex.hypothetical_re = _alt(lex.hypothetical)
    for spec in raw.get("urgent", []):
        lex.urgent.append((re.compile(spec["re"]), spec.get("cat"), bool(spec.get("weak"))))
    if lex.urgent:
        lex.urgent_any = re.compile("|".join(f"(?:{rx.pattern})" for rx, _, _ in lex.urgent))
    urgent_words = _urgent_words([rx.pattern for rx, _, _ in lex.urgent]) if lex.urgent else None
    lex.urgent_gate = _urgent_gate(urgent_words)
    if all(isinstance(m, AhoCorasickMatcher) for m in (lex.keyword_m, lex.request_m, lex.complaint_m, lex.chat_m)):
        lex.group_m = GroupMatcher([set(lex.keywords), set(requests), set(complaints), set(lex.chat_words),
                                    set(lex.single)], _gates(urgent_words))
    lex.typos = {str(k): str(v) for k, v in (raw.get("typos") or {}).items()}
    lex.typo_re = _alt(lex.typos)
    lex.typo_m = _matcher(lex.typos, lex.typo_re)
    words = set(lex.keywords) | set(lex.chat_words)
    lex.user_words = tuple(sorted(w for w in words if 2 <= len(w) <= 8 and not w.isascii()))
    return lex


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = _read(LEXICON_PATH)
    extra = os.environ.get(EXTRA_ENV)
    if extra and Path(extra).is_file():
        raw = _merge(raw, _read(Path(extra)))
    return build(raw)
