"""`gridbot import-lists COMMUNITY FILE.xlsx`: a community's 三单 from a spreadsheet (issue 13)."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.replies import say


def add_parsers(sub) -> dict:
    """Add this area's subcommands; returns their runners by name for bot/cli.py."""
    imp = sub.add_parser("import-lists", help=say("cli_lists_import"), description=say("cli_lists_import"))
    imp.add_argument("community", metavar=say("cli_metavar_community"), help=say("cli_ledger_community"))
    imp.add_argument("file", metavar=say("cli_metavar_file"), help=say("cli_lists_import_file"))
    return {"import-lists": import_lists}


async def import_lists(settings: Settings, args) -> int:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services import list_import

    if not Path(args.file).is_file():
        print(say("cli_file_missing", path=args.file), file=sys.stderr)
        return 2
    sheet = list_import.read(Path(args.file))
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            errors, providers = await list_import.check(session=session, sheet=sheet, community_id=args.community)
            if errors:
                print(list_import.report(errors), file=sys.stderr)
                return 2
            added, updated = await list_import.import_rows(session=session, sheet=sheet,
                                                           community_id=args.community, providers=providers)
    finally:
        await db.dispose()
    print(say("lists_imported", added=added, updated=updated))
    return 0
