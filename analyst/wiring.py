"""Wiring: turn the resolved configuration into a database, a model, loop settings and a session.

Every front end (ask, batch, chat, replay, eval) builds its parts here, so they open databases
and resolve keys the same way; the session itself (log and loop) is `sessions/session.py`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyst.config import Config
from analyst.errors import EXIT_DATABASE, UserError
from sessions.session import ResolvedModel, Session
from tools.redaction import (
    ambiguous_url_password,
    is_mysql_url,
    is_postgres_url,
    is_url_shaped,
    redact_secrets,
    url_scheme,
)

_KEYWORD_DSN = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|password|port|sslmode|service)\s*=", re.IGNORECASE)


def database_key(spec: str | None) -> str | None:
    """One database however its path is spelled (`shop.duckdb`, `./shop.duckdb`): a run opens it once."""
    if spec is None or is_url_shaped(spec):
        return spec
    return str(Path(spec).expanduser().resolve())


def open_database(config: Config, db: str | None = None, *, origin: str | None = None) -> Any:
    """Open `db` (or the configured one, or the bundled sample) read-only; exit 4 if it can't.

    `origin` names where `db` came from when it is not --db (a batch or suite line, e.g.
    `q.jsonl, line 3 (id q3)`): the error starts with it, and its fix speaks of that line."""
    from tools.databases.base import DatabaseOpenError

    spec = db or config.db
    try:
        if spec and is_postgres_url(spec):
            return _warn_unmatched_exclusions(config, _open_postgres(spec, config))
        if spec and is_mysql_url(spec):
            return _warn_unmatched_exclusions(config, _open_mysql(spec, config))
        from analyst.setting_values import max_memory_bytes
        from tools.databases.duckdb import EngineSettings, open_duckdb

        settings = EngineSettings(
            threads=config.threads,
            memory_limit=config.memory_limit,
            max_memory=max_memory_bytes(config.max_memory),
            timeout_s=config.timeout,
        )
        if spec and is_url_shaped(spec):
            raise DatabaseOpenError(*_unopenable_url(spec))
        if spec and not Path(spec).expanduser().exists() and _KEYWORD_DSN.search(spec):
            # never echoed: it may hold a password
            raise UserError(
                "--db looks like a PostgreSQL keyword connection string (host=... dbname=...); pass a URL "
                "instead: postgresql://USER@HOST:PORT/DBNAME, with the password in PGPASSWORD or ~/.pgpass",
                EXIT_DATABASE,
            )
        if spec and _is_sqlite(Path(spec).expanduser()):
            return _warn_unmatched_exclusions(config, _open_sqlite(Path(spec).expanduser(), config))
        if spec:
            path = Path(spec).expanduser()
        else:
            from tools.sample import sample_database

            path = sample_database(config.cache_dir)
        database = open_duckdb(
            path,
            config.cache_dir,
            settings,
            exclude_tables=tuple(config.exclude_tables),
            exclude_columns=tuple(config.exclude_columns),
        )
        for notice in database.notices:  # files of a folder left out, and why
            print(f"analyst: warning: {notice}", file=sys.stderr)
        return _warn_unmatched_exclusions(config, database)
    except DatabaseOpenError as exc:
        if origin is None:
            raise UserError(redact_secrets(str(exc)), EXIT_DATABASE) from None
        fix = (
            exc.fix
            if exc.fix and "--db" not in exc.fix
            else 'fix its "db" (a relative path is read from the file\'s folder)'
        )
        raise UserError(redact_secrets(f"{origin}: {exc.message} — {fix}"), EXIT_DATABASE) from None


def _unopenable_url(spec: str) -> tuple[str, str]:
    """A URL that is not a libpq one is never a file path: refuse it by its scheme alone (the rest
    may hold a password), naming the spelling that works."""
    scheme = url_scheme(spec)
    base = scheme.lower().split("+", 1)[0].removeprefix("jdbc:")
    postgres = base in ("postgresql", "postgres")
    mysql = base in ("mysql", "mariadb")
    what = "a PostgreSQL URL libpq does not read" if postgres else "not a database analyst reads"
    return (
        f"{scheme}://… is {'a MySQL URL analyst does not read' if mysql else what}",
        "write postgresql://USER@HOST:PORT/DBNAME or mysql://USER@HOST:PORT/DBNAME (lowercase, no +driver or "
        "jdbc:) with the password in PGPASSWORD / ~/.pgpass or MYSQL_PWD / ~/.my.cnf, or give a .duckdb, SQLite, "
        "CSV, Parquet or JSON path",
    )


def _warn_unmatched_exclusions(config: Config, database: Any) -> Any:
    """An exclusion pattern that matches nothing is most likely a typo that leaves exposed what
    it meant to hide: say so once, on stderr, before anything runs (this reads the catalog now)."""
    from tools.catalog import exclusion_warnings

    if not (config.exclude_tables or config.exclude_columns):
        return database
    try:
        catalog = database.catalog()
    except BaseException:
        database.close()
        raise
    for line in exclusion_warnings(catalog, database.uri):
        flag = next((f for f in ("--exclude-table", "--exclude-column") if line.startswith(f)), "")
        source = config.sources.get("exclude_tables" if flag == "--exclude-table" else "exclude_columns", "flag")
        if flag and source != "flag":  # name where the pattern came from
            origin = source.removeprefix("config (").removesuffix(")") if source.startswith("config (") else source
            line = f"{flag.lstrip('-').replace('-', '_')}s in {origin}:{line[len(flag) :]}"
        print(f"analyst: warning: {line}", file=sys.stderr)
    return database


def _is_sqlite(path: Path) -> bool:
    """`.sqlite`/`.sqlite3` by name; any other file (`.db` included) by its SQLite header."""
    from tools.databases.sqlite import SQLITE_SUFFIXES, is_sqlite_file

    return path.suffix.lower() in SQLITE_SUFFIXES[:2] or (path.is_file() and is_sqlite_file(path))


def _open_sqlite(path: Path, config: Config) -> Any:
    from analyst.setting_values import max_memory_bytes
    from tools.databases.sqlite import open_sqlite_engine

    return open_sqlite_engine(
        path,
        exclude_tables=tuple(config.exclude_tables),
        exclude_columns=tuple(config.exclude_columns),
        max_memory=max_memory_bytes(config.max_memory),
        timeout_s=config.timeout,
    )


def _open_postgres(spec: str, config: Config) -> Any:
    try:
        from tools.databases.postgres import (
            PASSWORD_IN_URL_WARNING,
            SessionSettings,
            dsn_has_password,
            open_postgres,
        )
    except ModuleNotFoundError:
        raise UserError("PostgreSQL needs the postgres extra: pip install 'analyst[postgres]'", EXIT_DATABASE) from None
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError:
        raise UserError("PostgreSQL needs psycopg: pip install 'analyst[postgres]'", EXIT_DATABASE) from None
    if ambiguous_url_password(spec):  # never echoed: libpq would show part of the password as the host
        raise UserError(
            "the PostgreSQL URL's user:password part holds an unencoded @ or / — percent-encode it (@ is %40, "
            "/ is %2F), or better, put the password in PGPASSWORD or ~/.pgpass",
            EXIT_DATABASE,
        )
    if dsn_has_password(spec):
        print(f"analyst: warning: {PASSWORD_IN_URL_WARNING}", file=sys.stderr)
    return open_postgres(
        spec,
        exclude_tables=tuple(config.exclude_tables),
        exclude_columns=tuple(config.exclude_columns),
        settings=SessionSettings(statement_timeout_s=config.timeout),  # the catalog and checks too
    )


def _open_mysql(spec: str, config: Config) -> Any:
    """MySQL or MariaDB: the password from the URL, else MYSQL_PWD, else the `[client]` section of
    ~/.my.cnf, as the mysql client reads them (here: only the shell reads the environment and
    files of settings). Only the password is taken from the file: a `socket` or `host` there
    must not move the connection away from the URL that is shown and logged."""
    import os

    try:
        import pymysql  # noqa: F401
    except ModuleNotFoundError:
        raise UserError("MySQL needs the mysql extra: pip install 'analyst[mysql]'", EXIT_DATABASE) from None
    from tools.databases.mysql import PASSWORD_IN_URL_WARNING, open_mysql, url_has_password

    if ambiguous_url_password(spec):  # never echoed
        raise UserError(
            "the MySQL URL's user:password part holds an unencoded @ or / — percent-encode it (@ is %40, / is %2F), "
            "or better, put the password in MYSQL_PWD or ~/.my.cnf",
            EXIT_DATABASE,
        )
    if url_has_password(spec):
        print(f"analyst: warning: {PASSWORD_IN_URL_WARNING}", file=sys.stderr)
    return open_mysql(
        spec,
        password=os.environ.get("MYSQL_PWD") or _my_cnf_password(Path("~/.my.cnf").expanduser()),
        catalog_timeout_s=config.timeout,  # the catalog is read under the query time limit
        exclude_tables=tuple(config.exclude_tables),
        exclude_columns=tuple(config.exclude_columns),
    )


def _my_cnf_password(path: Path) -> str | None:
    """The `password` of the `[client]` section of a MySQL option file, quotes removed; None when
    the file, the section or the key is missing or the file does not read as an option file."""
    import configparser

    parser = configparser.ConfigParser(allow_no_value=True, strict=False, interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    value = parser.get("client", "password", fallback=None)
    if value is None:
        return None
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def build_model(config: Config, name: str | None = None, stream: bool | None = None) -> ResolvedModel:
    """Parse the model name, resolve its key and base URL, and build the adapter."""
    from agents.models.registry import (
        PROVIDERS,
        ModelNameError,
        create_model,
        parse_model_name,
    )
    from agents.models.scripted import ScriptError
    from analyst.keys import missing_key_message, resolve_key

    full = name or config.model
    try:
        parsed = parse_model_name(full, tuple(config.endpoints))
    except ModelNameError as exc:
        raise UserError(str(exc)) from None
    endpoint = config.endpoints.get(parsed.provider)
    api_key = None
    supports_tools = config.tools
    window = None
    if endpoint is not None:
        base_url: str | None = endpoint.base_url
        found = resolve_key(endpoint.name, endpoint.key_env)
        api_key = found.value  # local servers often need none; the adapter sends a dummy
        supports_tools = supports_tools and endpoint.tools
        window = endpoint.context_window
    else:
        provider = PROVIDERS[parsed.provider]
        if provider.needs_key:
            found = resolve_key(parsed.provider, provider.key_env)
            if found.note:
                print(f"analyst: {found.note}", file=sys.stderr)
            if not found.value:
                raise UserError(missing_key_message(parsed.provider, provider.key_env))
            api_key = found.value
        base_url = config.values.get(f"{parsed.provider}_base_url")
    try:
        model = create_model(
            parsed,
            api_key=api_key,
            base_url=base_url,
            timeout=config.model_timeout,
            max_retries=config.model_retries,
            supports_tools=supports_tools,
            stream=config.stream if stream is None else stream,
            context_window_tokens=window,
        )
    except ScriptError as exc:
        raise UserError(str(exc)) from None
    except ModuleNotFoundError as exc:
        raise UserError(f"the {parsed.provider} adapter needs the package {exc.name!r}; reinstall analyst") from None
    return ResolvedModel(model, api_key)


def loop_settings(config: Config, *, summarize: bool = True, max_rows: int | None = None) -> Any:
    from agents.models.registry import PRICES
    from agents.settings import Settings
    from tools.databases.base import Limits

    return Settings(
        limits=Limits(timeout_s=config.timeout, max_rows=max_rows or config.max_rows),
        max_cost_usd=config.max_cost,
        max_tokens=config.max_tokens,
        summarize=summarize,
        log_rows=config.log_rows,
        schema_budget=config.schema_budget,
        data_to_model=config.data_to_model,
        prices={**PRICES, **config.prices},
    )


def run_settings(
    config: Config, resolved: ResolvedModel, *, summarize: bool = True, max_rows: int | None = None
) -> Any:
    """Settings for a run of many conversations (batch, eval): `--max-cost` caps the whole run
    through one shared Budget instead of each conversation."""
    from dataclasses import replace

    from agents.budget import Budget

    settings = loop_settings(config, summarize=summarize, max_rows=max_rows)
    require_price(config, resolved, settings)
    return replace(settings, max_cost_usd=None, budget=Budget(config.max_cost) if config.max_cost is not None else None)


def require_price(config: Config, resolved: ResolvedModel, settings: Any) -> None:
    """With --max-cost set, a model without a known price is refused before anything is spent."""
    from agents.models.base import Usage
    from agents.models.registry import cost_usd

    name = resolved.model.name
    if config.max_cost is not None and cost_usd(name, Usage(1, 1), settings.prices) is None:
        raise UserError(
            f"--max-cost is set but {name} has no known price; add it under [prices] in config.toml "
            "(USD per million input and output tokens) or drop --max-cost"
        )


def open_session(
    config: Config,
    database: Any,
    resolved: ResolvedModel,
    settings: Any,
    observer: Callable[[Any], None] | None = None,
    on_text: Callable[[str, str], None] | None = None,
) -> Session:
    """A logged session as the configuration asks (its folder, its exclusions); a log that cannot
    be written is a one-line error naming ANALYST_HOME."""
    from sessions.log import LogWriteError

    try:
        return Session(
            config.sessions_dir,
            database,
            resolved,
            settings,
            exclude_tables=config.exclude_tables,
            exclude_columns=config.exclude_columns,
            observer=observer,
            on_text=on_text,
        )
    except LogWriteError as exc:
        raise UserError(f"{exc}; check that ANALYST_HOME ({config.home}) is writable") from None


def load_logged_session(config: Config, ref: str) -> Any:
    """The logged session a person named (an id, a unique prefix or a path), or a one-line error."""
    from sessions.store import SessionNotFound, find_session, load_session

    try:
        return load_session(find_session(ref, config.sessions_dir))
    except SessionNotFound as exc:
        raise UserError(str(exc)) from None


def recorded_settings(config: Config, record: Any) -> Any:
    """Loop settings as recorded (limits matter for fingerprints), else the current ones."""
    from dataclasses import replace

    from tools.databases.base import Limits

    recorded = record.started.settings
    settings = loop_settings(config)
    limits = Limits(
        timeout_s=float(recorded.get("timeout", settings.limits.timeout_s)),
        max_rows=int(recorded.get("max_rows", settings.limits.max_rows)),
    )
    return replace(settings, limits=limits, max_cost_usd=None)
