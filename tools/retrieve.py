"""Schema retrieval: the slice of the catalog a question needs, under a token budget.

The whole schema goes out when it fits, because the model does best with everything. Otherwise a
small BM25 index over each table's name, columns, comments, descriptions, sample values and the
glossary lines that mention it ranks the tables; the best ones go in first in compact form (key
and matching columns), then bridge tables that join two of them, then full columns, then weaker
matches and foreign-key neighbours, while the rendered DDL stays within the budget. Everything is
deterministic (sorted iteration, ties broken by name) so a question always gets the same slice.
Terms come from `tools.terms`, the DDL from `tools.ddl`.
"""

from __future__ import annotations

import hashlib
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tools.catalog import Catalog, Column, JoinHint, Table
from tools.context import TableLookup, with_context
from tools.ddl import assemble, render_ddl, render_table
from tools.terms import glossary_terms, identifier_terms, question_terms, text_terms
from tools.tokens import estimate_tokens, max_chars

__all__ = ["Retriever", "SchemaSlice", "TableChoice", "render_ddl", "retrieve", "retriever_for"]


@dataclass(frozen=True)
class TableChoice:
    """One table in a slice: the columns shown, its relevance score and why it was chosen."""

    table: Table
    columns: tuple[Column, ...]
    score: float
    why: str


@dataclass(frozen=True)
class SchemaSlice:
    """What the model sees of the schema; `whole` says nothing was left out."""

    tables: tuple[TableChoice, ...]
    join_hints: tuple[JoinHint, ...]
    ddl: str
    tokens: int
    full_tokens: int
    whole: bool


# --- the index -------------------------------------------------------------------------------

_K1, _B = 1.2, 0.75
_WEIGHTS = {"name": 3.0, "description": 1.5, "columns": 1.5, "comments": 1.0, "values": 1.0, "glossary": 1.0}
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


def _bm25(tf: float, length: float, avg: float, idf: float) -> float:
    return idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / avg))


def _idf(n_docs: int, df: int) -> float:
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _weigh(fields: dict[str, list[str]]) -> dict[str, float]:
    tf: dict[str, float] = {}
    for field, terms in fields.items():
        for term in terms:
            tf[term] = tf.get(term, 0.0) + _WEIGHTS[field]
    return tf


def catalog_fingerprint(catalog: Catalog) -> str:
    """A hash of all the index and the DDL depend on: names, types, comments, keys, samples,
    row counts and context. Equal catalogs share an index; any change builds a new one."""
    return hashlib.blake2b(repr(catalog).encode(), digest_size=16).hexdigest()


