"""What a SQLite file holds: tables, views, columns, declared types, keys, row counts and samples.

Introspection reads `sqlite_schema` and the `table_xinfo` / `foreign_key_list` pragmas on a
connection of its own (read-only, `query_only`, the introspection authorizer below). Excluded
tables and hidden columns are dropped before counting and sampling, so their values are never
read. Which views read excluded data is asked of SQLite itself: compiling `SELECT * FROM view`
(EXPLAIN compiles without running) reports to the authorizer every table and column the view
reads, through other views too, and every function it calls; a view reading an excluded table or
a hidden column (also only through `USING` or `NATURAL JOIN`, seen in its program, program.py) is dropped, and so, while anything is excluded, is one calling a function off the
allowlist. Generated columns computed from a hidden column are hidden with it (SQLite does not
report the columns a generation expression reads, so the CREATE TABLE text is parsed for them).
Counting and sampling run under a deadline each, so a huge table costs seconds, not minutes.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from tools.catalog import (
    Catalog,
    Column,
    ForeignKey,
    Table,
    column_excluded,
    dependent_views,
    split_columns,
    table_excluded,
    unmatched_exclusions,
    without_columns,
)
from tools.catalog.derived import Generated, column_notes, hidden_columns, opaque_view_note
from tools.databases.sqlite.authorizer import OPERATOR_FUNCTIONS
from tools.databases.sqlite.connection import Stop
from tools.databases.sqlite.program import hidden_layout, reads_hidden
from tools.guard.names import fold

SCHEMA = "main"
SAMPLE_MAX_DISTINCT = 12
COUNT_SECONDS = 2.0  # per table or view; past it the row count is SQLite's estimate (sqlite_stat1) or unknown
SAMPLE_SECONDS = 1.0  # per column
SAMPLE_MAX_ROWS = 1_000_000  # larger tables are not sampled: one grouping scan per text column


@dataclass
class _Recorder:
    """An authorizer that allows reads and records them: what compiling a statement would read."""

    reads: set[tuple[str, str]] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    pragmas: frozenset[str] = frozenset({"table_xinfo", "index_xinfo", "foreign_key_list"})

    def __call__(self, action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None) -> int:
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and db in ("main", None) and arg1:
            self.reads.add((fold(arg1), fold(arg2 or "")))
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            self.functions.add(fold(arg2 or ""))
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and fold(arg1 or "") in self.pragmas and arg2 is not None:
            return sqlite3.SQLITE_OK  # PRAGMA table_xinfo("t"): a read of the schema, no setting
        return sqlite3.SQLITE_DENY


def introspect(
    con: sqlite3.Connection,
    exclude_tables: tuple[str, ...],
    exclude_columns: tuple[str, ...],
    allowed_functions: frozenset[str],
) -> Catalog:
    """The catalog of the main schema of `con`, whose authorizer is replaced by a recorder."""
    recorder = _Recorder()
    con.set_authorizer(recorder)
    rows = con.execute(
        "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    relations = [(str(kind), str(name), str(sql or "")) for kind, name, sql in rows]
    info = {name: con.execute(f"PRAGMA table_xinfo({_quote(name)})").fetchall() for _, name, _ in relations}
    by_table = {
        name: [
            Column(str(r[1]), str(r[2] or "") or "ANY", None, not r[3] and not r[5]) for r in info[name] if r[6] != 1
        ]
        for _, name, _ in relations
    }
    generated = _generated(relations, info)
    hidden_keys = {
        (SCHEMA, name, col.name)
        for name, cols in by_table.items()
        for col in cols
        if column_excluded(SCHEMA, name, col.name, exclude_columns)
    }
    also: dict[str, set[str]] = {}
    if exclude_columns:
        for _, table, column in hidden_columns(hidden_keys, generated, {}, {}) - hidden_keys:
            also.setdefault(table, set()).add(column)
    kept = {name for _, name, _ in relations if not table_excluded(SCHEMA, name, exclude_tables)}
    opaque: list[str] = []
    if exclude_tables or exclude_columns:
        hidden = {
            fold(t): {fold(c) for c in cols} for t, cols in _hidden_by_table(by_table, exclude_columns, also).items()
        }
        dropped, opaque = _views_over_excluded(con, recorder, relations, kept, hidden, allowed_functions)
        kept -= dropped
    stats = _estimates(con)
    tables: list[Table] = []
    for kind, name, _ in relations:
        if name not in kept:
            continue
        columns, hidden_names = split_columns(SCHEMA, name, by_table[name], exclude_columns, also.get(name, ()))
        count = _count(con, name)
        if count is not None and count <= SAMPLE_MAX_ROWS:
            columns = _with_samples(con, name, columns)
        tables.append(
            Table(
                schema=SCHEMA,
                name=name,
                columns=tuple(columns),
                primary_key=tuple(str(r[1]) for r in sorted((r for r in info[name] if r[5]), key=lambda r: r[5])),
                foreign_keys=_foreign_keys(con, name, kept, info) if kind == "table" else (),
                row_count=count if count is not None else stats.get(fold(name)),
                row_count_estimated=count is None,
                kind=kind,
                hidden_columns=hidden_names,
            )
        )
    unmatched = unmatched_exclusions(
        ((SCHEMA, name, [c.name for c in by_table[name]]) for _, name, _ in relations), exclude_tables, exclude_columns
    )
    shown = {(SCHEMA, name): [c.name for c in cols] for name, cols in by_table.items() if name in kept}
    notes = column_notes({(SCHEMA, t, c) for t, cs in also.items() for c in cs}, generated, shown)
    notes += [opaque_view_note(view) for view in opaque]
    catalog = Catalog(
        dialect="sqlite",
        tables=tuple(tables),
        default_schema=SCHEMA,
        unmatched_exclusions=unmatched,
        exclusion_notes=tuple(notes),
    )
    return without_columns(catalog, exclude_columns)


def _hidden_by_table(
    by_table: dict[str, list[Column]], exclude_columns: tuple[str, ...], also: dict[str, set[str]]
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, cols in by_table.items():
        _, hidden = split_columns(SCHEMA, name, cols, exclude_columns, also.get(name, ()))
        if hidden:
            out[name] = hidden
    return out


def _views_over_excluded(
    con: sqlite3.Connection,
    recorder: _Recorder,
    relations: list[tuple[str, str, str]],
    kept: set[str],
    hidden: dict[str, set[str]],
    allowed_functions: frozenset[str],
) -> tuple[set[str], list[str]]:
    excluded = {fold(name) for _, name, _ in relations} - {fold(n) for n in kept}
    layout = hidden_layout(con, {table: frozenset(cols) for table, cols in hidden.items()}, frozenset(excluded))
    """Views that read an excluded table or a hidden column (through other views too), or that
    call a function off the allowlist (they could show anything), as SQLite compiles them."""
    uses: dict[str, set[str]] = {}
    bad: set[str] = set()
    opaque: list[str] = []
    for kind, name, _ in relations:
        if kind != "view":
            continue
        recorder.reads.clear()
        recorder.functions.clear()
        key = fold(name)
        try:
            program = con.execute(f"EXPLAIN SELECT * FROM {_quote(name)}").fetchall()
        except sqlite3.Error:
            bad.add(key)  # does not compile: nothing can read it anyway
            continue
        if reads_hidden(program, layout):  # USING / NATURAL JOIN over a hidden column or an excluded table
            bad.add(key)
        uses[key] = {table for table, _ in recorder.reads if table != key}
        if any(column in hidden.get(table, ()) for table, column in recorder.reads):
            bad.add(key)
        if recorder.functions - allowed_functions - OPERATOR_FUNCTIONS:
            bad.add(key)
            opaque.append(f"{SCHEMA}.{name}")
    dropped = dependent_views(uses, excluded | bad)
    return {name for _, name, _ in relations if fold(name) in dropped or fold(name) in bad}, opaque


def _generated(relations: list[tuple[str, str, str]], info: dict[str, list[Any]]) -> Generated:
    """Generated columns and the names their expressions read (None: could not be read)."""
    out: dict[tuple[str, str, str], frozenset[str] | None] = {}
    for kind, name, sql in relations:
        columns = [str(r[1]) for r in info[name] if r[6] in (2, 3)]
        if kind != "table" or not columns:
            continue
        reads = _generation_reads(sql)
        for column in columns:
            out[(SCHEMA, name, column)] = reads.get(fold(column)) if reads is not None else None
    return out


def _generation_reads(create_sql: str) -> dict[str, frozenset[str] | None] | None:
    """Column (folded) -> every name its generation expression writes; None if unreadable."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(create_sql, read="sqlite")
    except Exception:
        return None
    out: dict[str, frozenset[str] | None] = {}
    for definition in tree.find_all(exp.ColumnDef):
        for constraint in definition.find_all(exp.ComputedColumnConstraint):
            names = frozenset(fold(part.name) for c in constraint.find_all(exp.Column) for part in c.parts)
            out[fold(definition.name)] = names
    return out


