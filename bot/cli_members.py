"""`gridbot import-members FILE.xlsx`, `gridbot export-ledger COMMUNITY FILE`, `gridbot export-statement PERSON FILE`."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings


def add_parsers(sub) -> dict:
    """Add this area's subcommands; returns their runners by name for bot/cli.py."""
    imp = sub.add_parser("import-members", help="import a roster of members from an .xlsx file (all or nothing)")
    imp.add_argument("file")
    imp.add_argument("--community", help="community id for rows that leave 社区 empty")
    ledger = sub.add_parser("export-ledger", help="write a community's points ledger to an .xlsx file")
    ledger.add_argument("community")
    ledger.add_argument("file")
    ledger.add_argument("--year", type=int, help="only entries of this year (local time)")
    statement = sub.add_parser("export-statement", help="write a member's points statement to an .xlsx file")
    statement.add_argument("person")
    statement.add_argument("file")
    return {"import-members": import_members, "export-ledger": export_ledger, "export-statement": export_statement}


async def _database(settings: Settings):
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    db = Database(settings.database_url)
    await upgrade(db.engine)
    return db


async def import_members(settings: Settings, args) -> int:
    from bot.replies import say
    from bot.services import roster_import

    roster = roster_import.read(Path(args.file))
    db = await _database(settings)
    try:
        async with db.transaction() as session:
            errors = await roster_import.check(session=session, roster=roster, community_id=args.community)
            if errors:
                print(say("roster_rejected", count=len(errors)), file=sys.stderr)
                for error in errors:
                    print("  " + error.text, file=sys.stderr)
                return 2
            count = await roster_import.import_rows(session=session, roster=roster, community_id=args.community)
    finally:
        await db.dispose()
    print(say("roster_imported", count=count))
    return 0


async def _export(settings: Settings, path: str, produce) -> int:
    from bot.errors import DomainError
    from bot.replies import say

    db = await _database(settings)
    try:
        async with db.sessions() as session:
            data = await produce(session)
    except DomainError as error:
        print(say(error.key, **error.fields), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    Path(path).write_bytes(data)
    print(f"wrote {path} ({len(data)} bytes)")
    return 0


async def export_ledger(settings: Settings, args) -> int:
    from bot.services import exports

    return await _export(settings, args.file, lambda s: exports.ledger_xlsx(
        session=s, community_id=args.community, year=args.year))


async def export_statement(settings: Settings, args) -> int:
    from bot.services import exports

    return await _export(settings, args.file, lambda s: exports.statement_xlsx(session=s, person_id=args.person))
