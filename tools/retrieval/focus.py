"""The focused slice: the tables a question needs, joined up, with only the columns it needs.

Steps, each cheap at 5,000 tables: rank tables by BM25 (`index.py`); with many schemas narrow to
the best-matching ones first (`scope.py`); take the tables scoring close to the best; join them by
the cheapest foreign-key / join-hint paths (`graph.py`), not by every neighbour; per table keep the
key and join-path columns, the columns the question matched and a name-like label, and leave the
rest to `describe_table`, saying so in the table's header (`compact.py`). Value hits (question
words among a column's sample values) break ties. The budget is a cap, not a target: a slice is as
small as the question allows, and only when it would overrun are the weakest tables dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.catalog import JoinHint
from tools.catalog.ddl import assemble, render_table
from tools.retrieval.compact import render_compact
from tools.retrieval.graph import connect
from tools.retrieval.schema_slice import SchemaSlice, TableChoice
from tools.retrieval.scope import Scope, choose_scope
from tools.tokens import estimate_tokens

if TYPE_CHECKING:
    from tools.retrieval.index import Retriever

TABLE_SHARE = 0.4  # tables scoring at least this share of the best in scope are chosen ...
CANDIDATE_SHARE = 0.1  # tables below this share of the best score take no part (speed; they
# could neither be chosen nor move a schema into scope)
MAX_TABLES = 6  # ... but no more than this many per schema in scope
MAX_SLICE_TABLES = 30  # and no more than this many in all
NEIGHBOUR_SHARE = 0.2  # a table joining a chosen one comes along above this share of the best
SMALL_REST = 4  # a table missing no more than this many columns is shown whole
MAX_MATCHED = 8  # matching columns shown per table, best first
FALLBACK_TABLES = 5  # tables shown when no word of the question matched
_LABELS = {
    "name": "name",
    "description": "description",
    "columns": "columns",
    "comments": "column comments",
    "values": "sample values",
    "glossary": "glossary",
}
_LABEL_WORDS = ("name", "title")
_TEMPORAL = frozenset(
    [
        "date",
        "day",
        "daily",
        "week",
        "weekly",
        "month",
        "monthly",
        "quarter",
        "year",
        "yearly",
        "annual",
        "time",
        "recent",
        "recently",
        "latest",
        "last",
        "since",
        "before",
        "after",
        "ago",
        "today",
        "yesterday",
        "period",
        "first",
        "earliest",
        "oldest",
        "newest",
        "trend",
    ]
)
"""Question words that ask about time: the chosen tables' date and time columns come along."""
_DATE_COLUMNS = 3  # at most this many per table


@dataclass(frozen=True)
class Steps:
    """Which steps of the focused slice run (all, normally). benchmarks/schema_scale.py turns each
    off in turn, so what every step buys in recall and tokens is measured in the same run."""

    scope: bool = True  # off: rank tables across all schemas at once
    columns: bool = True  # off: whole tables
    join_paths: bool = True  # off: every neighbour of a chosen table, the flooding the paths avoid
    compact: bool = True  # off: defog-style DDL, every comment, sample and key line
    value_hints: bool = True  # off: no tie-breaking by question words among sample values


ALL_STEPS = Steps()