def _foreign_keys(
    con: sqlite3.Connection, name: str, kept: set[str], info: dict[str, list[Any]]
) -> tuple[ForeignKey, ...]:
    grouped: dict[int, list[Any]] = {}
    for row in con.execute(f"PRAGMA foreign_key_list({_quote(name)})").fetchall():
        grouped.setdefault(int(row[0]), []).append(row)
    out: list[ForeignKey] = []
    folded = {fold(k): k for k in kept}
    for rows in grouped.values():
        rows.sort(key=lambda r: r[1])
        target = folded.get(fold(str(rows[0][2])))
        if target is None:
            continue
        to = [r[4] for r in rows]
        if any(t is None for t in to):  # REFERENCES items: the referenced table's primary key
            pk = sorted((r for r in info.get(target, []) if r[5]), key=lambda r: r[5])
            to = [r[1] for r in pk]
        out.append(ForeignKey(tuple(str(r[3]) for r in rows), f"{SCHEMA}.{target}", tuple(str(t) for t in to)))
    return tuple(out)


def _estimates(con: sqlite3.Connection) -> dict[str, int]:
    """Row estimates ANALYZE left in sqlite_stat1 (first number of a table's stat), if any."""
    try:
        rows = con.execute("SELECT tbl, stat FROM sqlite_stat1").fetchall()
    except sqlite3.Error:
        return {}
    out: dict[str, int] = {}
    for table, stat in rows:
        first = str(stat or "").split(" ", 1)[0]
        if first.isdigit():
            out[fold(str(table))] = max(out.get(fold(str(table)), 0), int(first))
    return out


