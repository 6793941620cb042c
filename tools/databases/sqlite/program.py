"""Whether a compiled statement reads a hidden column, judged from SQLite's own program.

The authorizer hears of every column a statement names, but not of the columns SQLite compares
for `JOIN ... USING (col)` and `NATURAL JOIN`: it writes those comparisons itself, without name
resolution (measured: `customers c JOIN salespeople s USING (email)` compiles with no SQLITE_READ
for email, and its rows tell which hidden emails match). So where a column is hidden, the
statement's program (`EXPLAIN`, which compiles and runs nothing) is read too: a `Column`
instruction at a hidden column's place in a table's or an index's record, or a key comparison
reaching that place in an index, refuses the statement. This is
a second engine-side layer behind the guard, which refuses USING and NATURAL joins over hidden
columns by itself; catalog.py uses it to drop views that read a hidden column that way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tools.guard.names import fold

_OPEN = frozenset({"OpenRead", "ReopenIdx", "OpenWrite"})
# Instructions that read a cursor's row id or look a row up by one.
_ROWID = frozenset({"Rowid", "IdxRowid", "SeekRowid", "NotExists"})
# Instructions that compare a key against the first P4 fields of an index cursor's records.
_COMPARE = frozenset(
    {"SeekGE", "SeekGT", "SeekLE", "SeekLT", "IdxGE", "IdxGT", "IdxLE", "IdxLT", "Found", "NotFound", "NoConflict"}
)


@dataclass(frozen=True)
class HiddenLayout:
    """Where hidden values sit in the file, by root page: a table's or an index's record positions
    that hold a hidden column (for an index, also an expression over its table's columns)."""

    tables: dict[int, frozenset[int]]
    indexes: dict[int, frozenset[int]]
    # Root pages (tables and their indexes) whose row id is a hidden column: an INTEGER PRIMARY
    # KEY is the row id, read by Rowid/IdxRowid and compared by SeekRowid/NotExists, not Column.
    rowid_pages: frozenset[int] = frozenset()
    rowid_tables: frozenset[str] = frozenset()  # their folded names, for the authorizer's `rowid`
    # Root pages of excluded tables and their indexes: a USING or NATURAL join over one reads it
    # with no SQLITE_READ at all (measured: `a JOIN secret USING (token)` reports only a's column).
    forbidden: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.tables or self.indexes or self.rowid_pages or self.forbidden)


def hidden_layout(
    con: sqlite3.Connection, hidden: dict[str, frozenset[str]], excluded: frozenset[str] = frozenset()
) -> HiddenLayout:
    """The layout of `hidden` (folded table -> folded column names) and of the `excluded` tables
    (folded names) in the main schema; `con` must allow reading sqlite_schema and the
    table_xinfo / index_xinfo pragmas."""
    wanted = {t: cols for t, cols in hidden.items() if cols}
    rows = con.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema").fetchall()
    forbidden = frozenset(
        page for _, _, table, page, _ in rows if fold(str(table)) in excluded and isinstance(page, int) and page > 0
    )
    tables: dict[int, frozenset[int]] = {}
    indexes: dict[int, frozenset[int]] = {}
    rowid_pages: set[int] = set()
    rowid_tables: set[str] = set()
    for kind, name, _, rootpage, sql in rows:  # tables first: their indexes need to know the row id's fate
        cols = wanted.get(fold(str(name)))
        if kind != "table" or not cols or not isinstance(rootpage, int) or rootpage <= 0:
            continue
        info = con.execute(f"PRAGMA table_xinfo({_quote(str(name))})").fetchall()
        without_rowid = "WITHOUT ROWID" in str(sql or "").upper()
        positions = _record_positions(info, without_rowid)
        tables[rootpage] = frozenset(positions[fold(str(r[1]))] for r in info if fold(str(r[1])) in cols)
        keys = [r for r in info if r[5]]
        if (
            not without_rowid
            and len(keys) == 1
            and str(keys[0][2]).upper() == "INTEGER"
            and fold(str(keys[0][1])) in cols
        ):
            rowid_pages.add(rootpage)
            rowid_tables.add(fold(str(name)))
    for kind, name, table, rootpage, _ in rows:
        cols = wanted.get(fold(str(table)))
        if kind != "index" or not cols or not isinstance(rootpage, int) or rootpage <= 0:
            continue
        hidden_rowid = fold(str(table)) in rowid_tables
        held = con.execute(f"PRAGMA index_xinfo({_quote(str(name))})").fetchall()
        places = frozenset(
            r[0]
            for r in held
            if r[1] == -2 or (r[1] == -1 and hidden_rowid) or (r[2] is not None and fold(str(r[2])) in cols)
        )
        if places:
            indexes[rootpage] = places
        if hidden_rowid:
            rowid_pages.add(rootpage)
    return HiddenLayout(tables, indexes, frozenset(rowid_pages), frozenset(rowid_tables), forbidden | {1})


def _record_positions(info: list[Any], without_rowid: bool) -> dict[str, int]:
    """Column (folded) -> its place in the table's record as `Column` instructions count it:
    stored columns in table order then virtual generated ones; for a WITHOUT ROWID table, the
    primary key's columns first, in key order."""
    stored = [r for r in info if r[6] != 2]
    virtual = [r for r in info if r[6] == 2]
    if without_rowid:
        keyed = sorted((r for r in stored if r[5]), key=lambda r: r[5])
        stored = keyed + [r for r in stored if not r[5]]
    return {fold(str(r[1])): i for i, r in enumerate(stored + virtual)}


def reads_hidden(program: Iterable[tuple[Any, ...]], layout: HiddenLayout) -> bool:
    """Whether an EXPLAIN listing (addr, opcode, p1, p2, p3, p4, p5, comment) reads a hidden
    value: a Column instruction at a hidden place of a cursor's record, or a key comparison on an
    index cursor that reaches a hidden place (a seek into an index on a hidden column compares
    hidden values without reading them out), or, where the row id is a hidden INTEGER PRIMARY
    KEY, reading a row id or seeking by one. Scanning an index for its row ids, as the planner
    does to count or join by key, reads nothing hidden. A cursor on an excluded table, on
    sqlite_schema or on another schema than main refuses the statement outright."""
    cursors: dict[int, frozenset[int]] = {}
    rowids: set[int] = set()  # cursors whose row id is hidden
    for row in program:
        opcode, p1, p2, p3, p4 = row[1], row[2], row[3], row[4], row[5]
        if opcode in _OPEN and (p3 != 0 or p2 in layout.forbidden):
            return True  # another schema, sqlite_schema (page 1) or an excluded table
        if opcode in _OPEN:
            cursors[p1] = layout.tables.get(p2) or layout.indexes.get(p2) or frozenset()
            (rowids.add if p2 in layout.rowid_pages else rowids.discard)(p1)
        elif opcode == "OpenDup":
            cursors[p1] = cursors.get(p2, frozenset())
            (rowids.add if p2 in rowids else rowids.discard)(p1)
        elif (opcode in _ROWID and p1 in rowids) or (opcode == "Column" and p2 in cursors.get(p1, frozenset())):
            return True
        elif opcode in _COMPARE and cursors.get(p1):
            fields = int(p4) if isinstance(p4, (int, str)) and str(p4).isdigit() else None
            if fields is None or min(cursors[p1]) < fields:
                return True
    return False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
