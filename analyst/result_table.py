"""A query result as a table for people, never cut: every column name and every value stays whole.

rich shrinks a table that is wider than the console by cutting cells to "…", which turned 2013
into "20…" and, piped to a file (rich assumes 80 columns there), every header into "…". So:

- not a terminal (a file, a pipe): the table at its full natural width, nothing wrapped or cut;
  whoever reads the file scrolls sideways;
- a terminal the table fits: as is;
- a terminal it fits only if long text is folded: free text folds at spaces onto more lines
  (numbers, dates, identifiers, column names never fold: a column is as wide as its longest
  such value, its name, and its longest word);
- a terminal it cannot fit even so: one record per row, `column: value` lines (psql's \\x), with
  a pointer to `--format csv|json` for a grid.
"""

from __future__ import annotations

import decimal
import json
from dataclasses import dataclass
from typing import Any, TextIO

# rich's default table: a border before each column and after the last, one space of padding
# each side of a cell
_PER_COLUMN = 3
_EDGE = 1


@dataclass(frozen=True)
class ColumnShape:
    """One column's cells as shown, and how narrow it may get without cutting anything."""

    name: str
    cells: tuple[str, ...]
    numeric: bool  # right-aligned
    foldable: bool  # free text: may wrap at spaces on a terminal
    natural: int  # the widest line of the name or any cell
    narrowest: int  # the name's widest line and, for free text, its longest word; else `natural`


def cell_text(value: Any) -> str:
    """One value as shown (NULL for None); decimals and dates as text, lists/dicts as JSON."""
    from tools.fingerprint import normalize_value

    if value is None:
        return "NULL"
    normalized = normalize_value(value)
    return visible(normalized if isinstance(normalized, str) else json.dumps(normalized, ensure_ascii=False))


_ESCAPES = {"\t": "\\t", "\r": "\\r"}


def visible(text: str) -> str:
    """A cell safe to print that still shows every character: a tab, a carriage return, an escape
    or an invisible format character becomes a visible escape (\\t, \\r, \\x1b, \\u200b) instead of
    being dropped or acting on the terminal (a tab made rich lose the rest of its line).
    Line breaks stay line breaks: a cell may span lines."""
    import unicodedata

    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)


def shapes(result: Any) -> list[ColumnShape]:
    from analyst.render import inert

    out = []
    for i, col in enumerate(result.columns):
        values = [row[i] for row in result.rows if row[i] is not None]
        numeric = bool(values) and all(
            isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool) for v in values
        )
        foldable = bool(values) and all(isinstance(v, (str, dict, list)) for v in values)
        name = inert(col.name)
        cells = tuple(cell_text(row[i]) for row in result.rows)
        natural = max([_width(name), *(_width(c) for c in cells)])
        narrowest = max([_width(name), *(_longest_word(c) for c in cells)]) if foldable else natural
        out.append(ColumnShape(name, cells, numeric, foldable, natural, narrowest))
    return out


def table_width(columns: list[ColumnShape], narrowest: bool = False) -> int:
    return sum(c.narrowest if narrowest else c.natural for c in columns) + _PER_COLUMN * len(columns) + _EDGE


FILE_WIDTH = 100_000  # "unlimited": rich needs a number, and a file has no edge to fit


def report_console(stream: TextIO, **options: Any) -> Any:
    """A rich Console for a report with tables (`runs show`, `runs compare`): the terminal's
    width on a terminal, where rich may fold a long cell; in a file or a pipe no width limit,
    so every cell stays whole (rich assumes 80 columns there and cuts cells to "…")."""
    from rich.console import Console

    width = None if stream.isatty() else FILE_WIDTH
    return Console(file=stream, width=width, **options)


def print_result(result: Any, stream: TextIO) -> None:
    """The rows of `result` on `stream`, in the layout that keeps every name and value whole."""
    from rich.console import Console

    columns = shapes(result)
    natural = table_width(columns)
    if not stream.isatty():
        Console(file=stream, highlight=False, soft_wrap=False, width=max(natural, 1)).print(_table(columns, fold=False))
        return
    console = Console(file=stream, highlight=False, soft_wrap=False)
    if natural <= console.width:
        console.print(_table(columns, fold=False))
    elif table_width(columns, narrowest=True) <= console.width:
        console.print(_table(columns, fold=True, widths=fold_widths(columns, console.width)))
    else:
        _print_records(columns, len(result.rows), console)


def fold_widths(columns: list[ColumnShape], total: int) -> list[int]:
    """Column widths that fill `total`: every column at least its narrowest, and the room left
    shared by the free-text columns in proportion to how much each would fold.  (rich's own
    shrinking overshoots by a character here and there, and then cuts the last column.)"""
    widths = [c.narrowest for c in columns]
    room = total - table_width(columns, narrowest=True)
    wants = [c.natural - c.narrowest for c in columns]
    wanted = sum(wants)
    if wanted:
        for i, want in enumerate(wants):
            widths[i] += min(want, room * want // wanted)
    return widths


def _table(columns: list[ColumnShape], fold: bool, widths: list[int] | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=True, header_style="bold", show_lines=False)
    for i, c in enumerate(columns):
        wraps = fold and c.foldable
        table.add_column(
            c.name,
            justify="right" if c.numeric else "left",
            no_wrap=not wraps,
            overflow="fold",
            width=widths[i] if widths else None,
        )
    for row in zip(*(c.cells for c in columns)):
        table.add_row(*(Text(v) for v in row))
    return table


def _print_records(columns: list[ColumnShape], count: int, console: Any) -> None:
    """psql's expanded display: a rule per row, then `name: value` lines, values aligned."""
    from rich.text import Text

    label = max(_width(c.name) for c in columns) + 1
    indent = " " * (label + 1)
    for number in range(count):
        console.print(Text(f"── row {number + 1:,} of {count:,} ──", style="dim"))
        for c in columns:
            value = c.cells[number].replace("\n", "\n" + indent)
            line = Text()
            line.append(f"{c.name}:".ljust(label), style="bold")
            line.append(" " + value)
            console.print(line, soft_wrap=True)  # a long value wraps in the terminal, copied whole
    console.print(
        Text(
            f"{len(columns)} columns need {table_width(columns, narrowest=True)} characters as a table and the terminal "
            f"has {console.width}, so each row is shown as a record; --format csv or --format json keeps the grid",
            style="dim",
        )
    )
