"""`gridbot accounts [FILE]`: load platform accounts and the rooms they sit in, then list them (issue 16).

FILE (YAML)::

    accounts:
      - id: wx-xingfuli            # as in ACCOUNTS
        platform: wechaty
        name: 幸福里网格通
        credentials: WX_XINGFULI   # optional: the settings prefix of its secrets (default from the id)
        rooms: [wx:east@chatroom, wx:west@chatroom]   # rooms it is in
        preferred: [wx:east@chatroom]                 # rooms where it normally speaks

Loading again is safe: accounts are updated by id, rooms added (never removed).
"""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.replies import say


def add_parsers(sub) -> dict:
    cmd = sub.add_parser("accounts", help=say("cli_accounts"), description=say("cli_accounts"))
    cmd.add_argument("file", nargs="?", metavar=say("cli_metavar_file"), help=say("cli_accounts_file"))
    return {"accounts": accounts_command}


def parse(data: object) -> list[dict]:
    """The accounts of a loaded YAML document; ValueError (Chinese) on anything malformed."""
    from bot.fleet import specs

    items = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError(say("cli_accounts_shape"))
    found = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError(say("cli_accounts_item", n=n))
        try:
            spec = specs(item["id"])[0]
        except (ValueError, IndexError):
            raise ValueError(say("cli_accounts_id", n=n, id=item["id"])) from None
        rooms, preferred = item.get("rooms") or [], item.get("preferred") or []
        if not all(isinstance(r, str) and r for r in [*rooms, *preferred]) or not isinstance(rooms, list) \
                or not isinstance(preferred, list):
            raise ValueError(say("cli_accounts_rooms", n=n))
        found.append({"id": spec.id, "platform": str(item.get("platform") or "wechaty"),
                      "name": str(item.get("name") or spec.id), "credentials": item.get("credentials") or spec.credentials,
                      "rooms": list(dict.fromkeys([*rooms, *preferred])), "preferred": set(preferred)})
    return found


async def accounts_command(settings: Settings, args) -> int:
    import yaml

    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services import accounts

    wanted: list[dict] = []
    if args.file:
        if not Path(args.file).is_file():
            print(say("cli_file_missing", path=args.file), file=sys.stderr)
            return 2
        try:
            wanted = parse(yaml.safe_load(Path(args.file).read_text(encoding="utf-8")))
        except (ValueError, yaml.YAMLError) as exc:
            print(say("cli_load_error", message=exc), file=sys.stderr)
            return 2
    db = Database(settings.database_url)
    await upgrade(db.engine)
    try:
        async with db.transaction() as session:
            for item in wanted:
                await accounts.register(session=session, account_id=item["id"], platform=item["platform"],
                                        name=item["name"], credentials=item["credentials"], driven_by=accounts.KEEP)
                for room in item["rooms"]:
                    await accounts.place(session=session, room_id=room, account_id=item["id"],
                                         preferred=room in item["preferred"])
            rows = await accounts.rooms_by_account(session=session)
    finally:
        await db.dispose()
    if wanted:
        print(say("cli_accounts_loaded", accounts=len(wanted), rooms=sum(len(i["rooms"]) for i in wanted)))
    for account_id, platform, state, rooms, preferred in rows:
        print(say("cli_accounts_line", id=account_id, platform=platform, state=state, rooms=rooms,
                  preferred=preferred))
    return 0
