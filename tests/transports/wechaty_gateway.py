"""A local wechaty puppet-service gateway (tests/gateway/) for the gRPC tests.

``install()`` runs ``npm ci`` for tests/gateway/package-lock.json into a cache
directory named after the lock file's hash (once: later runs find it installed
and touch no network). ``Gateway`` starts this tree's ``server.js`` with those packages on
127.0.0.1, restarts and stops it, and talks to its JSON control API (inject a
message, read what the bot sent). See tests/gateway/server.js.

``python -m tests.transports.wechaty_gateway`` installs it (scripts/test.sh does).
Under ``CI=true`` a missing node/npm or a failed install is an error; elsewhere
the tests that need the gateway skip with the reason.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "gateway"
FILES = ("package.json", "package-lock.json", "server.js")
TOKEN = "insecure_gridbot_test"


class GatewayUnavailable(Exception):
    """node/npm are missing or the install failed; the message says which."""


def required() -> bool:
    return os.environ.get("CI") == "true"


def cache_dir() -> Path:
    digest = hashlib.sha256((SOURCE / "package-lock.json").read_bytes()).hexdigest()[:16]
    root = os.environ.get("GRIDBOT_GATEWAY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gridbot", "test-gateway")
    return Path(root) / digest


def install() -> Path:
    """The directory holding the installed gateway; installs it the first time."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise GatewayUnavailable(f"{tool} is not installed (apt-get install nodejs npm)")
    target = cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    marker = target / ".installed"
    with open(target / ".lock", "w") as lock:  # parallel runs install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(SOURCE / name, target / name)
            started = time.monotonic()
            proc = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
                cwd=target, capture_output=True, text=True, timeout=900,
            )
            if proc.returncode != 0:
                raise GatewayUnavailable(f"npm ci failed in {target}:\n{proc.stderr[-2000:]}")
            marker.write_text(f"installed in {time.monotonic() - started:.1f}s\n")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    """One gateway process; ``restart()`` replaces it on the same ports with the same world."""

    def __init__(self, directory: Path, world: dict) -> None:
        self.directory, self.world = directory, world
        self.grpc_port, self.control_port = free_port(), free_port()
        self.proc: subprocess.Popen | None = None
        self.log = directory / f"gateway-{os.getpid()}-{self.grpc_port}.log"
        self.start_seconds: list[float] = []

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def start(self, timeout: float = 60.0) -> None:
        env = {**os.environ, "GATEWAY_GRPC_PORT": str(self.grpc_port),
               "GATEWAY_CONTROL_PORT": str(self.control_port), "GATEWAY_TOKEN": TOKEN,
               "GATEWAY_WORLD": json.dumps(self.world, ensure_ascii=False), "WECHATY_LOG": "warn"}
        started = time.monotonic()
        out = open(self.log, "ab")
        # This checkout's server.js, with the shared install's packages (NODE_PATH): checkouts that
        # share the cache never run each other's copy of the script. stdin stays open while this
        # process lives: the gateway exits when it closes.
        env["NODE_PATH"] = str(self.directory / "node_modules")
        self.proc = subprocess.Popen(["node", str(SOURCE / "server.js")], cwd=self.directory, env=env,
                                     stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        out.close()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise GatewayUnavailable(f"the gateway exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                self.call("GET", "/health")
                with socket.create_connection(("127.0.0.1", self.grpc_port), timeout=1):
                    self.start_seconds.append(time.monotonic() - started)
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise GatewayUnavailable(f"the gateway did not listen within {timeout:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # -- control API ----------------------------------------------------------
    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.control_port}{path}", data=data,
                                         method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def say(self, sender: str, text: str, *, room: str | None = None, mentions: list[str] = (),
            kind: str | None = None) -> str:
        """``sender`` says ``text`` in ``room`` (or privately to the bot); returns the message id."""
        return self.call("POST", "/say", {"from": sender, "room": room, "text": text, "type": kind,
                                          "mentions": list(mentions)})["id"]

    def send_file(self, sender: str, name: str, data: bytes, *, room: str | None = None,
                  kind: str | None = None) -> str:
        """``sender`` sends a file (an image, a voice ...: ``kind`` is a wechaty-puppet message
        type name, e.g. "Image", "Audio", "Attachment"; default: the mock's guess from ``name``)."""
        import base64

        return self.call("POST", "/file", {"from": sender, "room": room, "name": name, "type": kind,
                                           "base64": base64.b64encode(data).decode()})["id"]

    def sent(self) -> list[dict]:
        return self.call("GET", "/sent")


if __name__ == "__main__":
    try:
        where = install()
    except GatewayUnavailable as exc:
        print(f"wechaty test gateway: {exc}", file=sys.stderr)
        sys.exit(1)
    print(f"wechaty test gateway installed in {where} ({(where / '.installed').read_text().strip()})")
