"""Recall floors of the focused schema slice on real catalogs: the 11 defog databases as one
catalog, and the generated catalog of many small databases (benchmarks/_many_databases.py).

The floors sit a little under what benchmarks/schema_scale.py measures, so a change that loses
tables the questions need fails here; the speed targets stay in the benchmark.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tools.retrieval import Retriever, SliceMethod
from tools.tokens import DEFAULT_BUDGET

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


many = _load("_many_databases")


def _recall_and_share(retriever: Retriever, gold: list[tuple[str, frozenset[str]]], budget: int) -> tuple[float, float]:
    recall = share = 0.0
    for text, tables in gold:
        chosen = retriever.retrieve(text, budget)
        got = {c.table.qualified.lower() for c in chosen.tables}
        recall += len(tables & got) / len(tables)
        share += chosen.tokens / retriever.full_tokens
    return recall / len(gold), share / len(gold)


def test_the_generated_catalog_is_the_same_every_time_and_its_gold_exists() -> None:
    catalog, dbs = many.many_databases()
    again, _ = many.many_databases()
    assert catalog == again
    assert 800 <= len(catalog.tables) <= 1100 and len({t.schema for t in catalog.tables}) == len(dbs)
    questions = many.questions(dbs)
    assert questions == many.questions(dbs) and len(questions) > 300
    columns = {f"{t.qualified}.{c.name}".lower() for t in catalog.tables for c in t.columns}
    tables = {t.qualified.lower() for t in catalog.tables}
    for q in questions:
        assert q.tables <= tables and q.columns <= columns
        assert {t.split(".")[0] for t in q.tables} == {q.database}


def test_many_small_databases_recall_floor() -> None:
    catalog, dbs = many.many_databases()
    gold = [(q.text, q.tables) for q in many.questions(dbs)]
    retriever = Retriever(catalog)
    recall, share = _recall_and_share(retriever, gold, DEFAULT_BUDGET)
    assert recall >= 0.94 and share <= 0.03
    greedy = sum(
        len(t & {c.table.qualified.lower() for c in retriever.retrieve(q, DEFAULT_BUDGET, SliceMethod.GREEDY).tables})
        / len(t)
        for q, t in gold[::10]
    ) / len(gold[::10])
    assert greedy >= 0.9  # the old slicer still works when asked for


def test_scope_names_the_database_a_question_is_about() -> None:
    catalog, dbs = many.many_databases()
    retriever = Retriever(catalog)
    right = 0
    questions = many.questions(dbs)
    for q in questions:
        chosen = retriever.retrieve(q.text, DEFAULT_BUDGET)
        assert chosen.scope and chosen.scope_why.startswith(f"best-matching of {len(dbs)} schemas: ")
        right += q.database in chosen.scope
        assert {c.table.schema for c in chosen.tables} <= set(chosen.scope) | {
            c.table.schema for c in chosen.tables if "join path" in c.why
        }
    assert right / len(questions) >= 0.94


@pytest.fixture(scope="module")
def defog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, list[tuple[str, frozenset[str]]]]:
    from sessions.evaluation.defog import defog_suite

    bench = _load("retrieval")
    cache = tmp_path_factory.mktemp("defog")
    catalog, renames = bench.defog_catalog(cache)
    mapping: dict[str, dict[str, dict[str, str]]] = {}
    for table in catalog.tables:
        mapping.setdefault(table.schema.lower(), {})[table.name.lower()] = {c.name.lower(): "X" for c in table.columns}
    gold = [
        (item.prompt, frozenset(bench.gold_refs(item.gold[0], renames[item.db_label], mapping)[0]))
        for item in defog_suite(cache).items
    ]
    return Retriever(catalog), gold


def test_defog_catalog_recall_floor(defog: tuple[Retriever, list[tuple[str, frozenset[str]]]]) -> None:
    retriever, gold = defog
    assert len(retriever.tables) > 100 and len(gold) > 300
    recall, share = _recall_and_share(retriever, gold, retriever.full_tokens // 4)
    assert recall >= 0.98 and share <= 0.08
