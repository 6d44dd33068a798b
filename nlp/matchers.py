"""Word-list matchers: leftmost-longest, non-overlapping matches of many words in a text.

``RegexMatcher`` runs the prefix-trie regex of a list (the reference, and the fallback
without pyahocorasick); ``AhoCorasickMatcher`` gives the same matches from a C automaton;
``GroupMatcher`` gives several lists' matches from one automaton pass.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

try:  # a C Aho-Corasick automaton: one pass over the text for all the words
    import ahocorasick as _ahocorasick
except ImportError:  # pragma: no cover - the regex path gives the same matches
    _ahocorasick = None

# ``_ahocorasick`` (None without the C package) is shared so that every automaton in nlp
# comes from the same import and the same fallback decision.
__all__ = ["AhoCorasickMatcher", "GroupMatcher", "Matcher", "RegexMatcher", "Span", "_ahocorasick"]

# (start, end, word): one match, end exclusive.
Span = tuple[int, int, str]


class RegexMatcher:
    """Leftmost-longest, non-overlapping matches of a word list, by the trie regex."""

    __slots__ = ("rx",)

    def __init__(self, rx: re.Pattern[str]):
        self.rx = rx

    def spans(self, text: str) -> list[Span]:
        return [(m.start(), m.end(), m.group(0)) for m in self.rx.finditer(text)]


class AhoCorasickMatcher:
    """The same matches as ``RegexMatcher`` (re.finditer on the trie regex).

    The regex finds, scanning left to right, the longest word that starts at
    the first position where any word starts, then goes on after its end. The
    automaton reports every occurrence (overlapping ones too); ordering them by
    start, longest first, and skipping those that start inside the last kept
    one gives exactly those matches, without trying every word at every place.
    """

    __slots__ = ("_iter",)

    def __init__(self, words: Iterable[str]):
        auto = _ahocorasick.Automaton()
        for w in words:
            auto.add_word(w, (len(w) - 1, w))
        auto.make_automaton()
        # (index of the last character, (len - 1, word)) for every occurrence
        self._iter: Callable[[str], Iterator[tuple[int, tuple[int, str]]]] = auto.iter

    def spans(self, text: str) -> list[Span]:
        found = [(e - n, -n, w) for e, (n, w) in self._iter(text)]
        if len(found) < 2:
            return [(s, s + 1 - n, w) for s, n, w in found]
        found.sort()
        out: list[Span] = []
        pos = 0
        for s, n, w in found:
            if s >= pos:
                pos = s + 1 - n
                out.append((s, pos, w))
        return out


Matcher = RegexMatcher | AhoCorasickMatcher


class GroupMatcher:
    """Several word lists in one automaton: one pass over the text gives, for each list,
    exactly what its own ``AhoCorasickMatcher`` would (each list keeps its own
    leftmost-longest, non-overlapping choice), instead of one pass per list.

    ``gates`` (word -> codes) ride along in the same pass (``scan``): the codes of every gate word the
    text holds, as the gate's own automaton would give them. A pass costs about the same for twice the
    words (pyahocorasick's time goes into stepping through the text), so a gate here is nearly free."""

    __slots__ = ("_iter", "groups", "gates")

    def __init__(self, lists: list[set[str]], gates: list[dict[str, frozenset[int]]] | None = None):
        self.groups = len(lists)
        self.gates = len(gates or ())
        member: dict[str, list[int]] = {}
        for g, words in enumerate(lists):
            for w in words:
                if w:
                    member.setdefault(w, []).append(g)
        coded: dict[str, list[tuple[int, frozenset[int]]]] = {}
        for k, gate in enumerate(gates or ()):
            for w, codes in gate.items():
                coded.setdefault(w, []).append((k, codes))
        auto = _ahocorasick.Automaton()
        for w in member.keys() | coded.keys():
            auto.add_word(w, (len(w) - 1, w, tuple(member.get(w, ())), tuple(coded.get(w, ()))))
        auto.make_automaton()
        # (index of the last character, (len - 1, word, lists it is in, its gate codes)) for every occurrence
        self._iter: Callable[[str], Iterator[tuple[int, tuple[int, str, tuple[int, ...],
                                                               tuple[tuple[int, frozenset[int]], ...]]]]] = auto.iter

    def spans(self, text: str) -> list[list[Span]]:
        return self.scan(text)[0]

    def scan(self, text: str) -> tuple[list[list[Span]], list[set[int]]]:
        """Each list's matches, and each gate's codes."""
        found = []
        codes: list[set[int]] = [set() for _ in range(self.gates)]
        for e, (n, w, gs, gc) in self._iter(text):
            if gs:
                found.append((e - n, -n, w, gs))
            for k, c in gc:
                codes[k] |= c
        found.sort()  # by start, longest first: the order each list's own choice is made in
        out: list[list[Span]] = [[] for _ in range(self.groups)]
        pos = [0] * self.groups
        for s, n, w, gs in found:
            for g in gs:
                if s >= pos[g]:
                    end = s + 1 - n
                    pos[g] = end
                    out[g].append((s, end, w))
        return out, codes
