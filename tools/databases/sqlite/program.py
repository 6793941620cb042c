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

    def __bool__(self) -> bool:
        return bool(self.tables or self.indexes)


def hidden_layout(con: sqlite3.Connection, hidden: dict[str, frozenset[str]]) -> HiddenLayout:
    """The layout of `hidden` (folded table -> folded column names) in the main schema; `con`
    must allow reading sqlite_schema and the table_xinfo / index_xinfo pragmas."""
    wanted = {t: cols for t, cols in hidden.items() if cols}
    if not wanted:
        return HiddenLayout({}, {})
    rows = con.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema").fetchall()
    tables: dict[int, frozenset[int]] = {}
    indexes: dict[int, frozenset[int]] = {}
    for kind, name, table, rootpage, sql in rows:
        cols = wanted.get(fold(str(table)))
        if not cols or not isinstance(rootpage, int) or rootpage <= 0:
            continue
        if kind == "table":
            info = con.execute(f"PRAGMA table_xinfo({_quote(str(name))})").fetchall()
            positions = _record_positions(info, without_rowid="WITHOUT ROWID" in str(sql or "").upper())
            tables[rootpage] = frozenset(positions[fold(str(r[1]))] for r in info if fold(str(r[1])) in cols)
        elif kind == "index":
            held = con.execute(f"PRAGMA index_xinfo({_quote(str(name))})").fetchall()
            places = frozenset(r[0] for r in held if r[1] == -2 or (r[2] is not None and fold(str(r[2])) in cols))
            if places:
                indexes[rootpage] = places
    return HiddenLayout(tables, indexes)


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
    hidden values without reading them out). Scanning such an index for its row ids, as the
    planner does to count or join by key, reads nothing hidden. Main-schema cursors only (p3 = 0)."""
    cursors: dict[int, frozenset[int]] = {}
    for row in program:
        opcode, p1, p2, p3, p4 = row[1], row[2], row[3], row[4], row[5]
        if opcode in _OPEN and p3 == 0:
            cursors[p1] = layout.tables.get(p2) or layout.indexes.get(p2) or frozenset()
        elif opcode == "OpenDup":
            cursors[p1] = cursors.get(p2, frozenset())
        elif opcode == "Column" and p2 in cursors.get(p1, frozenset()):
            return True
        elif opcode in _COMPARE and cursors.get(p1):
            fields = int(p4) if isinstance(p4, (int, str)) and str(p4).isdigit() else None
            if fields is None or min(cursors[p1]) < fields:
                return True
    return False


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
