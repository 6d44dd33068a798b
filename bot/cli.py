"""`gridbot run | migrate | load FILE | import-members FILE | export-ledger COMMUNITY FILE | export-statement PERSON FILE`."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from pydantic import ValidationError

from bot.config import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridbot", description="GridBot (网格通)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot: transport, web server, sender")
    sub.add_parser("migrate", help="upgrade the database schema to the newest revision")
    load = sub.add_parser("load", help="load communities, grids, rooms and people from a YAML file")
    load.add_argument("file")
    from bot import cli_members

    runners = {"run": _run, "migrate": _migrate, "load": _load, **cli_members.add_parsers(sub)}
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        return _config_error("; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()))
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    print(f"配置错误 / configuration error: {message}\n请检查 .env 或环境变量（说明见 .env.example）。", file=sys.stderr)
    return 2


async def _run(settings: Settings, _args) -> int:
    from bot.runtime import Runtime

    runtime = Runtime(settings)
    try:
        await runtime.start()
    except BaseException:
        await runtime.stop()  # what did start (sender, scheduler) stops cleanly before we report
        raise
    print(f"GridBot 已启动：http://{settings.http_host}:{settings.http_port}/  (Ctrl+C 退出)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runtime.stop()
    return 0


async def _migrate(settings: Settings, _args) -> int:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade

    db = Database(settings.database_url)
    await upgrade(db.engine)
    await db.dispose()
    print("schema is up to date")
    return 0


async def _load(settings: Settings, args) -> int:
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services import loader

    try:
        data = loader.read_file(args.file)
    except loader.LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    await upgrade(db.engine)
    try:
        async with db.transaction() as session:
            counts = await loader.load(session=session, data=data)
    except loader.LoadError as exc:
        print(f"error: {exc} (nothing was loaded)", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print("loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
