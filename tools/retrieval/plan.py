"""The greedy fill of one schema slice: which tables, in which form, while the DDL fits the budget.

The best tables go in first in compact form (key and matching columns), then bridge tables that
join two of them, then full columns, then weaker matches and foreign-key neighbours. Sizes are
exact, in characters of the assembled DDL, so the slice never exceeds the budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tools.catalog.ddl import assemble, render_table
from tools.retrieval.schema_slice import SchemaSlice, TableChoice
from tools.tokens import estimate_tokens

if TYPE_CHECKING:
    from tools.retrieval.index import Retriever

_LABELS = {
    "name": "name",
    "description": "description",
    "columns": "columns",
    "comments": "column comments",
    "values": "sample values",
    "glossary": "glossary",
}
_PRIMARY_SHARE = 0.3  # tables scoring at least this share of the best go in first ...
_MAX_PRIMARY = 10  # ... but no more than this many
_COMPACT_MATCHES = 3  # matching columns shown in a table's first, compact form


class Plan:
    """The greedy selection for one question; sizes are exact, in characters of `assemble`."""

    def __init__(self, r: Retriever, terms: list[str], cap: int) -> None:
        self.r, self.terms, self.cap = r, terms, cap
        self.shown: dict[int, tuple[int, ...]] = {}  # table -> column positions, in choice order
        self.blocks: dict[int, str] = {}
        self.hint_ids: set[int] = set()
        self.role: dict[int, str] = {}
        self._col_scores: dict[int, list[float]] = {}
        self._used = 0

    def _size(self, i: int | None = None, block: str = "") -> tuple[int, set[int]]:
        """Size of the slice (and its hints) with table `i` shown as `block`, if given."""
        blocks, hint_ids = dict(self.blocks), self.hint_ids
        if i is not None:
            blocks[i] = block
            pairs = ((h, self.r.hints[h]) for h in self.r.hints_of[i])
            hint_ids = hint_ids | {h for h, (_, a, b, _) in pairs if a in blocks and b in blocks}
        size = sum(map(len, blocks.values())) + 2 * (len(blocks) - 1) if blocks else 0
        if hint_ids:
            lines = sum(len(self.r.hints[h][3]) for h in hint_ids) + len(hint_ids) - 1
            size += lines + (2 if blocks else 0)
        return size, hint_ids

    def _room_for(self, i: int) -> bool:
        """Cheap pre-check: could any rendering of a new table `i` still fit?"""
        return i in self.blocks or self._used + self.r.floor[i] <= self.cap

    def _block(self, i: int, positions: Sequence[int]) -> str:
        table = self.r.tables[i]
        if len(positions) == len(table.columns):
            return self.r.full_blocks[i]
        return render_table(table, [table.columns[p] for p in sorted(positions)], self.r.dialect)

    def _place(self, i: int, fixed: list[int], extra: list[int], role: str) -> bool:
        """Show table `i` with `fixed` and as many of `extra` (in order) as fit."""
        if not self._room_for(i) or self._size(i, self._block(i, fixed))[0] > self.cap:
            return False
        lo, hi = 0, len(extra)  # longest prefix of `extra` that fits; longer never fits better
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._size(i, self._block(i, fixed + extra[:mid]))[0] <= self.cap:
                lo = mid
            else:
                hi = mid - 1
        positions = fixed + extra[:lo]
        self.blocks[i] = self._block(i, positions)
        self.hint_ids = self._size(i, self.blocks[i])[1]
        self.shown[i] = tuple(sorted(positions))
        self.role.setdefault(i, role)
        self._used = self._size()[0] + 2  # with the separator the next block would need
        return True

    def _priority(self, i: int) -> tuple[list[int], list[int], list[int]]:
        """Key columns, matching columns (best first), and the rest, as positions."""
        if i not in self._col_scores:
            self._col_scores[i] = self.r.column_scores(i, self.terms)
        scores, keys = self._col_scores[i], self.r.keys[i]
        columns = self.r.tables[i].columns
        key = [p for p, c in enumerate(columns) if c.name.lower() in keys]
        matched = sorted((p for p, s in enumerate(scores) if s > 0 and p not in key), key=lambda p: (-scores[p], p))
        rest = [p for p in range(len(columns)) if p not in key and p not in matched]
        return key, matched, rest

    def add_compact(self, i: int, role: str) -> bool:
        """Key columns and the few best-matching ones (or the first column, if neither)."""
        if not self._room_for(i):
            return False
        key, matched, rest = self._priority(i)
        fixed = key or matched[:1] or rest[:1]
        extra = [p for p in matched if p not in fixed][:_COMPACT_MATCHES]
        return self._place(i, fixed, extra, role)

    def add(self, i: int, role: str) -> bool:
        """The whole table if it fits, else its compact form."""
        if not self._room_for(i):
            return False
        key, matched, rest = self._priority(i)
        return self._place(i, key + matched + rest, [], role) or self.add_compact(i, role)

    def upgrade(self, i: int) -> None:
        """Show more of a chosen table: all of it, else matching columns first, then the rest."""
        key, matched, rest = self._priority(i)
        have = list(self.shown[i])
        if len(have) == len(key + matched + rest) or self._place(i, key + matched + rest, [], ""):
            return
        self._place(i, have, [p for p in matched + rest if p not in have], "")

    def fill(self, scores: dict[int, float]) -> None:
        r = self.r

        def name(i: int) -> tuple[str, int]:
            return r.tables[i].qualified.lower(), i

        ranked = sorted(scores, key=lambda i: (-scores[i], name(i)))
        if not ranked or scores[ranked[0]] <= 0:  # nothing matched: the best-connected tables
            order = sorted(range(len(r.tables)), key=lambda i: (-len(r.adjacent[i]), name(i)))
            return self._fill_from(order, lambda i: "fallback")
        top = scores[ranked[0]]
        for i in [i for i in ranked if scores[i] >= _PRIMARY_SHARE * top][:_MAX_PRIMARY]:
            self.add_compact(i, "match")
        bridges: dict[int, int] = {}  # a table joining two chosen tables that do not join directly
        for a in list(self.shown):
            for b in r.adjacent[a] - self.shown.keys():
                links = [c for c in r.adjacent[b] if c in self.shown]
                if any(y not in r.adjacent[x] for x in links for y in links if x != y):
                    bridges[b] = len(links)
        for b in sorted(bridges, key=lambda b: (-bridges[b], -scores.get(b, 0.0), name(b))):
            self.add_compact(b, "bridge")
        for i in list(self.shown):
            self.upgrade(i)
        candidates = set(scores) | {b for a in self.shown for b in r.adjacent[a]}
        candidates -= self.shown.keys()

        def rank(i: int) -> tuple[float, int, tuple[str, int]]:
            links = len(r.adjacent[i] & self.shown.keys())
            return -scores.get(i, 0.0) * (1.5 if links else 1.0), -links, name(i)

        role = {i: "match" if scores.get(i, 0.0) > 0 else "neighbour" for i in candidates}
        self._fill_from(sorted(candidates, key=rank), role.__getitem__)

    def _fill_from(self, order: Sequence[int], role: Callable[[int], str]) -> None:
        smallest = min(self.r.floor, default=0)
        for i in order:
            if self._used + smallest > self.cap:
                break
            self.add(i, role(i))

    def result(self, scores: dict[int, float], surface: dict[str, str], full_tokens: int) -> SchemaSlice:
        r, order = self.r, list(self.shown)
        choices = tuple(
            TableChoice(
                r.tables[i],
                tuple(r.tables[i].columns[p] for p in self.shown[i]),
                scores.get(i, 0.0),
                self._why(i, order, surface),
            )
            for i in order
        )
        hint_ids = sorted(self.hint_ids)
        ddl = assemble([self.blocks[i] for i in order], [r.hints[h][3] for h in hint_ids])
        if len(ddl) > self.cap:  # the size arithmetic above is exact; this guards against a slip
            raise AssertionError(f"schema slice of {len(ddl)} characters overran {self.cap}")
        hints = tuple(r.hints[h][0] for h in hint_ids)
        return SchemaSlice(choices, hints, ddl, estimate_tokens(ddl), full_tokens, False)

    def _why(self, i: int, order: list[int], surface: dict[str, str]) -> str:
        r, parts = self.r, []
        hits = []
        for field, label in _LABELS.items():
            words = sorted({surface[t] for t in self.terms if t in r.fields[i][field]})
            if words:
                hits.append(f"{', '.join(repr(w) for w in words[:3])} in {label}")
        if self.role.get(i) == "fallback":
            parts.append("no word of the question matched; a well-connected table")
        if hits:
            parts.append("matches " + "; ".join(hits))
        joined = [r.tables[k].qualified for k in order if k in r.adjacent[i]]
        if self.role.get(i) == "bridge":
            parts.append("bridge between " + " and ".join(joined[:3]))
        elif joined:
            parts.append("joins " + ", ".join(joined[:3]) + (" …" if len(joined) > 3 else ""))
        shown, total = len(self.shown[i]), len(r.tables[i].columns)
        if shown < total:
            parts.append(f"{shown} of {total} columns")
        return "; ".join(parts) or "fills the budget"
