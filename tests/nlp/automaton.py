"""One marker for tests of the Aho-Corasick fast paths.

pyahocorasick is a required dependency (pyproject.toml); the classifier still runs without it, so on a
machine where it is missing these tests skip. Under CI they never skip: a missing automaton fails them."""
from __future__ import annotations

import os

import pytest

from nlp.matchers import _ahocorasick

needs_automaton = pytest.mark.skipif(_ahocorasick is None and not os.environ.get("CI"),
                                     reason="pyahocorasick not installed")