class Retriever:
    """The retrieval index of one catalog, built once; `.retrieve()` is cheap and pure.

    It keeps the tables, never the Catalog object, so the cache's weak reference can expire.
    """

    def __init__(self, catalog: Catalog, fingerprint: str | None = None) -> None:
        self.fingerprint = fingerprint or catalog_fingerprint(catalog)
        ctx = catalog.context
        if ctx.table_descriptions or ctx.column_descriptions or ctx.join_hints:
            catalog = with_context(catalog, ctx)
        self.tables, self.dialect = catalog.tables, catalog.dialect
        n = len(self.tables)
        position = {t.qualified: i for i, t in enumerate(self.tables)}
        lookup = TableLookup(catalog)
        self.keys = [
            {c.lower() for c in t.primary_key} | {c.lower() for fk in t.foreign_keys for c in fk.columns}
            for t in self.tables
        ]
        self.adjacent: list[set[int]] = [set() for _ in range(n)]
        self.hints: list[tuple[JoinHint, int, int, str]] = []  # hint, left, right, its line
        self.hints_of: list[list[int]] = [[] for _ in range(n)]
        for hint in catalog.join_hints():
            left, right = lookup.column(hint.left), lookup.column(hint.right)
            if left is None or right is None:
                continue
            a, b = position[left[0].qualified], position[right[0].qualified]
            self.keys[a].add(left[1].name.lower())
            self.keys[b].add(right[1].name.lower())
            if a != b:
                self.adjacent[a].add(b)
                self.adjacent[b].add(a)
                self.hints_of[b].append(len(self.hints))
            self.hints_of[a].append(len(self.hints))
            self.hints.append((hint, a, b, hint.render()))
        glossary = glossary_terms(catalog, lookup, position)
        self.fields: list[dict[str, frozenset[str]]] = []
        self.length: list[float] = []
        self.col_tf: list[list[tuple[dict[str, float], float]]] = []
        self.postings: dict[str, list[tuple[int, float]]] = {}
        col_df: dict[str, int] = {}
        name_df: dict[str, int] = {}
        for i, table in enumerate(self.tables):
            fields = {
                "name": identifier_terms(table.name),
                "description": text_terms(table.comment or ""),
                "columns": [],
                "comments": [],
                "values": [],
                "glossary": glossary[i],
            }
            cols = []
            for col in table.columns:
                col_fields = {
                    "columns": identifier_terms(col.name),
                    "comments": text_terms(col.comment or ""),
                    "values": [t for s in col.samples for t in text_terms(s)],
                }
                for key, terms in col_fields.items():
                    fields[key].extend(terms)
                tf = _weigh(col_fields)
                cols.append((tf, sum(tf.values())))
                for term in tf:
                    col_df[term] = col_df.get(term, 0) + 1
            tf = _weigh(fields)
            for term in sorted(tf):
                self.postings.setdefault(term, []).append((i, tf[term]))
            for term in set(fields["name"]):
                name_df[term] = name_df.get(term, 0) + 1
            self.fields.append({k: frozenset(v) for k, v in fields.items()})
            self.length.append(sum(tf.values()))
            self.col_tf.append(cols)
        self.avg_length = (sum(self.length) / n if n else 0.0) or 1.0
        self.idf = {term: _idf(n, len(p)) for term, p in self.postings.items()}
        self.name_idf = {term: _idf(n, df) for term, df in name_df.items()}
        self.name_parts = [frozenset(text_terms(t.name)) for t in self.tables]
        n_cols = sum(len(c) for c in self.col_tf)
        self.col_idf = {term: _idf(n_cols, df) for term, df in col_df.items()}
        col_total = sum(length for c in self.col_tf for _, length in c)
        self.col_avg = (col_total / n_cols if n_cols else 0.0) or 1.0
        self.full_blocks = [render_table(t, t.columns, self.dialect) for t in self.tables]
        self.full_ddl = assemble(self.full_blocks, [h[3] for h in self.hints])
        self.floor = [  # no rendering of table i is shorter than this
            min(len(block), len(render_table(t, self._key_columns(i), self.dialect)))
            for i, (t, block) in enumerate(zip(self.tables, self.full_blocks))
        ]

    def _key_columns(self, i: int) -> tuple[Column, ...]:
        return tuple(c for c in self.tables[i].columns if c.name.lower() in self.keys[i])

    def scores(self, terms: Sequence[str]) -> dict[int, float]:
        """BM25 of every table sharing a term with the question, plus its name's own IDF for
        each word of its name in the question (a table's name says more than its columns)."""
        scores: dict[int, float] = {}
        for term in terms:
            idf, name_idf = self.idf.get(term, 0.0), self.name_idf.get(term, 0.0)
            for i, tf in self.postings.get(term, ()):
                score = _bm25(tf, self.length[i], self.avg_length, idf)
                if name_idf and term in self.fields[i]["name"]:
                    score += name_idf
                scores[i] = scores.get(i, 0.0) + score
        wanted = set(terms)
        for i in scores:
            if self.name_parts[i] and self.name_parts[i] <= wanted:  # the question names it
                scores[i] += sum(self.name_idf.get(t, 0.0) for t in sorted(self.name_parts[i]))
        return scores

    def column_scores(self, i: int, terms: Sequence[str]) -> list[float]:
        """BM25 of each column of table `i`, with statistics over all columns."""
        return [
            sum(_bm25(tf[t], length, self.col_avg, self.col_idf[t]) for t in terms if t in tf)
            for tf, length in self.col_tf[i]
        ]

    def retrieve(self, question: str, budget: int) -> SchemaSlice:
        """The slice for `question` whose DDL estimates to at most `budget` tokens."""
        terms, surface = question_terms(question)
        scores = self.scores(terms)
        full_tokens = estimate_tokens(self.full_ddl)
        if len(self.full_ddl) <= max_chars(budget):
            choices = tuple(
                TableChoice(t, t.columns, scores.get(i, 0.0), "whole schema fits") for i, t in enumerate(self.tables)
            )
            hints = tuple(h[0] for h in self.hints)
            return SchemaSlice(choices, hints, self.full_ddl, full_tokens, full_tokens, True)
        plan = _Plan(self, terms, max_chars(budget))
        plan.fill(scores)
        return plan.result(scores, surface, full_tokens)


class _Plan:
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


# --- the per-catalog cache -------------------------------------------------------------------

_LOCK = threading.Lock()
_BY_FINGERPRINT: OrderedDict[str, Retriever] = OrderedDict()
_BY_ID: dict[int, tuple[weakref.ref[Catalog], Retriever]] = {}
_CACHE_SIZE = 8


def retriever_for(catalog: Catalog) -> Retriever:
    """The cached index of `catalog`: same object, or equal content, reuses it."""
    with _LOCK:
        held = _BY_ID.get(id(catalog))
        if held is not None and held[0]() is catalog:
            return held[1]
    fingerprint = catalog_fingerprint(catalog)
    with _LOCK:
        retriever = _BY_FINGERPRINT.get(fingerprint)
        if retriever is not None:
            _BY_FINGERPRINT.move_to_end(fingerprint)
    if retriever is None:
        retriever = Retriever(catalog, fingerprint)
        with _LOCK:
            _BY_FINGERPRINT[fingerprint] = retriever
            while len(_BY_FINGERPRINT) > _CACHE_SIZE:
                _BY_FINGERPRINT.popitem(last=False)
    with _LOCK:
        key = id(catalog)

        def forget(_ref: object, key: int = key) -> None:
            _BY_ID.pop(key, None)

        _BY_ID[key] = (weakref.ref(catalog, forget), retriever)
    return retriever


def retrieve(catalog: Catalog, question: str, budget: int) -> SchemaSlice:
    """The schema slice for `question` within `budget` tokens, from the cached index."""
    return retriever_for(catalog).retrieve(question, budget)
