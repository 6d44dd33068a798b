"""The accounts one ``gridbot run`` drives (issue 16): a transport and an outbox sender each.

``ACCOUNTS=wx-east,wx-west`` names them; each account's secrets are read from the
settings its ``credentials`` prefix names (``WX_EAST_TOKEN``, ``WX_EAST_ENDPOINT`` for
``wx-east``; write ``wx-east:EAST`` to use ``EAST_TOKEN`` …). Without ``ACCOUNTS`` the
process drives the one 'default' account with the transport settings, as before.

Each account's sender claims only that account's rows, with that account's limits, under
the owner id ``account:<id>`` (``bot.sender_owner``): a replacement process, on any
host, takes a dead one's rows back at once, and a second live process started for the
same account waits until the first is gone instead of sending beside it.

A watcher (every ``ACCOUNT_CHECK_SECONDS``) records each account's state as its
transport reports it (wechaty: logged out, back online), ends a 'limited' spell after
``ACCOUNT_LIMITED_MINUTES``, and moves the waiting rows of failed accounts to others
present in the same rooms (``bot.services.accounts``).
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from bot.clock import utcnow
from bot.db.engine import Database
from bot.db.models_accounts import DEFAULT_ACCOUNT, LIMITED, LOGGED_OUT, ONLINE, Account
from bot.services import accounts
from bot.transports.base import Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AccountSpec:
    id: str
    credentials: str | None  # settings prefix of its secrets


def specs(raw: str) -> list[AccountSpec]:
    """``wx-east,wx-west:WEST`` → the accounts to drive; ValueError on a malformed list."""
    found: list[AccountSpec] = []
    for item in (raw or "").replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        account_id, _, creds = item.partition(":")
        account_id = account_id.strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", account_id) or account_id == DEFAULT_ACCOUNT:
            raise ValueError(f"ACCOUNTS: {account_id!r} is not a usable account id")
        creds = (creds.strip() or re.sub(r"[^A-Za-z0-9]", "_", account_id)).upper()
        if any(s.id == account_id for s in found):
            raise ValueError(f"ACCOUNTS: {account_id!r} is listed twice")
        found.append(AccountSpec(account_id, creds))
    return found


def secret(spec: AccountSpec, name: str) -> str | None:
    return os.environ.get(f"{spec.credentials}_{name}") or None


def make_account_transport(settings: Any, spec: AccountSpec, make: Callable[[Any], Transport]) -> Transport:
    """The transport of one account: the platform settings with that account's credentials."""
    if settings.transport == "wechaty":
        token, endpoint = secret(spec, "TOKEN"), secret(spec, "ENDPOINT")
        if not (token or endpoint):
            raise ValueError(f"account {spec.id}: set {spec.credentials}_TOKEN and/or {spec.credentials}_ENDPOINT")
        settings = settings.model_copy(update={"wechaty_puppet_service_token": token,
                                               "wechaty_puppet_service_endpoint": endpoint})
    return make(settings)


def observed_state(transport: Transport) -> str | None:
    """What the transport says about its account: online, logged_out, or None (no news)."""
    state = transport.health().get("state")
    if state is None:
        return ONLINE  # platforms without a login (simulator, WeCom robots)
    if state == "online":
        return ONLINE
    if state == "logged_out":
        return LOGGED_OUT
    return None  # connecting, backoff: the reconnect loop is on it


class NoTransport(Transport):
    """``gridbot web``: the web app without a platform account; sends nothing."""

    name = "web"

    async def start(self, on_message) -> None:
        return None

    async def send(self, message, idempotency_key: str | None = None) -> None:
        from bot.transports.base import SendError

        raise SendError("this process drives no account", retryable=True)

    def health(self) -> dict:
        return {"transport": self.name, "started": False}


class Watcher:
    """Keeps the account rows in step with the transports (see the module doc)."""

    def __init__(self, db: Database, settings: Any, transports: dict[str, Transport],
                 wake: Callable[[], None]) -> None:
        self.db, self.settings, self.transports, self.wake = db, settings, transports, wake
        self.states: dict[str, str] = {}  # last known state per driven account
        self._task: asyncio.Task | None = None

    def paused(self, account_id: str) -> Callable[[], bool]:
        """The account's sender claims nothing while this is true: the account is not online,
        or (a driven account) its transport is not connected; its rows wait, in order,
        instead of using up their attempts."""
        transport = self.transports[account_id]
        strict = account_id != DEFAULT_ACCOUNT

        def paused() -> bool:
            if self.states.get(account_id, ONLINE) != ONLINE:
                return True
            return strict and observed_state(transport) != ONLINE
        return paused

    async def register(self, owners: dict[str, str], credentials: dict[str, str | None]) -> None:
        async with self.db.transaction() as session:
            for account_id, transport in self.transports.items():
                row = await accounts.register(session=session, account_id=account_id, platform=transport.name,
                                              credentials=credentials.get(account_id), driven_by=owners[account_id])
                self.states[account_id] = row.state

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="account-watcher")

    async def stop(self) -> None:
        if self._task is None:
            return  # never started (gridbot web): it drives nothing
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        try:
            async with self.db.transaction() as session:
                for account_id in self.transports:
                    account = await session.get(Account, account_id)
                    if account is not None:
                        account.driven_by = None
            accounts.forget_driven()
        except Exception:  # noqa: BLE001 - stopping anyway; a stale driven_by only widens a fallback
            log.warning("could not clear driven_by of %s", list(self.transports))

    async def _run(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:  # noqa: BLE001 - the next check tries again
                log.exception("account check failed")
            await asyncio.sleep(self.settings.account_check_seconds)

    async def check(self) -> None:
        now = utcnow()
        changed = False
        async with self.db.transaction() as session:
            for account_id, transport in self.transports.items():
                account = await session.get(Account, account_id)
                if account is None:
                    continue
                seen = observed_state(transport)
                want = account.state
                if account.state == LIMITED:
                    cooled = now - account.state_since >= timedelta(minutes=self.settings.account_limited_minutes)
                    if cooled and seen == ONLINE:
                        want = ONLINE
                elif account.state in (ONLINE, LOGGED_OUT) and seen is not None:
                    want = seen
                if want != account.state:
                    changed |= await accounts.set_state(session=session, account_id=account_id, state=want,
                                                        reason=f"transport: {transport.health().get('state')}",
                                                        now=now)
                    await session.refresh(account)
                self.states[account_id] = account.state
            moved = await accounts.reroute_failed(session=session)
        if changed or moved:
            self.wake()

    async def limited(self, account_id: str, reason: str) -> None:
        """The platform refused a send as too frequent: pause the account and move its rows."""
        self.states[account_id] = LIMITED
        async with self.db.transaction() as session:
            await accounts.set_state(session=session, account_id=account_id, state=LIMITED, reason=reason)
        self.wake()

    def reporter(self, account_id: str):
        async def report(state: str, reason: str) -> None:
            if state == LIMITED:
                await self.limited(account_id, reason)
            else:
                self.states[account_id] = state
                async with self.db.transaction() as session:
                    await accounts.set_state(session=session, account_id=account_id, state=state, reason=reason)
                self.wake()
        return report
