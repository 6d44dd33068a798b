"""jieba's dictionary cut (HMM off) of one block, from a loaded ``jieba.Tokenizer``'s own tables.

The classifier asks jieba only whether a single-character keyword stands as a word of its own,
inside one run of Han characters, letters and digits (a "block", which jieba cuts on its own).
jieba does that in pure Python with a dict for the graph, a dict for the route and a generator;
this is the same algorithm over plain lists (and compiled by mypyc, nlp/native.py): build every
dictionary word that starts at each place, take the most probable path from the end backwards,
read it off, and join runs of single ASCII letters and digits as jieba does. The sums are the same
floating-point operations in the same order, so the cut is the same; tests/nlp/test_segment.py
compares the two on the corpus and on generated text.
"""
from __future__ import annotations

import math

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class DagCutter:
    """Cuts one block with the dictionary of a loaded tokenizer (``FREQ``: word or prefix -> count,
    a prefix of a word stored with 0; ``total``: the sum of the counts)."""

    __slots__ = ("_freq", "_logtotal")

    def __init__(self, freq: dict[str, int], total: int) -> None:
        self._freq = freq
        self._logtotal = math.log(total)

    def cut(self, block: str) -> list[str]:
        n = len(block)
        if n == 0:
            return []
        freq, logtotal = self._freq, self._logtotal
        score = [0.0] * (n + 1)
        ends = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = 0.0
            best_end = -1
            i = k
            frag = block[k]
            found = False
            while i < n:
                count = freq.get(frag)
                if count is None:
                    break  # no dictionary word starts with this fragment
                if count:
                    found = True
                    here = math.log(count) - logtotal + score[i + 1]
                    if best_end < 0 or here >= best:  # a tie goes to the longer word, as jieba's max()
                        best, best_end = here, i
                i += 1
                frag = block[k:i + 1]
            if not found:  # an unknown character is a word of its own, counted once
                best, best_end = math.log(1) - logtotal + score[k + 1], k
            score[k], ends[k] = best, best_end
        out: list[str] = []
        buf = ""
        x = 0
        while x < n:
            y = ends[x] + 1
            word = block[x:y]
            if len(word) == 1 and word in _ASCII_ALNUM:
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)
        return out
