"""The judge on its labelled differential set: every verdict equals the truth decided by construction.

tests/data/judge/pairs.jsonl is made by scripts/make_judge_pairs.py from the defog golds
(equivalent rewrites and wrong answers; issue 21).  Each prediction runs on the real DuckDB
database and is scored through the scorer's own path (`score_result`: the gold through the guard,
parsed once, run past its LIMIT when a tie may cross it).  benchmarks/judge_agreement.py prints the
same agreement per kind.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest

PAIRS = Path(__file__).resolve().parents[2] / "data" / "judge" / "pairs.jsonl"
TIE_KINDS = ("tie_at_cut_other_entity", "tie_at_cut_outsider", "wrong_entity_at_cut", "value_changed")
ORDER_KINDS = ("order_reversed_asked", "order_reversed_not_asked", "tie_reorder")


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_is_large_and_covers_both_rules(pairs: list[dict[str, Any]]) -> None:
    kinds = collections.Counter((p["kind"], p["truth"]) for p in pairs)
    assert len(pairs) >= 1000
    assert sum(p["truth"] for p in pairs) >= 500 and sum(not p["truth"] for p in pairs) >= 500
    for kind in TIE_KINDS + ORDER_KINDS:
        assert sum(n for (k, _), n in kinds.items() if k == kind) >= 30, kind
    assert len({t for k, t in kinds if k in TIE_KINDS}) == 2  # ties: right and wrong answers
    assert len({t for k, t in kinds if k in ORDER_KINDS[:2]}) == 2  # order asked and not asked
    assert len({p["db"] for p in pairs}) >= 8


def test_the_judge_agrees_with_every_labelled_pair(pairs: list[dict[str, Any]], defog_cache: Path) -> None:
    from sessions.evaluation.defog import build_databases
    from sessions.evaluation.scoring import EVAL_MAX_ROWS, score_result
    from sessions.evaluation.suite import SuiteItem
    from tools.databases.base import Limits, QueryError
    from tools.databases.duckdb import open_duckdb

    limits = Limits(timeout_s=30, max_rows=EVAL_MAX_ROWS, cell_digest=True)
    dbs = {name: open_duckdb(path, defog_cache) for name, path in build_databases(defog_cache).items()}
    wrong: list[str] = []
    for pair in pairs:
        db = dbs[pair["db"]]
        predicted = db.execute(pair["prediction"], limits)
        assert not isinstance(predicted, QueryError), (pair["id"], predicted)
        item = SuiteItem(
            id=pair["id"],
            question=pair["question"],
            gold=(pair["gold"],),
            db=None,
            order_sensitive=pair["order_sensitive"],
        )
        got = score_result(item, predicted, db, limits)
        assert got.outcome != "gold_error", (pair["id"], got.error)
        if got.correct != pair["truth"]:
            wrong.append(f"{pair['id']} ({pair['kind']}): judged {got.correct}, truth {pair['truth']}: {got.reason}")
    assert not wrong, f"{len(wrong)} of {len(pairs)} pairs misjudged:\n" + "\n".join(wrong[:25])
