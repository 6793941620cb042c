"""The Textual front end (`analyst chat`). Textual is imported only inside this package, and only
when the app runs, so `analyst --help` stays light."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from analyst.config import Config

if TYPE_CHECKING:
    from agents.settings import Settings
    from analyst.tui.app import AnalystApp
    from sessions.session import ResolvedModel
    from tools.databases.base import Database


def run_chat(config: Config, db: str | None, model_name: str | None) -> int:
    """Open the database and the model (failing as one line, like `ask`), then run the app."""
    from analyst.errors import UserError
    from analyst.wiring import build_model, loop_settings, open_database, require_price

    database = open_database(config, db)
    try:
        stream = True if config.sources.get("stream") == "default" else None
        resolved = build_model(config, model_name, stream=stream)
        from dataclasses import replace

        from analyst.example_files import chooser_for

        settings = replace(loop_settings(config), examples=chooser_for(config, database))
        require_price(config, resolved, settings)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):  # Textual would wait for keys that never come
            raise UserError(
                "the chat needs a terminal (stdin and stdout); without one use "
                '`analyst ask "QUESTION" --approve auto|never` or `analyst batch FILE`'
            )
    except BaseException:
        database.close()
        raise
    app = build_app(config, database, resolved, settings)
    try:
        code = int(app.run() or 0)
    except BaseException:
        if app.shutdown():
            database.close()
        raise
    if app.shutdown():
        database.close()
        return code
    # A model call is still running in a thread that cannot be stopped; its turn is already
    # logged as interrupted. Leave now rather than wait for the call (or let the interpreter
    # tear down the database under it).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def build_app(
    config: Config, database: Database, resolved: ResolvedModel, settings: Settings | None = None
) -> AnalystApp:
    """The app over parts opened elsewhere (tests inject a scripted model and their database)."""
    from analyst.tui.app import AnalystApp
    from analyst.wiring import loop_settings

    return AnalystApp(config, database, resolved, settings or loop_settings(config))
