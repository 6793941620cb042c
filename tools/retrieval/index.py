"""Schema retrieval: the slice of the catalog a question needs, under a token budget.

The whole schema goes out when it fits, because the model does best with everything. Otherwise a
small BM25 index over each table's name, columns, comments, descriptions, sample values and the
glossary lines that mention it ranks the tables; the best ones go in first in compact form (key
and matching columns), then bridge tables that join two of them, then full columns, then weaker
matches and foreign-key neighbours, while the rendered DDL stays within the budget. Everything is
deterministic (sorted iteration, ties broken by name) so a question always gets the same slice.
Terms come from `terms.py`, the DDL from `tools.catalog.ddl`, the greedy fill from `plan.py`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence

from tools.catalog import Catalog, Column, JoinHint
from tools.catalog.context import TableLookup, with_context
from tools.catalog.ddl import assemble, render_table
from tools.retrieval.focus import ALL_STEPS, Focus, Steps
from tools.retrieval.plan import Plan
from tools.retrieval.schema_slice import SchemaSlice, SliceMethod, TableChoice
from tools.retrieval.terms import glossary_terms, identifier_terms, question_terms, text_terms
from tools.tokens import estimate_tokens, max_chars

_K1, _B = 1.2, 0.75
NAME_AFFIXES = frozenset(
    ["tbl", "tb", "tab", "table", "info", "data", "dim", "fact", "stg", "staging", "raw", "vw", "view"]
)
"""Words warehouses add to table names (`tbl_dish`, `DishInfo`, `dim_customer`): a question that
names the rest names the table."""
_WEIGHTS = {"name": 3.0, "description": 1.5, "columns": 1.5, "comments": 1.0, "values": 1.0, "glossary": 1.0}


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


@functools.lru_cache(maxsize=1 << 16)
def _text(text: str) -> tuple[str, ...]:
    return tuple(text_terms(text))


@functools.lru_cache(maxsize=1 << 16)
def _identifier(name: str) -> tuple[str, ...]:
    return tuple(identifier_terms(name))


@functools.lru_cache(maxsize=1 << 16)
def _column_fields(
    name: str, comment: str, samples: tuple[str, ...]
) -> tuple[dict[str, tuple[str, ...]], dict[str, float]]:
    """A column's terms by field and their weighted counts; warehouses repeat the same columns
    (`created_at`, `customer_id`) across hundreds of tables, so each is worked out once."""
    fields = {
        "columns": _identifier(name),
        "comments": _text(comment),
        "values": tuple(t for s in samples for t in _text(s)),
    }
    return fields, _weigh({k: list(v) for k, v in fields.items()})


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
        self.hint_cols: list[tuple[str, str]] = []  # the lower-cased column of each side
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
            self.hint_cols.append((left[1].name.lower(), right[1].name.lower()))
        self.schema_of = [t.schema.lower() for t in self.tables]
        self.sort_names = [t.qualified.lower() for t in self.tables]  # ties are broken by name
        self.schema_terms = {s: frozenset(_identifier(s)) for s in sorted(set(self.schema_of))}
        glossary = glossary_terms(catalog, lookup, position)
        self.fields: list[dict[str, frozenset[str]]] = []
        self.length: list[float] = []
        self.col_tf: list[list[tuple[dict[str, float], float]]] = []
        self.postings: dict[str, list[tuple[int, float]]] = {}
        col_df: dict[str, int] = {}
        col_keys: dict[tuple[str, str, tuple[str, ...]], int] = {}
        name_df: dict[str, int] = {}
        for i, table in enumerate(self.tables):
            own = {"name": _identifier(table.name), "description": _text(table.comment or ""), "glossary": glossary[i]}
            tf = _weigh({k: list(v) for k, v in own.items()})
            fields = {k: set(v) for k, v in own.items()} | {"columns": set(), "comments": set(), "values": set()}
            cols = []
            for col in table.columns:
                key = (col.name, col.comment or "", col.samples)
                col_fields, col_tf = _column_fields(*key)
                for field, terms in col_fields.items():
                    fields[field].update(terms)
                cols.append((col_tf, sum(col_tf.values())))
                col_keys[key] = col_keys.get(key, 0) + 1
                for term, weight in col_tf.items():
                    tf[term] = tf.get(term, 0.0) + weight
            for term, weight in tf.items():
                self.postings.setdefault(term, []).append((i, weight))
            for term in fields["name"]:
                name_df[term] = name_df.get(term, 0) + 1
            self.fields.append({k: frozenset(v) for k, v in fields.items()})
            self.length.append(sum(tf.values()))
            self.col_tf.append(cols)
        for key, count in col_keys.items():  # column document frequencies, once per distinct column
            for term in _column_fields(*key)[1]:
                col_df[term] = col_df.get(term, 0) + count
        self.avg_length = (sum(self.length) / n if n else 0.0) or 1.0
        self.idf = {term: _idf(n, len(p)) for term, p in self.postings.items()}
        self.name_idf = {term: _idf(n, df) for term, df in name_df.items()}
        self.name_parts = [frozenset(_text(t.name)) - NAME_AFFIXES for t in self.tables]
        n_cols = sum(len(c) for c in self.col_tf)
        self.col_idf = {term: _idf(n_cols, df) for term, df in col_df.items()}
        col_total = sum(length for c in self.col_tf for _, length in c)
        self.col_avg = (col_total / n_cols if n_cols else 0.0) or 1.0
        self.full_blocks = [render_table(t, t.columns, self.dialect) for t in self.tables]
        self.full_ddl = assemble(self.full_blocks, [h[3] for h in self.hints])
        self.full_tokens = estimate_tokens(self.full_ddl)
        self.value_tables: dict[str, list[int]] = {}
        for i, table_fields in enumerate(self.fields):
            for term in sorted(table_fields["values"]):
                self.value_tables.setdefault(term, []).append(i)
        self._by_term: dict[str, list[tuple[int, float]]] = {}

    @functools.cached_property
    def floor(self) -> list[int]:
        """No rendering of table i is shorter than this (the greedy fill's pre-check)."""
        return [
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
            for i, score in self._term_scores(term):
                scores[i] = scores.get(i, 0.0) + score
        wanted = set(terms)
        for i in scores:
            if self.name_parts[i] and self.name_parts[i] <= wanted:  # the question names it
                scores[i] += sum(self.name_idf.get(t, 0.0) for t in sorted(self.name_parts[i]))
        return scores

    def _term_scores(self, term: str) -> list[tuple[int, float]]:
        """Each table's score for one term, worked out on first use: it depends only on the
        index, and a common term (`status`) reaches most of a warehouse's tables."""
        found = self._by_term.get(term)
        if found is None and term in self.postings:  # only the index's own words: a bounded cache
            idf, name_idf = self.idf.get(term, 0.0), self.name_idf.get(term, 0.0)
            found = [
                (
                    i,
                    _bm25(tf, self.length[i], self.avg_length, idf)
                    + (name_idf if name_idf and term in self.fields[i]["name"] else 0.0),
                )
                for i, tf in self.postings.get(term, ())
            ]
            self._by_term[term] = found
        return found or []

    def value_hits(self, terms: Sequence[str]) -> dict[int, int]:
        """How many of the question's terms are among each table's sample values."""
        hits: dict[int, int] = {}
        for term in terms:
            for i in self.value_tables.get(term, ()):
                hits[i] = hits.get(i, 0) + 1
        return hits

    def column_scores(self, i: int, terms: Sequence[str]) -> list[float]:
        """BM25 of each column of table `i`, with statistics over all columns."""
        return [
            sum(_bm25(tf[t], length, self.col_avg, self.col_idf[t]) for t in terms if t in tf)
            for tf, length in self.col_tf[i]
        ]

    def retrieve(
        self, question: str, budget: int, method: SliceMethod = SliceMethod.FOCUSED, steps: Steps = ALL_STEPS
    ) -> SchemaSlice:
        """The slice for `question` whose DDL estimates to at most `budget` tokens."""
        terms, surface = question_terms(question)
        scores = self.scores(terms)
        full_tokens = self.full_tokens
        if len(self.full_ddl) <= max_chars(budget):
            choices = tuple(
                TableChoice(t, t.columns, scores.get(i, 0.0), "whole schema fits") for i, t in enumerate(self.tables)
            )
            hints = tuple(h[0] for h in self.hints)
            return SchemaSlice(choices, hints, self.full_ddl, full_tokens, full_tokens, True)
        if method is SliceMethod.FOCUSED:
            return Focus(self, terms, surface, max_chars(budget), steps).select(scores, full_tokens)
        plan = Plan(self, terms, max_chars(budget))
        plan.fill(scores)
        return plan.result(scores, surface, full_tokens)


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


def retrieve(catalog: Catalog, question: str, budget: int, method: SliceMethod = SliceMethod.FOCUSED) -> SchemaSlice:
    """The schema slice for `question` within `budget` tokens, from the cached index."""
    return retriever_for(catalog).retrieve(question, budget, method)
