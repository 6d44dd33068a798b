"""Shared set-up for the tests that drive the real python-wechaty.

Call ``require_wechaty()`` at the top of a test module: it skips the module only
when the optional ``wechaty`` extra is not installed (``make`` installs it, so CI
runs these); if it is installed, a broken shim fails loudly instead of skipping.
"""
from __future__ import annotations

import importlib.util
import os
import tempfile

import pytest


def require_wechaty() -> None:
    if importlib.util.find_spec("wechaty") is None or importlib.util.find_spec("wechaty_puppet") is None:
        pytest.skip("wechaty extra not installed (pip install .[wechaty])", allow_module_level=True)
    os.environ.setdefault("WECHATY_LOG", "warn")
    os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="wechaty-cache-"))
    from bot.transports.wechaty_compat import import_wechaty

    import_wechaty()