class Focus:
    """The selection for one question."""

    def __init__(
        self, r: Retriever, terms: list[str], surface: dict[str, str], cap: int, steps: Steps = ALL_STEPS
    ) -> None:
        self.r, self.terms, self.surface, self.cap, self.steps = r, terms, surface, cap, steps
        self.temporal = any(t in _TEMPORAL or (t.isdigit() and len(t) == 4) for t in terms)
        self.wanted = frozenset(terms)

    def select(self, scores: dict[int, float], full_tokens: int) -> SchemaSlice:
        r = self.r
        hits = r.value_hits(self.terms) if self.steps.value_hints else {}
        best = max(scores.values(), default=0.0)
        candidates = {i: s for i, s in scores.items() if s > 0 and s >= CANDIDATE_SHARE * best}
        n_schemas = len(r.schema_terms) if self.steps.scope else 1
        scope = choose_scope(r.schema_of, r.schema_terms, candidates, hits, self.terms, n_schemas)
        if scope:
            wanted = set(scope.schemas)
            candidates = {i: s for i, s in candidates.items() if r.schema_of[i] in wanted}
        ranked = sorted(candidates, key=lambda i: (-candidates[i], -hits.get(i, 0), r.sort_names[i]))
        role: dict[int, str] = {}
        between: dict[int, tuple[int, int]] = {}
        chosen: list[int] = []
        if not ranked:
            order = sorted(range(len(r.tables)), key=lambda i: (-len(r.adjacent[i]), r.sort_names[i]))
            chosen = order[:FALLBACK_TABLES]
            role = dict.fromkeys(chosen, "fallback")
        groups = [[i for i in ranked if r.schema_of[i] == s] for s in scope.schemas] if scope else [ranked]
        for group in groups if ranked else []:
            if not group:
                continue
            top = scores[group[0]]
            in_scope = set(group)
            picked = [i for i in group if scores[i] >= TABLE_SHARE * top][:MAX_TABLES]

            def cost(i: int, top: float = top, in_scope: set[int] = in_scope) -> float:
                return 1.0 + (0.0 if i in in_scope else 0.5) - 0.5 * min(1.0, scores.get(i, 0.0) / top)

            if self.steps.join_paths:
                added, paths = connect(r.adjacent, picked, cost)
            else:
                added, paths = sorted({n for i in picked for n in r.adjacent[i]} - set(picked)), {}
            between.update(paths)
            members = set(picked) | set(added)
            near = [
                i for i in group if i not in members and scores[i] >= NEIGHBOUR_SHARE * top and r.adjacent[i] & members
            ][: max(0, MAX_TABLES - len(members))]
            for kind, tables in (("match", picked), ("path", added), ("neighbour", near)):
                for i in tables:
                    if i not in role:
                        role[i] = kind
                        chosen.append(i)
        return self._fit(chosen, role, between, scores, full_tokens, scope)

    def _columns(self, i: int, chosen: set[int]) -> tuple[list[int], set[str]]:
        """Positions of the columns to show and the lower-cased names whose samples matter."""
        r = self.r
        table = r.tables[i]
        columns = table.columns
        need: set[str] = {c.lower() for c in table.primary_key}
        for h in r.hints_of[i]:
            _, a, b, _ = r.hints[h]
            left, right = r.hint_cols[h]
            if a == i and b in chosen:
                need.add(left)
            if b == i and a in chosen:
                need.add(right)
        own = r.fields[i]["name"]  # `customer` says nothing about which column of `customers`
        col_scores = r.column_scores(i, [t for t in self.terms if t not in own])
        matched = sorted((p for p, s in enumerate(col_scores) if s > 0), key=lambda p: (-col_scores[p], p))
        matched = matched[:MAX_MATCHED]
        sampled = {columns[p].name.lower() for p in matched}
        keep = {p for p, c in enumerate(columns) if c.name.lower() in need} | set(matched)
        if self.temporal:
            dated = [p for p, c in enumerate(columns) if "DATE" in c.type.upper() or "TIME" in c.type.upper()]
            keep.update(dated[:_DATE_COLUMNS])
        label = next((p for p, c in enumerate(columns) if c.name.lower().endswith(_LABEL_WORDS)), None)
        if label is not None:
            keep.add(label)
        if not keep:
            keep.add(0)
        if len(columns) - len(keep) <= SMALL_REST or not self.steps.columns:
            keep = set(range(len(columns)))
        return sorted(keep), sampled

    def _fit(
        self,
        chosen: list[int],
        role: dict[int, str],
        between: dict[int, tuple[int, int]],
        scores: dict[int, float],
        full_tokens: int,
        scope: Scope | None,
    ) -> SchemaSlice:
        """Render the chosen tables, dropping the weakest (last) while the DDL overruns the cap."""
        chosen = chosen[:MAX_SLICE_TABLES]
        ddl, choices, hint_lines, sizes = self._render(chosen, role, between, scores)
        while len(ddl) > self.cap and chosen:
            # Blocks only shrink when tables leave (fewer join columns and references), so the
            # longest prefix whose blocks fit as rendered is a safe first cut; re-render it.
            used, keep = 0, 0
            for size in sizes:
                if used + size > self.cap:
                    break
                used, keep = used + size + 2, keep + 1
            chosen = chosen[: min(keep, len(chosen) - 1)]
            ddl, choices, hint_lines, sizes = self._render(chosen, role, between, scores)
        names, why = (scope.schemas, scope.why) if scope else ((), "")
        return SchemaSlice(choices, hint_lines, ddl, estimate_tokens(ddl), full_tokens, False, names, why)

    def _render(
        self, chosen: list[int], role: dict[int, str], between: dict[int, tuple[int, int]], scores: dict[int, float]
    ) -> tuple[str, tuple[TableChoice, ...], tuple[JoinHint, ...], list[int]]:
        r = self.r
        members = set(chosen)
        in_slice = {r.tables[i].qualified.lower() for i in chosen}
        blocks, choices, shown_cols = [], [], {}
        for i in chosen:
            positions, sampled = self._columns(i, members)
            table = r.tables[i]
            cols = tuple(table.columns[p] for p in positions)
            shown_cols[i] = {c.name.lower() for c in cols}
            if self.steps.compact:
                blocks.append(render_compact(table, cols, r.dialect, in_slice, sampled, self.wanted))
            else:
                blocks.append(render_table(table, cols, r.dialect))
            choices.append(TableChoice(table, cols, scores.get(i, 0.0), self._why(i, chosen, role, between, len(cols))))
        hints, lines = [], []
        for h in sorted({h for i in chosen for h in r.hints_of[i]}):
            hint, a, b, line = r.hints[h]
            if a not in members or b not in members:
                continue
            left, right = r.hint_cols[h]
            if left in shown_cols[a] and right in shown_cols[b]:
                hints.append(hint)
                if hint.source != "foreign_key" or not self.steps.compact:  # else inline REFERENCES
                    lines.append(line)
        return assemble(blocks, lines), tuple(choices), tuple(hints), [len(b) for b in blocks]

    def _why(
        self, i: int, chosen: list[int], role: dict[int, str], between: dict[int, tuple[int, int]], shown: int
    ) -> str:
        r, parts = self.r, []
        hits = []
        for field, label in _LABELS.items():
            words = sorted({self.surface[t] for t in self.terms if t in r.fields[i][field]})
            if words:
                hits.append(f"{', '.join(repr(w) for w in words[:3])} in {label}")
        kind = role.get(i)
        if kind == "fallback":
            parts.append("no word of the question matched; a well-connected table")
        if hits:
            parts.append("matches " + "; ".join(hits))
        if kind == "path" and i in between:
            a, b = between[i]
            parts.append(f"join path between {r.tables[a].qualified} and {r.tables[b].qualified}")
        elif kind == "neighbour":
            joined = [r.tables[k].qualified for k in chosen if k in r.adjacent[i]]
            parts.append("joins " + ", ".join(joined[:3]))
        total = len(r.tables[i].columns)
        if shown < total:
            parts.append(f"{shown} of {total} columns; the other {total - shown} via describe_table")
        return "; ".join(parts) or "chosen"
