"""Platform accounts (issue 16): the bot's WeChat/WeCom identities, and the rooms each sits in.

A deployment runs many accounts (one per community or street), driven by several
processes on one database. Every outbox row is bound to one account when it is queued
(``bot.services.accounts.bind``); a process sends only the rows of the accounts it
drives (``Settings.accounts``). Secrets never live here: ``credentials`` names the
settings that hold them (``<CREDENTIALS>_TOKEN``, ``<CREDENTIALS>_ENDPOINT``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.clock import utcnow

ONLINE, LOGGED_OUT, LIMITED, BANNED = "online", "logged_out", "limited", "banned"
STATES = (ONLINE, LOGGED_OUT, LIMITED, BANNED)
# The account rows are bound to when nothing else is known: existing rows after the
# migration, and a process started without ``ACCOUNTS`` (one account, as before).
DEFAULT_ACCOUNT = "default"


class Account(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    platform: str = Field(max_length=16)  # "wechaty", "wecom", "sim"; "any" for the default account
    name: str = Field(max_length=64)
    credentials: str | None = Field(default=None, max_length=64)  # settings prefix, e.g. "WX_EAST"
    state: str = Field(default=ONLINE, max_length=16)  # one of STATES
    state_reason: str | None = Field(default=None, max_length=200)
    state_since: datetime = Field(default_factory=utcnow)
    driven_by: str | None = Field(default=None, max_length=200)  # the sender owner id last driving it
    created_at: datetime = Field(default_factory=utcnow)


class RoomAccount(SQLModel, table=True):
    """An account present in a room; ``preferred`` marks the one that normally speaks there."""

    __table_args__ = (Index("ix_roomaccount_account", "account_id", "room_id"),)
    room_id: str = Field(primary_key=True, max_length=128)
    account_id: str = Field(primary_key=True, foreign_key="account.id", max_length=64)
    preferred: bool = False
    source: str = Field(default="platform", max_length=16)  # "platform" (learned) | "loaded"
    since: datetime = Field(default_factory=utcnow)
