"""``/healthz``'s per-account view, from what each transport's ``health()`` reports.

Today a process drives one account through one transport; the transports report:
- wechaty: ``state`` (connecting, online, backoff, logged_out, stopped), ``self_id``, ``idle_seconds``;
- wecom: ``started`` and ``robots`` (group webhook robots, one per room; no login to lose);
- sim: ``connected``.
Each is mapped to an account entry with a ``state`` of online, connecting, logged_out or offline.
"""
from __future__ import annotations

ONLINE = "online"


def accounts(transport: dict) -> list[dict]:
    kind = transport.get("transport", "unknown")
    if kind == "wechaty":
        raw = transport.get("state", "stopped")
        state = raw if raw in (ONLINE, "connecting", "logged_out") else "offline"
        return [{"platform": kind, "account": transport.get("self_id") or "wechaty", "state": state,
                 "detail": raw, "idle_seconds": transport.get("idle_seconds")}]
    if kind == "wecom":
        state = ONLINE if transport.get("started") else "offline"
        return [{"platform": kind, "account": "wecom", "state": state, "robots": transport.get("robots", 0)}]
    up = transport.get("connected", transport.get("started", True))
    return [{"platform": kind, "account": kind, "state": ONLINE if up else "offline"}]
