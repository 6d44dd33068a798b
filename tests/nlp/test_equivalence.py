"""The Aho-Corasick matchers give exactly the matches of the old regex path,
and the urgency gate never skips a text that an urgency regex matches.

The old path ran ``re.finditer`` with the prefix-trie regex of each word list
(leftmost, then longest, non-overlapping). Two references are checked: that
trie regex (``RegexMatcher``, still the fallback without pyahocorasick) and a
plain longest-first alternation built here, independent of the trie code.
"""
from __future__ import annotations

import json
import re
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import danger
from nlp.lexicon import (
    DANGER_GATE,
    URGENT_GATE,
    AhoCorasickMatcher,
    GroupMatcher,
    RegexMatcher,
    _ahocorasick,
    _alt,
    _required,
    _urgent_words,
    load_lexicon,
)
from nlp.normalize import normalize
from tests.nlp.automaton import needs_automaton

pytestmark = needs_automaton

HERE = Path(__file__).resolve().parent
DEV = Path(__file__).resolve().parents[2].parent / "shared/data/dev.jsonl"


def _lists() -> dict[str, list[str]]:
    lex = load_lexicon()
    from nlp.lexicon import LEXICON_PATH, _read

    raw = _read(LEXICON_PATH)
    return {
        "keywords": list(lex.keywords),
        "request": [str(w).lower() for w in raw.get("request", [])],
        "complaint": [str(w).lower() for w in raw.get("complaint", [])],
        "chat": list(lex.chat_words),
        "typos": list(lex.typos),
        "hypothetical": list(lex.hypothetical),
    }


LISTS = _lists()


def _reference(words) -> re.Pattern:
    """The longest-first alternation: what the trie regex was built to equal."""
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in words))


# Built only where the automaton can be (the module is skipped otherwise).
MATCHERS = {
    name: (AhoCorasickMatcher({w for w in words if w}), RegexMatcher(_alt(words)),
           _reference(words))
    for name, words in LISTS.items() if any(words)
} if _ahocorasick is not None else {}


LEX = load_lexicon()
URGENT_WORDS = _urgent_words([rx.pattern for rx, _, _ in LEX.urgent]) or {}


GROUPED = ("keywords", "request", "complaint", "chat")  # the order of Lexicon.group_m (single characters last)


def _check(text: str) -> None:
    found = {}
    for name, (ac, rx, ref) in MATCHERS.items():
        want = [(m.start(), m.end(), m.group(0)) for m in ref.finditer(text)]
        assert rx.spans(text) == want, (name, text)
        assert ac.spans(text) == want, (name, text)
        found[name] = want
    # One pass for the four lists gives each list exactly its own matches.
    singles = [(m.start(), m.end(), m.group(0)) for m in LEX.single_re.finditer(text)]
    assert LEX.group_m.spans(text) == [found.get(name, []) for name in GROUPED] + [singles], text
    if LEX.urgent_any.search(text):
        assert next(LEX.urgent_gate(text), None) is not None, text
    # The gates that ride along in the group pass give what their own automata give.
    _, gates = LEX.group_m.scan(text)
    assert gates[DANGER_GATE] == {c for _, hit in danger.standalone_gate().iter(text) for c in hit}, text
    assert gates[URGENT_GATE] == {i for w, codes in URGENT_WORDS.items() if w in text for i in codes}, text
    # ... and the regexes they cut find what the whole ones do.
    picked = danger.chosen(gates[DANGER_GATE])
    assert danger.pretend(text, picked) == danger.pretend(text), text
    assert danger.over(text, picked) == danger.over(text), text
    assert danger.unreal(text, gates[DANGER_GATE]) == danger.unreal(text), text
    for rx, _, _ in LEX.urgent:
        m = rx.search(text)
        if m:
            assert any(w in m.group(0) for w in _required(rx.pattern)), (rx.pattern, text)


def _texts(path: Path) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(str(json.loads(line).get("text", "")))
    return out


def _check_file(path: Path) -> None:
    texts = _texts(path)
    assert texts
    for text in texts:
        _check(text)
        norm = normalize(text)
        _check(norm)
        _check(norm[:500])


