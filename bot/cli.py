"""`gridbot run | web | migrate | load FILE | import-members FILE | export-ledger COMMUNITY FILE | export-statement PERSON FILE
| nlp retrain | nlp export-corrections FILE | import-lists COMMUNITY FILE | accounts [FILE]` (and the rule table's, bot/cli_members.py).

Everything it prints is Chinese (bot/replies/cli.py); errors go to stderr with exit code 2, never a traceback.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.cli_text import ChineseArgumentParser
from bot.config import Settings
from bot.replies import say


def main(argv: list[str] | None = None) -> int:
    parser = ChineseArgumentParser(prog="gridbot", description=say("cli_description"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=say("cli_commands_metavar"),
                                help=say("cli_commands_help"))
    sub.add_parser("run", help=say("cli_run"), description=say("cli_run"))
    sub.add_parser("migrate", help=say("cli_migrate"), description=say("cli_migrate"))
    load = sub.add_parser("load", help=say("cli_load"), description=say("cli_load"))
    load.add_argument("file", metavar=say("cli_metavar_file"), help=say("cli_load_file"))
    sub.add_parser("web", help=say("cli_web"), description=say("cli_web"))
    from bot import cli_accounts, cli_lists, cli_members, cli_nlp

    runners = {"run": _run, "web": _web, "migrate": _migrate, "load": _load, **cli_members.add_parsers(sub),
               **cli_nlp.add_parsers(sub), **cli_lists.add_parsers(sub), **cli_accounts.add_parsers(sub)}
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        return _config_error("; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()))
    from bot import logs

    logs.configure(settings.log_level, settings.log_format)
    for quiet in ("alembic", "apscheduler"):  # routine chatter; their warnings still show
        logging.getLogger(quiet).setLevel(logging.WARNING)
    try:
        return asyncio.run(runners[args.command](settings, args))
    except KeyboardInterrupt:
        return 0
    except (ValueError, OSError) as exc:
        # Settings that parse but cannot work (a transport without its token, a port in use,
        # an unsupported DATABASE_URL): one clear line, not a traceback.
        return _config_error(str(exc))


def _config_error(message: str) -> int:
    print(say("cli_config_error", message=message), file=sys.stderr)
    return 2


async def _web(settings: Settings, args) -> int:
    """The web app (console, read API, /metrics) and the scheduler, driving no account (issue 16)."""
    from bot.fleet import NoTransport

    return await _run(settings, args, transport=NoTransport())


async def _run(settings: Settings, _args, transport=None) -> int:
    from bot.runtime import Runtime

    runtime = Runtime(settings, transport=transport)
    try:
        await runtime.start(drive=transport is None)
    except BaseException:
        await runtime.stop()  # what did start (sender, scheduler) stops cleanly before we report
        raise
    _freeze_startup_objects()
    print(say("cli_started", host=settings.http_host, port=settings.http_port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runtime.stop()
    return 0


def _freeze_startup_objects() -> None:
    """What start-up loaded (modules, the lexicon and jieba's dictionaries, compiled statements)
    lives as long as the process: moved out of the collector's reach, a full collection no longer
    walks it, which held the event loop ~100 ms each time (bench.http_load's loop lag)."""
    import gc

    gc.collect()
    gc.freeze()


async def _migrate(settings: Settings, _args) -> int:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    db = Database(settings.database_url)
    await upgrade(db.engine)
    await db.dispose()
    print(say("cli_migrated"))
    return 0


async def _load(settings: Settings, args) -> int:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services import loader

    if not Path(args.file).is_file():
        print(say("cli_file_missing", path=args.file), file=sys.stderr)
        return 2
    try:
        data = loader.read_file(args.file)
    except loader.LoadError as exc:
        print(say("cli_load_error", message=exc), file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    await upgrade(db.engine)
    try:
        async with db.transaction() as session:
            counts = await loader.load(session=session, data=data)
    except loader.LoadError as exc:
        print(say("cli_load_nothing", message=exc), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(say("cli_loaded", **counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
