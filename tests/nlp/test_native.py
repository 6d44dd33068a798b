"""The compiled classifier (mypyc, nlp/native.py): chosen only when fresh, and the same as the sources."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import native
from nlp.types import Classification

ROOT = Path(__file__).resolve().parents[2]
_SUFFIX = native.importlib.machinery.EXTENSION_SUFFIXES[0]


def _package(tmp_path: Path, built: bool, recorded: dict[str, str] | None) -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for name in native.COMPILED:
        (pkg / f"{name}.py").write_text(f"NAME = {name!r}\n", encoding="utf-8")
        if built:
            (pkg / f"{name}{_SUFFIX}").write_bytes(b"not really a library")
    if recorded is not None:
        (pkg / native.MANIFEST).write_text(json.dumps({"sources": recorded}), encoding="utf-8")
    return pkg


def _hashes(pkg: Path) -> dict[str, str]:
    return {name: native.digest(pkg / f"{name}.py") for name in native.COMPILED}


def test_nothing_built_is_pure(tmp_path: Path) -> None:
    assert native.state(_package(tmp_path, built=False, recorded=None)) == "pure"


def test_a_build_that_matches_its_sources_is_used(tmp_path: Path) -> None:
    pkg = _package(tmp_path, built=True, recorded=None)
    (pkg / native.MANIFEST).write_text(json.dumps({"sources": _hashes(pkg)}), encoding="utf-8")
    assert native.state(pkg) == "compiled"


def test_an_edited_source_makes_the_build_stale(tmp_path: Path) -> None:
    pkg = _package(tmp_path, built=True, recorded=None)
    (pkg / native.MANIFEST).write_text(json.dumps({"sources": _hashes(pkg)}), encoding="utf-8")
    (pkg / "scoring.py").write_text("NAME = 'edited'\n", encoding="utf-8")
    assert native.state(pkg) == "stale"


def test_a_build_without_its_record_is_stale(tmp_path: Path) -> None:
    assert native.state(_package(tmp_path, built=True, recorded=None)) == "stale"


def test_a_stale_build_loads_every_module_from_source(tmp_path: Path) -> None:
    """The fake libraries would fail to load: importing works only if the sources are taken."""
    pkg = _package(tmp_path, built=True, recorded={"scoring": "old"})
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    code = ("import sys, warnings; sys.path.insert(0, sys.argv[1]); import importlib.util as u; "
            "spec = u.spec_from_file_location('native', sys.argv[2]); m = u.module_from_spec(spec); "
            "spec.loader.exec_module(m); warnings.simplefilter('ignore'); "
            "from pathlib import Path; print(m.choose('pkg', Path(sys.argv[1]) / 'pkg')); "
            "import pkg.scoring, pkg.types; print(pkg.scoring.NAME, pkg.types.__file__.endswith('.py'))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(ROOT / "nlp" / "native.py")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["stale", "scoring", "True"]


def _fingerprint(texts: list[str]) -> list[tuple[object, ...]]:
    import nlp
    out = []
    for t in texts:
        c: Classification = nlp.classify(t)
        out.append((c.intent, c.category, c.urgency, round(c.confidence, 6), c.building, c.unit, c.room,
                    c.evidence))
    return out


def _texts() -> list[str]:
    corpus = ROOT / "tests" / "nlp" / "corpus"
    texts = []
    for f in sorted(corpus.glob("*.jsonl"))[::3]:  # a third of the files: every voice, a fraction of the time
        texts += [json.loads(line)["text"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts + ["", " ", "！！！", "a" * 5000, "3号楼\x00楼道灯坏了", "😀😀", "1" * 300]


def test_the_build_in_use_classifies_exactly_as_the_sources() -> None:
    """mypyc checks annotations at run time and changes nothing else: any difference is a bug."""
    if native.MODE != "compiled":
        if os.environ.get("CI"):
            pytest.fail(f"under CI the classifier must run compiled (make install builds it); it is {native.MODE}")
        pytest.skip(f"the classifier is not compiled here ({native.MODE}); `make compile` builds it")
    texts = _texts()
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from tests.nlp.test_native import _fingerprint, "
            "_texts; import nlp.native as n; assert n.MODE == 'pure', n.MODE; "
            "print(json.dumps(_fingerprint(_texts()), ensure_ascii=False))")
    env = dict(os.environ, GRIDBOT_NLP_PURE="1")
    pure = json.loads(subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True,
                                     check=True, env=env, cwd=ROOT).stdout)
    here = json.loads(json.dumps(_fingerprint(texts), ensure_ascii=False))
    assert len(here) == len(pure) > 2000
    diffs = [(t, a, b) for t, a, b in zip(texts, here, pure, strict=True) if a != b]
    assert not diffs, diffs[:5]