def test_lexicon_uses_automaton():
    lex = load_lexicon()
    for m in (lex.keyword_m, lex.request_m, lex.complaint_m, lex.chat_m):
        assert isinstance(m, AhoCorasickMatcher)
    assert lex.group_m is not None
    assert lex.urgent_gate is not None


@pytest.mark.parametrize("pattern,want", [
    ("ab|cd", {"ab", "cd"}),
    ("a?b", {"b"}),
    ("x*", None),
    ("(?i)abc", None),
    ("(?i:ab)c", {"c"}),
    ("(?!x)ab", {"ab"}),
    ("[^a]b", {"b"}),
    ("a.{0,3}bc", {"bc"}),
    ("(ab|c?)d", {"d"}),
    ("(ab|c?)", None),
    (r"\d+", None),
    ("[要快][掉砸]下来|露钢筋", {"要掉下来", "要砸下来", "快掉下来", "快砸下来", "露钢筋"}),
    ("压[住着].{0,3}人", {"压住", "压着"}),
    ("(往|朝)(马路|路上).{0,4}倒", {"往马路", "往路上", "朝马路", "朝路上"}),
    # 64 exact strings at most: the seventh pair would make 128, so the gate keeps the first six
    ("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)", {"".join(p) for p in product("ab", "cd", "ef", "gh", "ij", "kl")}),
    ("[ab]c?", {"a", "b"}),
    ("x?[ab]+y?", {"a", "b"}),
])
def test_required(pattern, want):
    assert _required(pattern) == want


@pytest.mark.skipif(not DEV.is_file(), reason="shared dev set absent")
def test_dev_set():
    _check_file(DEV)


@pytest.mark.parametrize("path", sorted(HERE.glob("*.jsonl")), ids=lambda p: p.name)
def test_test_sets(path):
    _check_file(path)


def test_overlaps_by_hand():
    # a longer word that starts inside a shorter one's match, and a word whose
    # prefix is a failed longer word ("abcd" tried at 0, "bc" found at 1)
    ac = AhoCorasickMatcher({"ab", "bcde", "abcd", "bc", "c", "cde"})
    rx = RegexMatcher(_alt({"ab", "bcde", "abcd", "bc", "c", "cde"}))
    for text in ("abcde", "abce", "xbcdex", "abcdcde", "aabbccddee", "ccc", "", "abab"):
        assert ac.spans(text) == rx.spans(text), text


def test_grouped_lists_keep_their_own_choices():
    # "bcde" in list 1 must not hide "bc" of list 0, nor the other way round.
    lists = [{"ab", "bc"}, {"bcde", "c"}, set(), {"abcd", "cde"}]
    grouped = GroupMatcher(lists)
    for text in ("abcde", "abce", "xbcdex", "abcdcde", "aabbccddee", "ccc", "", "abab"):
        want = [AhoCorasickMatcher(words).spans(text) if words else [] for words in lists]
        assert grouped.spans(text) == want, text


_URGENT_WORDS = sorted({w for rx, _, _ in LEX.urgent for w in _required(rx.pattern)}
                       | set("".join(rx.pattern for rx, _, _ in LEX.urgent)))
_ALL_WORDS = sorted({w for words in LISTS.values() for w in words if w} | set(_URGENT_WORDS))
_pieces = st.one_of(
    st.sampled_from(_ALL_WORDS),
    st.sampled_from(_ALL_WORDS).map(lambda w: w[: max(1, len(w) - 1)]),  # near misses
    st.sampled_from(_ALL_WORDS).map(lambda w: w[1:] or w),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=3),
    st.text(alphabet="不没别是真的了吗啊 ,。!?？！", max_size=2),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=3),
    st.text(max_size=2),
    st.sampled_from(_URGENT_WORDS),
    st.sampled_from(_URGENT_WORDS).map(lambda w: w[:-1] or w),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_pieces, max_size=14).map("".join))
def test_generated(text):
    _check(text)
    _check(normalize(text))
