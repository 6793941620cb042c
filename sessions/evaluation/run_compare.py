"""Two runs side by side (`runs compare`): accuracy deltas over the questions both scored, the
questions that flipped, and whether the flips are more than noise.

Two runs, not two results: the comparison of a predicted result with the gold is comparison/.
"""

from __future__ import annotations

from typing import Any

from sessions.evaluation.runs import RunRecord, results_as_objects
from sessions.evaluation.scoring import NOT_RUN, QuestionResult
from sessions.evaluation.statistics import mcnemar_exact_p
from sessions.evaluation.summary import summarize


def _shared_slices(
    common: list[str],
    by_id_a: dict[str, dict[str, Any]],
    by_id_b: dict[str, dict[str, Any]],
    sa: dict[str, Any],
    sb: dict[str, Any],
    key: str,
    summary_key: str,
) -> dict[str, dict[str, Any]]:
    """Per-group accuracy of A and B over the questions both scored (so the deltas agree with the
    headline), plus each run's accuracy over all its own scored questions (`a_all`, `b_all`)."""
    groups: dict[str, dict[str, Any]] = {}
    for i in common:
        label = str(by_id_a[i].get(key) or by_id_b[i].get(key) or "")
        group = groups.setdefault(label, {"n": 0, "a_correct": 0, "b_correct": 0})
        group["n"] += 1
        group["a_correct"] += bool(by_id_a[i].get("correct"))
        group["b_correct"] += bool(by_id_b[i].get("correct"))
    out: dict[str, dict[str, Any]] = {}
    for label in sorted(set(groups) | set(sa[summary_key]) | set(sb[summary_key])):
        group = groups.get(label, {"n": 0, "a_correct": 0, "b_correct": 0})
        n = group["n"]
        acc_a = round(group["a_correct"] / n, 4) if n else None
        acc_b = round(group["b_correct"] / n, 4) if n else None
        out[label] = {
            "n": n,
            "a": acc_a,
            "b": acc_b,
            "delta": None if not n else round((group["b_correct"] - group["a_correct"]) / n, 4),
            "a_all": sa[summary_key].get(label, {}).get("accuracy"),
            "b_all": sb[summary_key].get(label, {}).get("accuracy"),
            "a_n": sa[summary_key].get(label, {}).get("n", 0),
            "b_n": sb[summary_key].get(label, {}).get("n", 0),
        }
    return out


def same_sql(a: str | None, b: str | None) -> bool:
    """The same query text, up to blanks and a trailing semicolon: two runs that sent it and were
    scored differently saw the database answer differently (ties, an unordered LIMIT, now())."""
    if not a or not b:
        return False
    return " ".join(a.rstrip().rstrip(";").split()) == " ".join(b.rstrip().rstrip(";").split())


def _flip(qid: str, a: QuestionResult, b: QuestionResult) -> dict[str, Any]:
    def side(r: QuestionResult) -> dict[str, Any]:
        return {
            "outcome": r.outcome,
            "correct": r.correct,
            "predicted_sql": r.predicted_sql,
            "reason": r.reason,
            "error": r.error,
        }

    return {
        "id": qid,
        "direction": "fixed" if b.correct else "broken",
        "category": a.category,
        "db": a.db,
        "identical_sql": same_sql(a.predicted_sql, b.predicted_sql),
        "a": side(a),
        "b": side(b),
    }


def _tiers(summary: dict[str, Any]) -> dict[str, Any]:
    """The relaxed and strict tiers of one run, over all its scored questions (like `accuracy`)."""
    return {key: summary[key] for key in ("set_accuracy", "rounded_accuracy", "gold_order_accuracy")}


def compare_runs(a: RunRecord, b: RunRecord) -> dict[str, Any]:
    """Per-category and per-database accuracy deltas, the questions that flipped (by id), and
    whether the flips are more than noise (exact McNemar test on the questions both runs answered).

    Every delta is over the questions both runs scored, like the headline; an interrupted run
    against a full one would otherwise compare different question sets. Each run's accuracy
    over all its own scored questions is kept apart (`a`/`b` at the top, `a_all`/`b_all` per group).

    A flip whose predicted SQL is the same in both runs is no change of the model's: it is marked
    `identical_sql`, counted, and McNemar is also given without those flips."""
    objects_a, objects_b = results_as_objects(a.results), results_as_objects(b.results)
    sa, sb = summarize(objects_a), summarize(objects_b)
    obj_a = {r.id: r for r in objects_a if r.outcome != NOT_RUN}
    obj_b = {r.id: r for r in objects_b if r.outcome != NOT_RUN}
    by_id_a = {i: r.to_json() for i, r in obj_a.items()}
    by_id_b = {i: r.to_json() for i, r in obj_b.items()}
    common = sorted(set(by_id_a) & set(by_id_b))
    flips = [_flip(i, obj_a[i], obj_b[i]) for i in common if obj_a[i].correct != obj_b[i].correct]
    fixed = [f["id"] for f in flips if f["direction"] == "fixed"]
    broken = [f["id"] for f in flips if f["direction"] == "broken"]
    real_fixed = sum(f["direction"] == "fixed" and not f["identical_sql"] for f in flips)
    real_broken = sum(f["direction"] == "broken" and not f["identical_sql"] for f in flips)
    shared_a = sum(obj_a[i].correct for i in common)
    shared_b = sum(obj_b[i].correct for i in common)
    return {
        "a": {"accuracy": sa["accuracy"], "n": sa["n"], "ci95": sa["accuracy_ci95"], "tiers": _tiers(sa)},
        "b": {"accuracy": sb["accuracy"], "n": sb["n"], "ci95": sb["accuracy_ci95"], "tiers": _tiers(sb)},
        "shared": {
            "n": len(common),
            "a_correct": shared_a,
            "b_correct": shared_b,
            "delta": round((shared_b - shared_a) / len(common), 4) if common else None,
            "mcnemar_p": round(mcnemar_exact_p(len(fixed), len(broken)), 6),
            "identical_sql_flips": len(flips) - real_fixed - real_broken,
            "mcnemar_p_without_identical_sql": round(mcnemar_exact_p(real_fixed, real_broken), 6),
        },
        "by_category": _shared_slices(common, by_id_a, by_id_b, sa, sb, "category", "by_category"),
        "by_db": _shared_slices(common, by_id_a, by_id_b, sa, sb, "db", "by_db"),
        "fixed": fixed,
        "broken": broken,
        "flips": flips,
        "only_in_a": sorted(set(by_id_a) - set(by_id_b)),
        "only_in_b": sorted(set(by_id_b) - set(by_id_a)),
        "same_suite": a.header.get("suite_hash") == b.header.get("suite_hash"),
        "examples": {"a": examples_shown(a.header), "b": examples_shown(b.header)},
    }


def examples_shown(header: dict[str, Any]) -> str:
    """What verified examples a run showed each question, in words ("none" for runs before them)."""
    examples = header.get("examples")
    if not isinstance(examples, dict):
        return "none"
    return f"{examples.get('count')} per question from the {examples.get('source')}"
