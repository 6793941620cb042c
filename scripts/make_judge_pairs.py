#!/usr/bin/env python3
"""Generate the judge's labelled differential set, tests/data/judge/pairs.jsonl (issue 21).

Each pair is (question, gold, prediction, truth, kind) over the defog databases.  The prediction
is SQL made from the gold by a rewrite or a mutation whose truth is decided by construction:

- equivalent rewrites (truth true): output aliases renamed, columns reordered, an extra column,
  the gold wrapped in a CTE, DECIMAL columns cast to DOUBLE (and DOUBLE to DECIMAL when every
  value keeps 1e-6 relative precision), rows tied on the sort keys in another order, another
  entity tied at a LIMIT cut (a tie that really crosses the cut), IN rewritten as EXISTS, the
  operands of an inner join swapped, the order reversed when the question does not ask for one;
- wrong answers (truth false): an empty result, a duplicated row, DISTINCT missing, AVG for SUM,
  LIMIT off by one, the first filter negated, one column's values rotated across rows, the wrong
  entity carrying the right count at a LIMIT cut (no tie past it), an entity from past the tie at
  the cut, a column missing, the order reversed when the question asks for one.

Whether the question asks for order is the suite's policy (defog's flag when true, else the
question's words: sessions/evaluation/order_policy.py).  Each construction is checked against a
brute-force oracle (every column permutation, exact multisets of normalised values, the tie pool
when a tie crosses the cut); a pair whose construction did not do what it says (a "wrong filter"
that changed nothing) is dropped and counted, never relabelled.

Both tie orders are kept for `tie_reorder` and `tie_at_cut_other_entity`, also when one of them
happens to give the gold's own rows: which tied rows the gold returns is the database's choice
and may differ from run to run, and the file must come out the same each time.

Only questions whose tables hold no rows relative to the load date are used: the databases are
rebuilt each UTC day, and a "last 30 days" row could move across a month boundary and change a
tie or a count between the day the set was made and the day the test runs.

    PYTHONPATH=. python scripts/make_judge_pairs.py [--cache DIR] [--out tests/data/judge/pairs.jsonl]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import decimal
import itertools
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_ROWS = 500  # golds with more rows are left out (the test stays quick)
_RELATIVE = re.compile(r"current_date|now\(\)|current_timestamp|today\(\)", re.IGNORECASE)


def relative_tables(db: str) -> set[str]:
    """Tables whose INSERTs compute values from the load date."""
    from sessions.evaluation.defog import data_dir

    sql = (data_dir() / "db" / f"{db}.sql").read_text(encoding="utf-8")
    out = set()
    for m in re.finditer(r"INSERT INTO\s+([\w.\"]+)(.*?);\s*\n", sql, re.S | re.I):
        if _RELATIVE.search(m.group(2)):
            out.add(m.group(1).split(".")[-1].strip('"').lower())
    return out


def norm(v: Any) -> Any:
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (float, decimal.Decimal)):
        f = float(v)
        return "nan" if f != f else float(f"{f:.9g}")
    if isinstance(v, dt.datetime) and v.tzinfo is None and v.time() == dt.time(0):
        return v.date()
    if isinstance(v, list):
        return tuple(norm(x) for x in v)
    return v


class Gold:
    """One gold query, run, with the facts the constructions need."""

    def __init__(self, con: Any, sql: str, names: list[str], types: list[str], rows: list[tuple[Any, ...]]) -> None:
        from sessions.evaluation.comparison.order_keys import gold_shape

        self.sql, self.names, self.types, self.rows = sql, names, types, rows
        self.m, self.n = len(names), len(rows)
        self.alist = ", ".join(f"a{i}" for i in range(self.m))
        self.shape = gold_shape(sql, "duckdb", names)
        self.tree = _top(sql)
        self.dirs = _directions(sql, self.tree, names) if self.shape.ordered else None
        self.keys = self.shape.keys or tuple(range(self.m))
        self.past: list[tuple[Any, ...]] | None = None
        self.offset = self.tree is not None and self.tree.args.get("offset") is not None
        if self.shape.past_limit_sql is not None:
            got = run(con, self.shape.past_limit_sql)
            self.past = got[2] if got else None

    def key(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(norm(row[k]) for k in self.keys)

    def tie(self) -> tuple[int, list[tuple[Any, ...]], int] | None:
        """(start of the gold's last tie run, the tie pool, index past the pool) when a tie crosses the cut."""
        if self.past is None or len(self.past) <= self.n or not self.shape.keys_complete:
            return None
        last = self.key(self.rows[-1])
        if self.key(self.past[self.n]) != last:
            return None
        start = self.n - 1
        while start > 0 and self.key(self.rows[start - 1]) == last:
            start -= 1
        pool = [r for r in self.past if self.key(r) == last]
        end = max(i for i, r in enumerate(self.past) if self.key(r) == last) + 1
        return start, pool, end

    def wrap(self, proj: str, order: str = "", where: str = "") -> str:
        return f"SELECT {proj} FROM ({self.sql}) AS g({self.alist}){where}{order}"

    def order_by(self, flip: bool = False, tail: str = "", prefix: str = "") -> str:
        assert self.dirs is not None
        items = [
            f"{prefix}a{i} {'DESC' if desc != flip else 'ASC'} NULLS {'FIRST' if nf != flip else 'LAST'}"
            for i, desc, nf in self.dirs
        ]
        return " ORDER BY " + ", ".join(items) + tail


def _top(sql: str) -> Any:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except Exception:
        return None
    while isinstance(tree, (exp.Subquery, exp.Paren)) and not tree.args.get("order") and not tree.args.get("limit"):
        tree = tree.this
    return tree


def _directions(sql: str, tree: Any, names: list[str]) -> list[tuple[int, bool, bool]] | None:
    """(output column, DESC, NULLS FIRST) per ORDER BY item; None when one is not an output column."""
    from sessions.evaluation.comparison.order_keys import order_keys

    if tree is None or tree.args.get("order") is None:
        return None
    out = []
    for o in tree.args["order"].expressions:
        single = tree.copy()
        single.args["order"].set("expressions", [o.copy()])
        keys, _ = order_keys(single.sql(dialect="duckdb"), "duckdb", names)
        if len(keys) != 1:
            return None
        out.append((keys[0], bool(o.args.get("desc")), bool(o.args.get("nulls_first"))))
    return out


def run(con: Any, sql: str) -> tuple[list[str], list[str], list[tuple[Any, ...]]] | None:
    try:
        cur = con.execute(sql)
        rows = cur.fetchmany(MAX_ROWS * 4 + 1)
    except Exception:
        return None
    return [d[0] for d in cur.description], [str(d[1]) for d in cur.description], rows


def oracle(gold: Gold, pred: list[tuple[Any, ...]], ordered: bool) -> bool:
    """Brute force: is `pred` an acceptable answer (some injective column map)?"""
    g = [tuple(map(norm, r)) for r in gold.rows]
    p = [tuple(map(norm, r)) for r in pred]
    if len(p) != len(g) or not p:
        return False
    pm = len(p[0])
    if pm < gold.m or pm > 9:
        return False
    tie = gold.tie()
    pool = collections.Counter(tuple(map(norm, r)) for r in tie[1]) if tie else None
    gkeys = [tuple(r[k] for k in gold.keys) for r in g]
    whole = collections.Counter(g)
    for perm in itertools.permutations(range(pm), gold.m):
        proj = [tuple(r[i] for i in perm) for r in p]
        if ordered and [tuple(r[k] for k in gold.keys) for r in proj] != gkeys:
            continue
        got = collections.Counter(proj)
        if got == whole:
            return True
        if tie is not None and pool is not None:
            rest = got.copy()
            rest.subtract(collections.Counter(g[: tie[0]]))
            if min(rest.values(), default=0) >= 0 and not (+rest - pool):
                return True
    return False


def constructions(gold: Gold, asked: bool, qi: int) -> list[tuple[str, bool, str]]:
    """(kind, truth, prediction SQL) for every construction that applies to this gold."""
    out: list[tuple[str, bool, str]] = []
    same = gold.order_by() if gold.dirs else ""
    m, cols = gold.m, [f"a{i}" for i in range(gold.m)]
    out.append(("alias_rename", True, gold.wrap(", ".join(f"{c} AS renamed_{i}" for i, c in enumerate(cols)), same)))
    if m >= 2:
        out.append(("column_reorder", True, gold.wrap(", ".join(reversed(cols)), same)))
        out.append(("missing_column", False, gold.wrap(", ".join(cols[:-1]), same)))
    extra = "42 AS extra" if qi % 2 else "a0 AS a0_again"
    out.append(("extra_column", True, gold.wrap(f"{gold.alist}, {extra}", same)))
    out.append(("cte_wrap", True, f"WITH gold_cte({gold.alist}) AS ({gold.sql}) SELECT * FROM gold_cte{same}"))
    out += _casts(gold, cols, same)
    out.append(("empty_result", False, gold.wrap("*", where=" WHERE 1 = 0")))
    dup = f"SELECT * FROM ({gold.sql}) AS g({gold.alist}) UNION ALL (SELECT * FROM ({gold.sql}) AS g2({gold.alist}) LIMIT 1)"
    out.append(("duplicated_row", False, dup))
    out += _rewrites(gold)
    out += _rotated(gold)
    out += _value_changed(gold)
    out += _order(gold, asked)
    out += _ties(gold)
    return out


def _casts(gold: Gold, cols: list[str], same: str) -> list[tuple[str, bool, str]]:
    proj, changed = [], False
    for i, (c, t) in enumerate(zip(cols, gold.types)):
        values = [r[i] for r in gold.rows if r[i] is not None]
        if t.startswith("DECIMAL"):
            proj.append(f"CAST({c} AS DOUBLE)")
            changed = True
        elif t == "DOUBLE" and values and all(v == 0 or 0.01 <= abs(v) < 1e20 for v in values):
            proj.append(f"CAST({c} AS DECIMAL(38, 10))")
            changed = True
        else:
            proj.append(c)
    return [("decimal_double_cast", True, gold.wrap(", ".join(proj), same))] if changed else []


def _rewrites(gold: Gold) -> list[tuple[str, bool, str]]:
    from sqlglot import exp

    out: list[tuple[str, bool, str]] = []
    tree = gold.tree
    if tree is None or not isinstance(tree, exp.Select):
        return out
    if tree.args.get("distinct") is not None:
        t = tree.copy()
        t.set("distinct", None)
        out.append(("missing_distinct", False, t.sql(dialect="duckdb")))
    if any(True for _ in tree.find_all(exp.Sum)) and gold.tie() is None:  # at a tie the pick could agree by luck
        t = tree.copy().transform(lambda n: exp.Avg(this=n.this) if isinstance(n, exp.Sum) else n)
        out.append(("avg_for_sum", False, t.sql(dialect="duckdb")))
    limit = tree.args.get("limit")
    if limit is not None and isinstance(limit.expression, exp.Literal) and not gold.offset:
        k = int(limit.expression.name)
        for step in (1, -1):
            if k + step >= 1:
                t = tree.copy()
                t.args["limit"].set("expression", exp.Literal.number(k + step))
                out.append(("limit_off_by_one", False, t.sql(dialect="duckdb")))
    where = tree.args.get("where")
    if where is not None:
        t = tree.copy()
        t.args["where"].set("this", exp.Not(this=exp.Paren(this=where.this.copy())))
        out.append(("wrong_filter", False, t.sql(dialect="duckdb")))
    out += _in_exists(tree)
    out += _join_swap(tree)
    return out


def _in_exists(tree: Any) -> list[tuple[str, bool, str]]:
    """`x.c IN (SELECT y FROM ...)` as a correlated EXISTS (qualified outer column only)."""
    from sqlglot import exp

    t = tree.copy()
    source = t.args.get("from_") or t.args.get("from")
    only = source.this.alias_or_name if source is not None and isinstance(source.this, exp.Table) else None
    for node in list(t.find_all(exp.In)):
        query = node.args.get("query")
        sub = query.this if isinstance(query, exp.Subquery) else query
        outer = node.this
        if isinstance(outer, exp.Column) and not outer.table and only and not t.args.get("joins"):
            outer = exp.column(outer.name, table=only)  # the one outer table, named
        if not isinstance(sub, exp.Select) or not isinstance(outer, exp.Column) or not outer.table:
            continue
        if len(sub.expressions) != 1 or sub.args.get("group") or sub.args.get("limit") or sub.args.get("distinct"):
            continue
        inner_names = {x.alias_or_name.lower() for x in sub.find_all(exp.Table)}
        if outer.table.lower() in inner_names or any(isinstance(x, exp.AggFunc) for x in sub.expressions[0].walk()):
            continue
        cond = exp.EQ(this=sub.expressions[0].unalias().copy(), expression=outer.copy())
        new = sub.copy()
        new.set("expressions", [exp.Literal.number(1)])
        new.where(cond, append=True, copy=False)
        node.replace(exp.Exists(this=new))
        return [("in_to_exists", True, t.sql(dialect="duckdb"))]
    return []


def _join_swap(tree: Any) -> list[tuple[str, bool, str]]:
    """`FROM a JOIN b ON ...` as `FROM b JOIN a ON ...` (inner joins only, explicit select list)."""
    from sqlglot import exp

    joins = tree.args.get("joins") or []
    first = tree.args.get("from_") or tree.args.get("from")
    if not joins or first is None or any(isinstance(e, exp.Star) for e in tree.expressions):
        return []
    j = joins[0]
    if (j.args.get("side") or j.args.get("kind") or "").upper() not in ("", "INNER") or j.args.get("on") is None:
        return []
    if not isinstance(first.this, exp.Table) or not isinstance(j.this, exp.Table):
        return []
    t = tree.copy()
    f2 = t.args.get("from_") or t.args.get("from")
    a, b = f2.this.copy(), t.args["joins"][0].this.copy()
    f2.set("this", b)
    t.args["joins"][0].set("this", a)
    return [("join_reorder", True, t.sql(dialect="duckdb"))]


def _rotated(gold: Gold) -> list[tuple[str, bool, str]]:
    """One non-key column's values moved one row on (distinct values, distinct other columns)."""
    if gold.n < 2:
        return []
    keyset = set(gold.shape.keys) if gold.shape.ordered else set()
    tie = gold.tie()
    # a tie at the cut: the rows the gold returns are the database's pick, so the whole pool must qualify
    rows = gold.rows if tie is None else gold.rows[: tie[0]] + tie[1]
    for j in range(gold.m):
        if j in keyset:
            continue
        values = [norm(r[j]) for r in rows]
        rest = [tuple(norm(v) for i, v in enumerate(r) if i != j) for r in rows]
        if len(set(values)) == len(rows) and len(set(rest)) == len(rows):
            proj = ", ".join(f"r.a{i}" if i == j else f"g.a{i}" for i in range(gold.m))
            sql = (
                f"WITH g AS (SELECT *, row_number() OVER () AS rn__ FROM ({gold.sql}) AS g0({gold.alist})), "
                "c AS (SELECT count(*) AS n__ FROM g) "
                f"SELECT {proj} FROM g CROSS JOIN c JOIN g AS r ON r.rn__ = g.rn__ % c.n__ + 1 ORDER BY g.rn__"
            )
            return [("rotated_values", False, sql)]
    return []


_NUMERIC = re.compile(r"^(?:U?(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|DOUBLE|FLOAT|DECIMAL.*)$")


def _value_changed(gold: Gold) -> list[tuple[str, bool, str]]:
    """One value of the last row changed (a number past the column's range, a string suffixed), in a non-key column:
    at a LIMIT whose last rows tie, the values beside the tied count must still be compared."""
    keyset = set(gold.shape.keys) if gold.shape.ordered else set()
    nonkeys = [j for j in range(gold.m) if j not in keyset and gold.types[j] != "BOOLEAN"]
    numeric = [j for j in nonkeys if _NUMERIC.match(gold.types[j])]
    text = [j for j in nonkeys if gold.types[j] == "VARCHAR"]
    if not numeric and not text:
        return []
    j = (numeric or text)[0]
    # past every value the column holds, so that at a tie the changed row is no other tied row
    seen = [abs(r[j]) for r in (gold.past or gold.rows) + gold.rows if r[j] is not None] if numeric else []
    changed = f"a{j} + {int(2 * max(seen, default=0)) + 1}" if numeric else f"a{j} || ' (other)'"
    proj = ", ".join(f"CASE WHEN rn__ = n__ THEN {changed} ELSE a{j} END" if i == j else f"a{i}" for i in range(gold.m))
    sql = (
        f"WITH g AS (SELECT *, row_number() OVER () AS rn__ FROM ({gold.sql}) AS g0({gold.alist})), "
        f"c AS (SELECT count(*) AS n__ FROM g) SELECT {proj} FROM g CROSS JOIN c ORDER BY rn__"
    )
    return [("value_changed", False, sql)]


def _order(gold: Gold, asked: bool) -> list[tuple[str, bool, str]]:
    if not gold.dirs or len({gold.key(r) for r in gold.rows}) < 2:
        return []
    out = [
        (
            "order_reversed_asked" if asked else "order_reversed_not_asked",
            not asked,
            gold.wrap(gold.alist, gold.order_by(flip=True)),
        )
    ]
    runs = collections.Counter(gold.key(r) for r in gold.rows)
    nonkeys = [i for i in range(gold.m) if i not in {d[0] for d in gold.dirs}]
    if nonkeys and any(c > 1 for c in runs.values()):
        for direction in ("DESC", "ASC"):
            tail = ", " + ", ".join(f"a{i} {direction}" for i in nonkeys)
            out.append(("tie_reorder", True, gold.wrap(gold.alist, gold.order_by(tail=tail))))
    return out


def _ties(gold: Gold) -> list[tuple[str, bool, str]]:
    """Constructions at a LIMIT cut: needs the gold past its LIMIT, resolvable keys, no OFFSET."""
    if gold.past is None or not gold.dirs or gold.offset or not gold.shape.keys_complete or gold.n < 1:
        return []
    k, past_sql = gold.n, gold.shape.past_limit_sql
    keyset = {d[0] for d in gold.dirs}
    nonkeys = [i for i in range(gold.m) if i not in keyset]
    if not nonkeys or len(gold.past) <= k:
        return []
    tie = gold.tie()
    over = gold.order_by(prefix="")[len(" ORDER BY ") :]
    numbered = (
        f"WITH p AS (SELECT *, row_number() OVER (ORDER BY {over}) AS rn__ FROM ({past_sql}) AS g0({gold.alist})) "
    )

    def replaced(source_rn: int) -> str:
        last = ", ".join(f"(SELECT a{i} FROM p WHERE rn__ = {k})" if i in keyset else f"a{i}" for i in range(gold.m))
        return (
            numbered + f"SELECT {gold.alist} FROM (SELECT {gold.alist}, rn__ FROM p WHERE rn__ < {k} "
            f"UNION ALL SELECT {last}, {k} FROM p WHERE rn__ = {source_rn}) ORDER BY rn__"
        )

    out: list[tuple[str, bool, str]] = []
    if tie is None:
        out.append(("wrong_entity_at_cut", False, replaced(k + 1)))
        return out
    _, _, end = tie
    for direction in ("DESC", "ASC"):
        tail = ", " + ", ".join(f"a{i} {direction}" for i in nonkeys)
        sql = f"SELECT * FROM ({past_sql}) AS g({gold.alist}){gold.order_by(tail=tail)} LIMIT {k}"
        out.append(("tie_at_cut_other_entity", True, sql))
    if len(gold.past) > end:
        out.append(("tie_at_cut_outsider", False, replaced(end + 1)))
    return out


_AT_CUT = frozenset(
    {
        "alias_rename",
        "column_reorder",
        "avg_for_sum",
        "limit_off_by_one",
        "rotated_values",
        "value_changed",
        "order_reversed_asked",
        "order_reversed_not_asked",
        "wrong_entity_at_cut",
        "tie_at_cut_other_entity",
        "tie_at_cut_outsider",
    }
)


def cuts(gold: Gold) -> list[int]:
    """LIMITs to put on an ordered gold without one, so that rule 6 is met often: up to two cuts a
    tie crosses (one inside a single tie run when there is one) and one no tie crosses."""
    if not gold.dirs or gold.shape.has_limit or not gold.shape.keys_complete or gold.n < 3:
        return []
    keys = [gold.key(r) for r in gold.rows]
    crossing = [k for k in range(1, min(gold.n, 16)) if keys[k - 1] == keys[k]]
    clean = [k for k in range(2, min(gold.n, 16)) if keys[k - 1] != keys[k]]
    whole = [k for k in crossing if keys[0] == keys[k - 1]]
    chosen = whole[-1:] + [k for k in crossing if k not in whole][:1] + clean[:1]
    return sorted(set(chosen))


def resorts(gold: Gold) -> list[tuple[str, int, str]]:
    """(SQL, k, column name): the gold re-sorted on its first integer column whose values repeat,
    cut where a tie crosses (inside the top run when it is longer than one row) and where none
    does - the shapes where the old tie rule compared nothing but the count."""
    if gold.shape.has_limit or gold.n < 3 or gold.m < 2:
        return []
    for c, t in enumerate(gold.types):
        if t not in ("BIGINT", "INTEGER", "HUGEINT") or any(r[c] is None for r in gold.rows):
            continue
        values = sorted((r[c] for r in gold.rows), reverse=True)
        if len(set(values)) == len(values):
            continue
        crossing = [k for k in range(1, min(gold.n, 16)) if values[k - 1] == values[k]]
        clean = [k for k in range(2, min(gold.n, 16)) if values[k - 1] != values[k]]
        chosen = sorted(set(crossing[:1] + crossing[-1:] + clean[:1]))
        sql = f"SELECT * FROM ({gold.sql}) AS g({gold.alist}) ORDER BY a{c} DESC"
        return [(f"{sql} LIMIT {k}", k, gold.names[c]) for k in chosen]
    return []


def generate(cache: Path) -> tuple[list[dict[str, Any]], collections.Counter[str]]:
    import duckdb

    from sessions.evaluation.defog import _order_sensitive, build_databases, data_dir, expand_gold
    from sessions.evaluation.order_policy import order_asked
    from sessions.evaluation.suite import SuiteItem

    paths = build_databases(cache)
    cons = {name: duckdb.connect(str(path), read_only=True) for name, path in paths.items()}
    relative = {name: relative_tables(name) for name in paths}
    pairs: list[dict[str, Any]] = []
    dropped: collections.Counter[str] = collections.Counter()
    rows = [json.loads(line) for line in (data_dir() / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    for qi, row in enumerate(rows):
        db = row["db_name"]
        sql = expand_gold(row["gold_sql_duckdb"])[0].strip().rstrip(";")
        tree = _top(sql)
        if tree is None or _RELATIVE.search(sql):
            continue
        from sqlglot import exp

        if {t.name.lower() for t in tree.find_all(exp.Table)} & relative[db]:
            continue
        got = run(cons[db], sql)
        if got is None or not got[2] or len(got[2]) > MAX_ROWS:
            continue
        first = Gold(cons[db], sql, *got)
        flag = _order_sensitive(row)
        variants = [(first, row["question"], row["id"], None)]
        for k in cuts(first):
            limited = run(cons[db], f"{sql} LIMIT {k}")
            if limited is not None:
                question = f"{row['question']} Return only the first {k} row(s)."
                variants.append(
                    (Gold(cons[db], f"{sql} LIMIT {k}", *limited), question, f"{row['id']}-limit{k}", _AT_CUT)
                )
        for resorted, k, name in resorts(first):
            got = run(cons[db], resorted)
            if got is not None:
                question = f"{row['question']} Return only the first {k} row(s), by {name} from highest to lowest."
                variants.append((Gold(cons[db], resorted, *got), question, f"{row['id']}-top{k}", _AT_CUT))
        for gold, question, qid, only in variants:
            item = SuiteItem(id=qid, question=question, gold=(gold.sql,), db=None, order_sensitive=flag)
            pairs += _pairs(gold, item, order_asked(item), cons[db], qi, only, dropped, db)
    for con in cons.values():
        con.close()
    return pairs, dropped


def _pairs(
    gold: Gold, item: Any, asked: bool, con: Any, qi: int, only: frozenset[str] | None, dropped: Any, db: str
) -> list[dict[str, Any]]:
    """The checked pairs of one gold."""
    out: list[dict[str, Any]] = []
    ordered = gold.shape.ordered and asked
    for kind, truth, pred_sql in constructions(gold, asked, qi):
        if only is not None and kind not in only:
            continue
        pred = run(con, pred_sql)
        if pred is None or len(pred[2]) > MAX_ROWS * 4:
            dropped[f"{kind} (error)"] += 1
            continue
        if oracle(gold, pred[2], ordered) != truth:
            dropped[kind] += 1
            continue
        out.append(
            {
                "id": f"{item.id}:{kind}:{sum(p['kind'] == kind for p in out)}",
                "kind": kind,
                "truth": truth,
                "db": db,
                "question": item.question,
                "order_sensitive": item.order_sensitive,
                "gold": gold.sql,
                "prediction": pred_sql,
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "judge" / "pairs.jsonl")
    args = parser.parse_args()
    pairs, dropped = generate(args.cache)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for pair in pairs:
            f.write(json.dumps(pair, ensure_ascii=False) + "\n")
    kinds = collections.Counter((p["kind"], p["truth"]) for p in pairs)
    for (kind, truth), count in sorted(kinds.items()):
        print(f"{kind:28} {'equivalent' if truth else 'wrong':10} {count:5}")
    print(f"{len(pairs)} pairs over {len({p['id'].split(':')[0] for p in pairs})} questions -> {args.out}")
    for kind, count in sorted(dropped.items()):
        print(f"dropped {kind}: {count} (the construction did not do what it says on this gold)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
