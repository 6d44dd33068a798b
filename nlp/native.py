"""Which build of the classifier runs: the hot modules compiled by mypyc, or plain Python.

``make install`` compiles the modules in ``COMPILED`` with mypyc (scripts/compile_nlp.py) into
extension modules beside their sources and records each source's hash in ``_native.json``.
Python prefers an extension module to a ``.py`` of the same name, so an edited source would
be shadowed by its old build: before any of them is imported, this module compares the hashes
and, if one differs (or GRIDBOT_NLP_PURE is set), makes every compiled module load from source.
All or none: compiled modules call each other directly, so one fresh source among old builds
would be ignored by its callers. This file itself is never compiled.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
# Compiled modules get a wrong __file__ from mypyc (a dotted group name), so data is found from here.
DATA_DIR = HERE / "data"
MANIFEST = "_native.json"
# The modules a classification runs through (the import closure of nlp.classify).
COMPILED = ("adjusters", "classifier", "combine", "danger", "duplicates", "lexicon", "location", "matchers",
            "model", "normalize", "quotes", "scoring", "segment", "similarity", "stack", "things", "types")


def digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _built(pkg: Path, name: str) -> bool:
    return any((pkg / f"{name}{suffix}").exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def state(pkg: Path = HERE) -> str:
    """'compiled', 'pure' (nothing built) or 'stale' (a build whose sources have changed since)."""
    if not any(_built(pkg, name) for name in COMPILED):
        return "pure"
    try:
        recorded = json.loads((pkg / MANIFEST).read_text(encoding="utf-8")).get("sources", {})
    except (OSError, ValueError):
        return "stale"
    for name in COMPILED:
        if not _built(pkg, name) or recorded.get(name) != digest(pkg / f"{name}.py"):
            return "stale"
    return "compiled"


class _SourceFirst:
    """A meta-path finder that loads the listed modules of a package from their .py files."""

    def __init__(self, package: str, pkg: Path, names: Sequence[str]):
        self._files = {f"{package}.{n}": pkg / f"{n}.py" for n in names}

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        source = self._files.get(fullname)
        return importlib.util.spec_from_file_location(fullname, source) if source is not None else None


MODE = "pure"


def choose(package: str = "nlp", pkg: Path = HERE) -> str:
    """Decide once, at package import, before any compiled module is imported; returns the mode."""
    global MODE
    found = state(pkg)
    if os.environ.get("GRIDBOT_NLP_PURE"):
        found = "pure"  # asked for the sources: a stale build is no surprise
    elif found == "stale":
        warnings.warn("nlp: the compiled classifier is older than its sources; running the sources "
                      "(run `make compile` to rebuild)", RuntimeWarning, stacklevel=2)
    if found != "compiled" and any(_built(pkg, n) for n in COMPILED):
        sys.meta_path.insert(0, _SourceFirst(package, pkg, COMPILED))
    MODE = found
    return found
