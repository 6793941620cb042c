"""Evaluation: suites, scoring by execution, result comparison, run logs and their statistics.

The names below are the package's surface; its modules are named for their concepts (suite,
scoring, comparison/, runs, summary, run_compare, run_json, statistics, defog). Each name is
imported on first use: scoring needs the agents' turn types, comparison sqlglot on its first
ORDER BY, and a caller that reads only a suite should pay for neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

if TYPE_CHECKING:
    from sessions.evaluation.comparison import Comparison, compare_results, order_keys
    from sessions.evaluation.defog import defog_suite
    from sessions.evaluation.run_compare import compare_runs, same_sql
    from sessions.evaluation.run_json import compare_json, run_summary, show_json
    from sessions.evaluation.runs import (
        NotARunLog,
        RunLog,
        RunRecord,
        find_run,
        list_runs,
        load_run,
        new_run_id,
        results_as_objects,
    )
    from sessions.evaluation.scoring import (
        EVAL_MAX_ROWS,
        NOT_RUN,
        OUTCOMES,
        EvalOutcome,
        QuestionResult,
        declines,
        not_run,
        score,
    )
    from sessions.evaluation.statistics import mcnemar_exact_p, wilson_interval
    from sessions.evaluation.suite import Suite, SuiteError, SuiteItem, load_suite
    from sessions.evaluation.summary import summarize

__all__ = [
    "EVAL_MAX_ROWS",
    "NOT_RUN",
    "OUTCOMES",
    "Comparison",
    "EvalOutcome",
    "NotARunLog",
    "QuestionResult",
    "RunLog",
    "RunRecord",
    "Suite",
    "SuiteError",
    "SuiteItem",
    "compare_json",
    "compare_results",
    "compare_runs",
    "declines",
    "defog_suite",
    "find_run",
    "list_runs",
    "load_run",
    "load_suite",
    "mcnemar_exact_p",
    "new_run_id",
    "not_run",
    "order_keys",
    "results_as_objects",
    "run_summary",
    "same_sql",
    "score",
    "show_json",
    "summarize",
    "wilson_interval",
]

# where each name of __all__ is defined, for the import on first use
_MODULE_OF = {
    "Comparison": "sessions.evaluation.comparison",
    "compare_results": "sessions.evaluation.comparison",
    "order_keys": "sessions.evaluation.comparison",
    "defog_suite": "sessions.evaluation.defog",
    "compare_runs": "sessions.evaluation.run_compare",
    "same_sql": "sessions.evaluation.run_compare",
    "compare_json": "sessions.evaluation.run_json",
    "run_summary": "sessions.evaluation.run_json",
    "show_json": "sessions.evaluation.run_json",
    "NotARunLog": "sessions.evaluation.runs",
    "RunLog": "sessions.evaluation.runs",
    "RunRecord": "sessions.evaluation.runs",
    "find_run": "sessions.evaluation.runs",
    "list_runs": "sessions.evaluation.runs",
    "load_run": "sessions.evaluation.runs",
    "new_run_id": "sessions.evaluation.runs",
    "results_as_objects": "sessions.evaluation.runs",
    "EVAL_MAX_ROWS": "sessions.evaluation.scoring",
    "NOT_RUN": "sessions.evaluation.scoring",
    "OUTCOMES": "sessions.evaluation.scoring",
    "EvalOutcome": "sessions.evaluation.scoring",
    "QuestionResult": "sessions.evaluation.scoring",
    "declines": "sessions.evaluation.scoring",
    "not_run": "sessions.evaluation.scoring",
    "score": "sessions.evaluation.scoring",
    "mcnemar_exact_p": "sessions.evaluation.statistics",
    "wilson_interval": "sessions.evaluation.statistics",
    "Suite": "sessions.evaluation.suite",
    "SuiteError": "sessions.evaluation.suite",
    "SuiteItem": "sessions.evaluation.suite",
    "load_suite": "sessions.evaluation.suite",
    "summarize": "sessions.evaluation.summary",
}


def __getattr__(name: str) -> Any:
    return load_name(__name__, _MODULE_OF, globals(), name)
