"""Word-list matchers: leftmost-longest, non-overlapping matches of many words in a text.

``RegexMatcher`` runs the prefix-trie regex of a list (the reference, and the fallback
without pyahocorasick); ``AhoCorasickMatcher`` gives the same matches from a C automaton;
``GroupMatcher`` gives several lists' matches from one automaton pass.
"""
from __future__ import annotations

import re

try:  # a C Aho-Corasick automaton: one pass over the text for all the words
    import ahocorasick as _ahocorasick
except ImportError:  # pragma: no cover - the regex path gives the same matches
    _ahocorasick = None


class RegexMatcher:
    """Leftmost-longest, non-overlapping matches of a word list, by the trie regex."""

    __slots__ = ("rx",)

    def __init__(self, rx: re.Pattern):
        self.rx = rx

    def spans(self, text: str) -> list[tuple[int, int, str]]:
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

    def __init__(self, words):
        auto = _ahocorasick.Automaton()
        for w in words:
            auto.add_word(w, (len(w) - 1, w))
        auto.make_automaton()
        self._iter = auto.iter

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        found = [(e - n, -n, w) for e, (n, w) in self._iter(text)]
        if len(found) < 2:
            return [(s, s + 1 - n, w) for s, n, w in found]
        found.sort()
        out = []
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
    leftmost-longest, non-overlapping choice), instead of one pass per list."""

    __slots__ = ("_iter", "groups")

    def __init__(self, lists: list[set[str]]):
        self.groups = len(lists)
        member: dict[str, list[int]] = {}
        for g, words in enumerate(lists):
            for w in words:
                if w:
                    member.setdefault(w, []).append(g)
        auto = _ahocorasick.Automaton()
        for w, groups in member.items():
            auto.add_word(w, (len(w) - 1, w, tuple(groups)))
        auto.make_automaton()
        self._iter = auto.iter

    def spans(self, text: str) -> list[list[tuple[int, int, str]]]:
        found = [(e - n, -n, w, gs) for e, (n, w, gs) in self._iter(text)]
        found.sort()  # by start, longest first: the order each list's own choice is made in
        out: list[list[tuple[int, int, str]]] = [[] for _ in range(self.groups)]
        pos = [0] * self.groups
        for s, n, w, gs in found:
            for g in gs:
                if s >= pos[g]:
                    end = s + 1 - n
                    pos[g] = end
                    out[g].append((s, end, w))
        return out
