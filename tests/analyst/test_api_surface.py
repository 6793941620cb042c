"""The documented Python API, pinned: its names, the signatures of what a caller calls, and the
fields of what it gets back. A failure here means the surface changed — if that was meant, change
this file, the README's "Python API" section and the version together; if not, it is a break."""

from __future__ import annotations

import dataclasses
import doctest
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import analyst
import analyst.api

REPO = Path(__file__).resolve().parents[2]

NAMES = [
    "Abort",
    "Analyst",
    "Approve",
    "Check",
    "Column",
    "Edit",
    "Limits",
    "PendingSql",
    "Problem",
    "Reject",
    "Result",
    "RunError",
    "Schema",
    "SchemaColumn",
    "SchemaTable",
    "Status",
    "Usage",
    "UserError",
    "connect",
]

SIGNATURES = {
    "connect": "(db: 'str | None' = None, *, model: 'str | None' = None, on_event: 'Listener | None' = None, **settings: 'Any') -> 'Analyst'",
    "Analyst.ask": "(self, question: 'str', approve: 'Approver' = 'auto', *, on_event: 'Listener | None' = None) -> 'Result'",
    "Analyst.run": "(self, sql: 'str', approve: 'Approver' = 'auto', *, on_event: 'Listener | None' = None) -> 'Result'",
    "Analyst.stream": "(self, question: 'str', approve: 'Approver' = 'auto') -> 'Iterator[Any]'",
    "Analyst.check": "(self, sql: 'str') -> 'Check'",
    "Analyst.schema": "(self, question: 'str | None' = None, budget: 'int | None' = None) -> 'Schema'",
    "Analyst.close": "(self) -> 'None'",
}

FIELDS = {
    "Result": [
        "status",
        "sql",
        "columns",
        "rows",
        "row_count",
        "truncated",
        "answer",
        "session_id",
        "usage",
        "error",
        "problems",
        "cost_usd",
        "clarification",
    ],
    "Check": ["ok", "sql", "sql_hash", "tables", "problems", "warnings"],
    "PendingSql": ["sql", "sql_hash", "tables", "limits", "warnings", "problems", "question"],
    "Schema": ["ddl", "tables", "join_hints", "tokens", "full_tokens"],
    "SchemaTable": ["name", "row_count", "comment", "columns", "why"],
    "Column": ["name", "type"],
    "Approve": ["decided_by"],
    "Edit": ["sql", "decided_by"],
    "Reject": ["feedback", "decided_by"],
    "Abort": ["decided_by"],
}


def test_the_names() -> None:
    assert analyst.__all__ == NAMES
    for name in NAMES:
        assert getattr(analyst, name) is not None


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_the_signatures(name: str) -> None:
    owner, _, attr = name.rpartition(".")
    target = getattr(getattr(analyst, owner), attr) if owner else getattr(analyst, attr)
    assert str(inspect.signature(target)) == SIGNATURES[name]


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_the_values_are_frozen_with_these_fields(name: str) -> None:
    cls = getattr(analyst, name)
    assert [f.name for f in dataclasses.fields(cls)] == FIELDS[name]
    assert cls.__dataclass_params__.frozen


def test_the_statuses() -> None:
    assert [s.value for s in analyst.Status] == [
        "answered",
        "needs_clarification",
        "dry_run",
        "aborted",
        "rejected",
        "failed",
        "interrupted",
    ]


def test_importing_analyst_stays_light() -> None:
    code = "import sys, analyst; print(sorted(m for m in ('duckdb', 'openai', 'anthropic', 'textual', 'sqlglot', 'mcp') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module", [analyst, analyst.api])
def test_the_docstring_examples_run(module: object) -> None:
    results = doctest.testmod(module, raise_on_error=False, verbose=False)  # type: ignore[arg-type]
    assert results.attempted > 0 and results.failed == 0
