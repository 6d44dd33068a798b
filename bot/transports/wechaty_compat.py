"""Import python-wechaty on modern Python: every compatibility shim, in one place.

wechaty 0.10.7 / wechaty-puppet 0.4.23 (pinned in the ``wechaty`` extra, the
newest releases, 2022-11) do not import on Python 3.11+ as shipped
(python-wechaty issues 385 and 422). ``import_wechaty()`` applies each shim
only when the problem it fixes is actually present, then imports and returns
the ``wechaty`` module. Nothing else in GridBot imports wechaty directly:
``bot.transports.wechaty_adapter`` goes through here.

Side effects of importing wechaty (upstream): ``wechaty_puppet.config`` creates
``./.wechaty`` (gitignored) and ``wechaty.config`` creates ``$CACHE_DIR``.
"""
from __future__ import annotations

import importlib
import logging
import os
import socket
import sys
import types
import warnings
from typing import Any

log = logging.getLogger(__name__)

# Names of the shims applied in this process, for health output and tests.
APPLIED: list[str] = []


def _shim_pyee() -> None:
    # pyee >= 9 moved AsyncIOEventEmitter to ``pyee.asyncio``; wechaty,
    # wechaty_puppet and wechaty_puppet_service all do
    # ``from pyee import AsyncIOEventEmitter``. Alias it rather than pinning
    # pyee<9 (an old release line) for the whole environment.
    import pyee

    if not hasattr(pyee, "AsyncIOEventEmitter"):
        from pyee.asyncio import AsyncIOEventEmitter

        pyee.AsyncIOEventEmitter = AsyncIOEventEmitter  # type: ignore[attr-defined]
        APPLIED.append("pyee.AsyncIOEventEmitter")


def _shim_urllib3_get_host() -> None:
    # urllib3 2 removed ``urllib3.get_host``, imported by
    # ``wechaty/user/url_link.py``. Re-create it from ``urllib3.util.parse_url``
    # with the old contract ``(scheme or "http", host, port)``; pinning
    # urllib3<2 would constrain every other HTTP client in the tree.
    import urllib3

    if not hasattr(urllib3, "get_host"):
        from urllib3.util import parse_url

        def get_host(url: str) -> tuple[str, str | None, int | None]:
            p = parse_url(url)
            return (p.scheme or "http", p.host, p.port)

        urllib3.get_host = get_host  # type: ignore[attr-defined]
        APPLIED.append("urllib3.get_host")


def _shim_telnetlib() -> None:
    # ``telnetlib`` was removed in Python 3.13; ``wechaty/plugin.py`` and
    # ``wechaty_puppet_service/utils.py`` import it only to probe whether a TCP
    # port accepts connections (``Telnet().open(host, port, timeout)`` raising
    # ``socket.error`` when it does not). A stand-in with just that behaviour.
    try:
        with warnings.catch_warnings():  # 3.11/3.12: "deprecated", still works
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module("telnetlib")
        return
    except ModuleNotFoundError:
        pass

    class Telnet:
        def __init__(self, host: str | None = None, port: int = 0, timeout: float = 10.0) -> None:
            if host is not None:
                self.open(host, port, timeout)

        def open(self, host: str, port: int = 23, timeout: float = 10.0) -> None:
            # Connect (raises OSError, i.e. socket.error, if nothing listens),
            # then let go: the callers only ask whether the port answers.
            socket.create_connection((host, port), timeout).close()

        def close(self) -> None:
            pass

    mod = types.ModuleType("telnetlib")
    mod.Telnet = Telnet  # type: ignore[attr-defined]
    mod.__doc__ = "GridBot stand-in: only Telnet().open() as a TCP port probe."
    sys.modules["telnetlib"] = mod
    APPLIED.append("telnetlib stand-in")


def _shim_puppet_options_hash() -> None:
    # Python 3.11 dataclasses reject a default whose class is unhashable
    # ("mutable default <class 'PuppetOptions'> for field puppet_options"):
    # ``PuppetOptions`` is an eq=True dataclass, so ``__hash__`` is None, and
    # ``wechaty.WechatyOptions`` uses an instance as a field default. Give it
    # identity hashing before wechaty is imported; no version pin fixes this.
    # (The default instance is shared by every WechatyOptions that omits
    # puppet_options, and Wechaty writes the token into it: the adapter always
    # passes a fresh PuppetOptions.)
    from wechaty_puppet.schemas.puppet import PuppetOptions

    if PuppetOptions.__hash__ is None:
        PuppetOptions.__hash__ = object.__hash__  # type: ignore[method-assign]
        APPLIED.append("PuppetOptions.__hash__")


def import_wechaty(*, cache_dir: str | None = None, log_level: str | None = None) -> Any:
    """Apply the needed shims and return the imported ``wechaty`` module.

    ``cache_dir`` / ``log_level`` set ``CACHE_DIR`` / ``WECHATY_LOG`` (read at
    import time) unless already set in the environment.
    """
    if "wechaty" in sys.modules:
        return sys.modules["wechaty"]
    if cache_dir is not None:
        os.environ.setdefault("CACHE_DIR", cache_dir)
    if log_level is not None:
        os.environ.setdefault("WECHATY_LOG", log_level)
    _shim_pyee()
    _shim_urllib3_get_host()
    _shim_telnetlib()
    _shim_puppet_options_hash()
    module = importlib.import_module("wechaty")
    if APPLIED:
        log.info("wechaty imported with shims: %s", ", ".join(APPLIED))
    return module


def reset_caches(wechaty_module: Any | None = None) -> None:
    """Clear wechaty's process-wide caches.

    ``Contact._pool`` and ``Room._pool`` keep objects bound to the puppet of
    the bot that first loaded them, and ``SingleIdContainer`` silently drops
    any message id it has seen before. A reconnect (new puppet) and each test
    need them cleared.
    """
    if wechaty_module is None:
        import_wechaty()
    from wechaty.user.contact import Contact
    from wechaty.user.room import Room
    from wechaty.utils.async_helper import SingleIdContainer

    Contact._pool.clear()
    Room._pool.clear()
    SingleIdContainer._instance = None
