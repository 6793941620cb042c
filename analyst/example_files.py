"""The verified examples of the database a command opened: where they are kept, loaded and saved.

Only the shell knows ANALYST_HOME and which database a person named, so the files are found
here and handed down: the loop receives a chooser (agents/examples.py), never a path.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyst.errors import UserError

if TYPE_CHECKING:
    from agents.examples import NearestExamples
    from analyst.config import Config
    from tools.examples import Example
    from tools.examples.store import ExampleStore

DEFAULT_COUNT = 3


def _local_file(database: Any) -> Path | None:
    """The database's own file (DuckDB, SQLite), None for a server or loose data files (CSV, ...)."""
    from tools.redaction import is_url_shaped

    files: tuple[Path, ...] = getattr(database, "data_files", ())
    if files:
        return None
    path = getattr(database, "path", None)
    if path is not None:
        return Path(path)
    uri = str(database.uri)  # an engine hosted in another process names its file here
    return Path(uri) if not is_url_shaped(uri) and Path(uri).is_file() else None


def identity_of(database: Any) -> str:
    """The database's identity for its examples: its file, or its URL without a password."""
    from tools.examples import database_identity

    path = _local_file(database)
    return database_identity(database.uri, str(path) if path is not None else None)


def team_file(database: Any) -> Path | None:
    """`shop.examples.jsonl` beside `shop.duckdb`; None for a server database or loose data files."""
    from tools.examples.store import team_path_for

    path = _local_file(database)
    return team_path_for(path) if path is not None else None


def store_for(config: Config, database: Any) -> ExampleStore:
    from tools.examples.store import ExampleStore, store_path

    return ExampleStore(store_path(config.home / "examples", identity_of(database)))


def stored(config: Config, database: Any) -> list[Example]:
    """This person's examples of the database, then the team's (one per content), stale ones included."""
    from tools.examples.example import Source
    from tools.examples.store import ExampleFileError, merged, read_examples

    try:
        mine = store_for(config, database).load()
        team_path = team_file(database)
        team = read_examples(team_path, Source.TEAM) if team_path is not None else []
    except ExampleFileError as exc:
        raise UserError(f"{exc}; fix or remove that file") from None
    return merged(mine, team)


def chooser_for(config: Config, database: Any, count: int | None = None) -> NearestExamples | None:
    """The examples a question's prompt may carry (None when examples are off or there are none)."""
    from agents.examples import NearestExamples
    from tools.examples import ExampleIndex

    limit = config.examples if count is None else count
    if limit <= 0:
        return None
    usable = [e for e in stored(config, database) if not e.stale]
    return NearestExamples(ExampleIndex(usable), limit) if usable else None


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def person() -> str:
    """Who approved, as the operating system names them (a verified repository records who)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def new_example(
    database: Any, question: str, sql: str, origin: str, *, session: str = "", turn: int = 0, at: str = ""
) -> Example:
    from tools.examples import Example, Origin, schema_fingerprint
    from tools.examples.example import new_id

    return Example(
        id=new_id(question, sql),
        database=identity_of(database),
        question=question.strip(),
        sql=sql.strip(),
        origin=Origin(origin),
        approved_by=person(),
        at=at or now(),
        session=session,
        turn=turn,
        schema_fingerprint=schema_fingerprint(database.catalog()),
    )