def _count(con: sqlite3.Connection, name: str) -> int | None:
    """count(*) under a deadline: SQLite counts a table's b-tree in one instruction, which the
    progress handler never sees, so a timer interrupts it (the b-tree walk checks for that)."""
    stop = Stop(COUNT_SECONDS, con)
    timer = threading.Timer(COUNT_SECONDS, stop.interrupt, args=("timeout",))
    timer.daemon = True
    timer.start()
    try:
        (count,) = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
    except sqlite3.Error:
        return None
    finally:
        timer.cancel()
        con.set_progress_handler(None, 0)
    return int(count)


def _with_samples(con: sqlite3.Connection, name: str, columns: list[Column]) -> list[Column]:
    """Up to a dozen values of text columns with a dozen distinct values or fewer, most common first."""
    samples: dict[str, tuple[str, ...]] = {}
    for col in columns:
        if not _text_affinity(col.type):
            continue
        Stop(SAMPLE_SECONDS, con)
        try:
            values = con.execute(
                f"SELECT {_quote(col.name)} AS v FROM {_quote(name)} WHERE typeof(v) = 'text' "
                f"GROUP BY v ORDER BY count(*) DESC, v LIMIT {SAMPLE_MAX_DISTINCT + 1}"
            ).fetchall()
        except sqlite3.Error:
            continue
        finally:
            con.set_progress_handler(None, 0)
        if values and len(values) <= SAMPLE_MAX_DISTINCT:
            samples[col.name] = tuple(str(v[0])[:60] for v in values)
    return [Column(c.name, c.type, c.comment, c.nullable, samples.get(c.name, ())) for c in columns]


def _text_affinity(declared: str) -> bool:
    """SQLite's rule: a declared type containing CHAR, CLOB or TEXT has text affinity."""
    upper = declared.upper()
    return "INT" not in upper and any(word in upper for word in ("CHAR", "CLOB", "TEXT"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
