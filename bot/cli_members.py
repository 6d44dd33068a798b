"""`gridbot import-members FILE.xlsx`, `gridbot export-ledger COMMUNITY FILE`, `gridbot export-statement PERSON FILE`,
`gridbot export-rules COMMUNITY FILE`, `gridbot import-rules COMMUNITY FILE` (the community's rule table)."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from bot.replies import say


def add_parsers(sub) -> dict:
    """Add this area's subcommands; returns their runners by name for bot/cli.py."""
    file, community, person = say("cli_metavar_file"), say("cli_metavar_community"), say("cli_metavar_person")
    imp = sub.add_parser("import-members", help=say("cli_import"), description=say("cli_import"))
    imp.add_argument("file", metavar=file, help=say("cli_import_file"))
    imp.add_argument("--community", metavar=community, help=say("cli_import_community"))
    ledger = sub.add_parser("export-ledger", help=say("cli_ledger"), description=say("cli_ledger"))
    ledger.add_argument("community", metavar=community, help=say("cli_ledger_community"))
    ledger.add_argument("file", metavar=file, help=say("cli_ledger_file"))
    ledger.add_argument("--year", type=int, metavar=say("cli_metavar_year"), help=say("cli_ledger_year"))
    statement = sub.add_parser("export-statement", help=say("cli_statement"), description=say("cli_statement"))
    statement.add_argument("person", metavar=person, help=say("cli_statement_person"))
    statement.add_argument("file", metavar=file, help=say("cli_statement_file"))
    rules_out = sub.add_parser("export-rules", help=say("cli_rules_out"), description=say("cli_rules_out"))
    rules_out.add_argument("community", metavar=community, help=say("cli_ledger_community"))
    rules_out.add_argument("file", metavar=file, help=say("cli_ledger_file"))
    rules_in = sub.add_parser("import-rules", help=say("cli_rules_in"), description=say("cli_rules_in"))
    rules_in.add_argument("community", metavar=community, help=say("cli_ledger_community"))
    rules_in.add_argument("file", metavar=file, help=say("cli_import_file"))
    return {"import-members": import_members, "export-ledger": export_ledger, "export-statement": export_statement,
            "export-rules": export_rules, "import-rules": import_rules}


async def _database(settings: Settings):
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    db = Database(settings.database_url)
    await upgrade(db.engine)
    return db


async def import_members(settings: Settings, args) -> int:
    from bot.services import roster_import

    if not Path(args.file).is_file():
        print(say("cli_file_missing", path=args.file), file=sys.stderr)
        return 2
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

    db = await _database(settings)
    try:
        async with db.sessions() as session:
            data = await produce(session)
    except DomainError as error:
        print(say(error.key, **error.fields), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        print(say("cli_cannot_write", path=path, error=exc.strerror or exc), file=sys.stderr)
        return 1
    print(say("cli_wrote", path=path, size=len(data)))
    return 0


async def export_ledger(settings: Settings, args) -> int:
    from bot.services import exports

    return await _export(settings, args.file, lambda s: exports.ledger_xlsx(
        session=s, community_id=args.community, year=args.year))


async def export_statement(settings: Settings, args) -> int:
    from bot.services import exports

    return await _export(settings, args.file, lambda s: exports.statement_xlsx(session=s, person_id=args.person))


async def export_rules(settings: Settings, args) -> int:
    from bot.services import custom_rules

    return await _export(settings, args.file, lambda s: custom_rules.table_xlsx(session=s, community_id=args.community))


async def import_rules(settings: Settings, args) -> int:
    from bot.errors import DomainError
    from bot.services import custom_rules

    if not Path(args.file).is_file():
        print(say("cli_file_missing", path=args.file), file=sys.stderr)
        return 2
    db = await _database(settings)
    try:
        async with db.transaction() as session:
            counts = await custom_rules.import_xlsx(session=session, community_id=args.community,
                                                    data=Path(args.file).read_bytes(), actor_id=None)
    except DomainError as error:
        print(say(error.key, **error.fields), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(say("cli_rules_imported", **counts))
    return 0
