"""Compile the classifier's hot modules with mypyc, in place (see nlp/native.py).

Usage: python scripts/compile_nlp.py [--if-stale] [--clean] [--check]
mypyc (part of mypy, a dev dependency) turns the type-annotated modules into C extensions,
about 1.7 times faster on the bench; a machine without a C compiler keeps plain Python,
which gives the same results (tests/nlp/test_native.py compares them).
--if-stale: do nothing when the build matches the sources, or when these same sources failed to
compile before (the failure is recorded so that `make test` does not retry it every time).
Exits 0 unless asked to --check.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "nlp"


def _load_native() -> ModuleType:
    """nlp/native.py on its own: importing the package would import the modules being rebuilt."""
    spec = importlib.util.spec_from_file_location("_nlp_native", PKG / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


native = _load_native()

_SETUP = """
from setuptools import setup
from mypyc.build import mypycify
setup(name="gridbot-nlp-native", packages=[],
      ext_modules=mypycify({paths!r}, group_name="nlp._native", opt_level="3", debug_level="0",
                           target_dir={target!r}))
"""


def clean() -> None:
    for f in PKG.iterdir():
        if f.suffix in (".so", ".pyd") or f.name == native.MANIFEST:
            f.unlink()


def _sources() -> dict[str, str]:
    return {name: native.digest(PKG / f"{name}.py") for name in native.COMPILED}


def _failed_before() -> bool:
    try:
        record = json.loads((PKG / native.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(record.get("failed")) and record.get("sources") == _sources()


def compile_all() -> bool:
    clean()
    paths = [f"nlp/{name}.py" for name in native.COMPILED]
    with tempfile.TemporaryDirectory() as tmp:
        setup = Path(tmp) / "setup_native.py"
        setup.write_text(_SETUP.format(paths=paths, target=str(Path(tmp) / "c")), encoding="utf-8")
        env = dict(os.environ, MYPYC_OPT_LEVEL="3")
        # Build and lib folders in the temporary directory: nothing is left in the checkout but the modules.
        command = [sys.executable, str(setup), "build_ext", "--inplace",
                   "--build-temp", str(Path(tmp) / "build"), "--build-lib", str(Path(tmp) / "lib")]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        clean()
        (PKG / native.MANIFEST).write_text(json.dumps({"failed": True, "sources": _sources()}) + "\n",
                                           encoding="utf-8")
        tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
        print(f"nlp: mypyc could not compile the classifier; it runs as plain Python.\n{tail}")
        return False
    sources = _sources()
    (PKG / native.MANIFEST).write_text(json.dumps({"sources": sources}, indent=1) + "\n", encoding="utf-8")
    print(f"nlp: compiled {len(sources)} modules with mypyc")
    return True


def main(argv: list[str]) -> int:
    if "--clean" in argv:
        clean()
        return 0
    if "--if-stale" in argv and (native.state(PKG) == "compiled" or _failed_before()):
        return 0
    ok = compile_all()
    return 1 if "--check" in argv and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
