"""Benchmark: what a runaway statement still costs after the time limit, before and after engine processes.

Issue 16 class 7: at the time limit the caller was freed, but not the engine or the memory. Each
worst case runs on both sides, `--runs` times each (alternating; the table shows the worst),
each time in a fresh subprocess under a hard wall-clock cap (`--cap`, killed as a process group
past it, so the benchmark always ends):
- before (the baseline, the design before commit 674c0ff, reproduced here): one hardened
  in-process connection (`connection.connect`, memory_limit 1GB, threads 2), the statement on a
  daemon thread with the old capped fetch (fixed 10,000-row chunks, cells clipped after the chunk
  is materialised), `cursor.interrupt()` at the limit, the caller freed `STOP_GRACE_S` later
  whether or not the statement stopped. The subprocess's RLIMIT_DATA is 12 GB so a runaway cannot
  take the machine down. Busy after the timeout: from the moment the caller was freed until the
  statement's thread ended. Peak memory: the subprocess's ru_maxrss.
- after (analyst now): `open_duckdb(path, cache, EngineSettings(max_memory=2 GiB))`, then
  `database.execute(sql, Limits(timeout_s=...))`. Busy after the timeout: from the moment
  `execute` returned until no engine process of the database is working (its CPU time has not
  advanced for 0.5 s, or it is gone). Peak memory: the largest VmHWM of its engine processes, sampled every
  20 ms while they live, or the subprocess's own growth, whichever is larger.
Both sides also report the CPU seconds the engine used after the caller was freed. The ratio is
after / before. PostgreSQL (the last case, when 127.0.0.1:5432 answers) did not move
to processes: it is measured once through `open_postgres` with a throwaway read-only role and
database, and its backend counts as busy while `pg_stat_activity.state != 'idle'`.

    python benchmarks/engine_limits.py            # the issue's worst cases (~2 minutes)
    python benchmarks/engine_limits.py --quick    # smaller values (~40 s)
    python benchmarks/engine_limits.py --full --runs 3   # also len(range(1000000000)): ~9 GB free
    python benchmarks/engine_limits.py --only runaway_string memory_range
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GIB = 1024**3
AFTER_MAX_MEMORY = 2 * GIB  # EngineSettings(max_memory=...) of the "after" side
BEFORE_RLIMIT_DATA = 12 * GIB  # the "before" subprocess's ceiling, so a runaway cannot exhaust the machine
OLD_FETCH_CHUNK = 10_000  # the old in-process fetch: rows per fetchmany, whatever their width
OLD_STOP_GRACE_S = 2.0  # the old caller waited this long after the interrupt, then was freed
SAMPLE_S = 0.02  # how often engine memory and CPU time are sampled
QUIET_S = 0.5  # an engine whose CPU time has not advanced for this long is no longer working
TARGET_BUSY_AFTER_S = 1.0  # after: nothing works on a second after the caller is freed (DuckDB's own
# worker thread may still free a finished query's memory: ~20 ms of CPU up to 0.5 s after the reply)
TICK_S = 1 / os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat CPU times
TARGET_PEAK_BYTES = AFTER_MAX_MEMORY + 512 * 1024**2  # after: within --max-memory (+ shared pages)
ADMIN_DSN = os.environ.get("ANALYST_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
CLIPPED_TYPES = ("VARCHAR", "BLOB", "JSON", "BIT")


@dataclass(frozen=True)
class Case:
    """One worst case: its SQL, the time limit it runs under, and the engine it runs on."""

    key: str
    label: str
    sql: str
    timeout_s: float = 1.0
    engine: str = "duckdb"  # or "postgres"


def pg_md5(ab: int, calls: int) -> str:
    """md5() has no interrupt point on PostgreSQL, so a chain of them over one value is deaf to the
    cancel (tests/tools/test_time_limit.py); the value is small enough that materialising it
    (which the cancel does stop) ends well before the limit."""
    return (
        f"WITH s AS MATERIALIZED (SELECT repeat('ab', {ab}) AS x) SELECT length("
        + " || ".join("md5(x)" for _ in range(calls))
        + ") AS n FROM s"
    )


def cases(scale: str) -> list[Case]:
    """The issue's worst cases at `scale` ("quick", "default", "full")."""
    quick = scale == "quick"
    ab = 10_000_000 if quick else 50_000_000
    big_range = 30_000_000 if quick else 300_000_000
    # each 10 MB cell takes a 16 MiB block: 60 no longer fit DuckDB's 1 GB, and 50 no longer fit an
    # engine under max_memory 2 GiB (they do under 3 GiB); 30 reach the fetch on both sides
    fitting_rows = 20 if quick else 30
    found = [
        Case(
            "runaway_string",
            f"regexp_replace over a {2 * ab // 1_000_000} MB value",
            f"SELECT length(regexp_replace(repeat('ab', {ab}), 'a', 'xyz', 'g'))",
        ),
        Case("memory_range", f"len(range({big_range:,}))", f"SELECT len(range({big_range}))"),
    ]
    if scale == "full":
        found.append(Case("memory_range_1e9", "len(range(1,000,000,000))", "SELECT len(range(1000000000))"))
    found.append(
        Case(
            "wide_rows",
            "400 rows of 10 MB cells",
            "SELECT repeat('x', 10000000) || range AS big FROM range(400)",
        )
    )
    # 400 rows do not fit DuckDB's 1 GB buffer pool (it refuses them before any fetch); rows that
    # fit it reach the fetch, which is what this case is about, so they get the default time limit
    found.append(
        Case(
            "wide_rows_fetched",
            f"{fitting_rows} rows of 10 MB cells, fetched",
            f"SELECT repeat('x', 10000000) || range AS big FROM range({fitting_rows})",
            timeout_s=30.0,
        )
    )
    ab, calls = (10_000_000, 60) if quick else (20_000_000, 400)
    found.append(
        Case(
            "postgres_md5", f"PostgreSQL: {calls} x md5({2 * ab // 1_000_000} MB)", pg_md5(ab, calls), engine="postgres"
        )
    )
    return found


# -- measuring processes ------------------------------------------------------------------------


def vmhwm(pid: int | str = "self") -> int:
    """Peak resident memory of a process in bytes (0 when it is gone or unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process in clock ticks (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] in ("Z", "X"):  # a zombie works no more
        return None
    return int(fields[11]) + int(fields[12])


def process_cpu_s() -> float:
    """CPU seconds this process has used, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(event: str, **values: Any) -> None:
    """One line of JSON to the parent; it reads them as they come."""
    print(json.dumps({"event": event, **values}), flush=True)


# -- before: the old in-process way ------------------------------------------------------------


def old_fetch_capped(cursor: Any, max_rows: int, clip: list[int]) -> int:
    """The fetch before 674c0ff: chunks of min(10,000, cap + 1) rows, clipped only once fetched."""
    from tools.databases.base import Limits
    from tools.databases.fetch import clip_cell

    limits = Limits()
    wanted = max_rows + 1
    rows: list[tuple[Any, ...]] = []
    while len(rows) < wanted:
        chunk = cursor.fetchmany(min(OLD_FETCH_CHUNK, wanted - len(rows)))
        if not chunk:
            break
        rows.extend(tuple(clip_cell(v, limits) if i in clip else v for i, v in enumerate(row)) for row in chunk)
    return min(len(rows), max_rows)


def before_child(case: Case, db: Path, cache: Path) -> None:
    """The statement on a daemon thread of this process, interrupted at the limit, the caller
    freed `OLD_STOP_GRACE_S` later; then wait for the thread, as a long-lived process would."""
    resource.setrlimit(resource.RLIMIT_DATA, (BEFORE_RLIMIT_DATA, BEFORE_RLIMIT_DATA))
    from tools.databases.duckdb.connection import EngineSettings, connect

    con = connect(db, str(db), EngineSettings(), (), cache / "before-tmp" / str(os.getpid()))
    cursor = con.cursor()
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            cursor.execute(case.sql)
            description = cursor.description or ()
            clip = [i for i, d in enumerate(description) if str(d[1]).upper().startswith(CLIPPED_TYPES)]
            outcome["outcome"] = f"{old_fetch_capped(cursor, 1000, clip)} rows"
        except BaseException as exc:
            outcome["outcome"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
        finally:
            try:
                cursor.close()
            finally:
                outcome["ended"] = time.perf_counter()
                done.set()

    threading.Thread(target=work, name="statement", daemon=True).start()
    started = time.perf_counter()
    if not done.wait(case.timeout_s):
        cursor.interrupt()
        done.wait(OLD_STOP_GRACE_S)
    freed = time.perf_counter()
    cpu_at_freed = process_cpu_s()
    emit("freed", freed_s=freed - started, finished=done.is_set())
    done.wait()  # the parent's cap ends this process if the statement never does
    emit(
        "ended",
        busy_after_s=max(0.0, outcome["ended"] - freed),
        cpu_after_s=process_cpu_s() - cpu_at_freed,
        peak_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        outcome=outcome["outcome"],
    )
    os._exit(0)  # not through interpreter shutdown under a DuckDB connection


# -- after: engine processes -------------------------------------------------------------------


class EngineWatch:
    """Samples every engine process of one database: peak memory while the caller waits, then
    whether any of them still works once the caller has its answer.

    `DuckDBDatabase.engine_pids()` lists the live engines; a killed engine leaves it and vanishes,
    so pids are remembered as they are seen and sampled until they are gone."""

    def __init__(self, database: Any) -> None:
        self._database = database
        self._pids: set[int] = set()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample_memory()
            time.sleep(SAMPLE_S)

    def _sample_memory(self) -> None:
        self._pids.update(self._database.engine_pids())
        for pid in list(self._pids):
            if cpu_ticks(pid) is None:
                self._pids.discard(pid)
            else:
                self.peak = max(self.peak, vmhwm(pid))

    def busy_after(self, returned: float) -> tuple[float, float]:
        """Seconds from `returned` until the engines' CPU time last advanced (0: it never did),
        and the CPU seconds they used in that time.

        CPU time is read at once as the base, in this thread: CPU time spent before the caller had
        its answer, but only read later by a sampler the engines kept off the CPU, is not counted."""
        self._stop.set()
        self._thread.join()
        self._sample_memory()
        last = {pid: cpu_ticks(pid) for pid in self._pids}
        last_work = returned
        spent = 0
        while True:
            time.sleep(SAMPLE_S)
            now = time.perf_counter()
            self._sample_memory()
            for pid in list(last):
                ticks = cpu_ticks(pid)
                if ticks is None:
                    del last[pid]
                    continue
                if ticks > (last[pid] or 0):
                    last_work = now
                    spent += ticks - (last[pid] or 0)
                last[pid] = ticks
            if not last or now - last_work >= QUIET_S:
                return last_work - returned, spent * TICK_S


def after_child(case: Case, db: Path, cache: Path) -> None:
    """`execute` under the limit, then wait until no engine of the database works any more."""
    from tools.databases.base import Limits
    from tools.databases.duckdb import EngineSettings, open_duckdb

    database = open_duckdb(db, cache / "after", EngineSettings(max_memory=AFTER_MAX_MEMORY))
    own_before = vmhwm()
    watch = EngineWatch(database)
    time.sleep(QUIET_S)  # the engine's own start-up is behind it
    started = time.perf_counter()
    result = database.execute(case.sql, Limits(timeout_s=case.timeout_s))
    returned = time.perf_counter()
    emit("freed", freed_s=returned - started, finished=True)
    busy_after, cpu_after = watch.busy_after(returned)
    outcome = f"{result.kind}: {result.message[:80]}" if hasattr(result, "kind") else f"{len(result.rows)} rows"
    emit(
        "ended",
        busy_after_s=busy_after,
        cpu_after_s=cpu_after,
        peak_bytes=max(watch.peak, vmhwm() - own_before),
        outcome=outcome,
    )
    database.close()
    os._exit(0)


# -- PostgreSQL --------------------------------------------------------------------------------


def postgres_child(case: Case, dsn: str, app: str) -> None:
    """`execute` under the limit, then poll pg_stat_activity (as the admin) until the backend idles."""
    import psycopg

    from tools.databases.base import Limits
    from tools.databases.postgres import open_postgres

    database = open_postgres(dsn, application_name=app)
    admin = psycopg.connect(ADMIN_DSN, autocommit=True)
    active = "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND state <> 'idle'"
    pids: set[int] = set()
    peak = 0
    started = time.perf_counter()
    result: list[Any] = []
    runner = threading.Thread(
        target=lambda: result.append(database.execute(case.sql, Limits(timeout_s=case.timeout_s)))
    )
    runner.start()
    while runner.is_alive():  # the backend's memory, while the caller waits (same machine: /proc)
        pids.update(row[0] for row in admin.execute(active, [app]).fetchall())
        peak = max([peak, *(vmhwm(p) for p in pids)])
        time.sleep(SAMPLE_S)
    returned = time.perf_counter()
    emit("freed", freed_s=returned - started, finished=True)
    ticks_at_return = {p: cpu_ticks(p) or 0 for p in pids}
    while True:
        busy = [row[0] for row in admin.execute(active, [app]).fetchall()]
        peak = max([peak, *(vmhwm(p) for p in busy)])
        if not busy:
            break
        time.sleep(SAMPLE_S)
    busy_after = time.perf_counter() - returned
    cpu_after = sum((cpu_ticks(p) or 0) - t for p, t in ticks_at_return.items()) * TICK_S  # backends live on
    outcome = result[0]
    emit(
        "ended",
        busy_after_s=busy_after,
        cpu_after_s=max(0.0, cpu_after),
        peak_bytes=peak,
        outcome=f"{outcome.kind}: {outcome.message[:80]}" if hasattr(outcome, "kind") else f"{len(outcome.rows)} rows",
    )
    database.close()
    admin.close()
    os._exit(0)


class ThrowawayPostgres:
    """A uniquely named database and read-only role on the local server, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg
        from psycopg import sql

        self.admin = psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)
        suffix = uuid.uuid4().hex[:10]
        self.dbname, self.role, self.app = (
            f"analyst_bench_{suffix}",
            f"analyst_bench_ro_{suffix}",
            f"analyst_bench_{suffix}",
        )
        db, role = sql.Identifier(self.dbname), sql.Identifier(self.role)
        self.admin.execute(sql.SQL("CREATE DATABASE {}").format(db))
        self.admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOINHERIT").format(role))
        self.admin.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(role))
        self.admin.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
        self.admin.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))

    def dsn(self) -> str:
        from psycopg.conninfo import make_conninfo

        return make_conninfo(ADMIN_DSN, user=self.role, dbname=self.dbname)

    def drop(self, patience_s: float = 180.0) -> None:
        """Drop both, waiting for a backend still inside a call that ignores pg_terminate_backend."""
        import psycopg
        from psycopg import sql

        deadline = time.monotonic() + patience_s
        while True:
            self.admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.dbname],
            )
            try:
                self.admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.dbname))
                )
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
        self.admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(self.role)))
        self.admin.close()


def postgres_available() -> str | None:
    """None when the local server answers, else why not."""
    try:
        import psycopg
    except ImportError as exc:
        return f"psycopg is not installed ({exc})"
    try:
        psycopg.connect(ADMIN_DSN, connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


# -- the parent --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """One side of one case: when the caller was freed, how long work went on after, the peak."""

    freed_s: float | None
    busy_after_s: float | None
    cpu_after_s: float | None  # CPU seconds the engine used in that time
    peak_bytes: int
    outcome: str
    capped: bool  # the wall-clock cap ended it: busy_after_s is a lower bound


def measure(args: list[str], cap_s: float) -> Measured:
    """Run one child (its own process group) and read its events; past `cap_s` kill the group.
    Its peak memory is also sampled from here, in case the cap (or the kernel) ends it."""
    child = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, start_new_session=True, cwd=REPO
    )
    assert child.stdout is not None
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()  # type: ignore[union-attr]
    started = time.perf_counter()
    events: dict[str, dict[str, Any]] = {}
    freed_at: float | None = None
    seen_peak = 0
    while "ended" not in events and time.perf_counter() - started < cap_s:
        seen_peak = max(seen_peak, vmhwm(child.pid))
        try:
            event = json.loads(lines.get(timeout=SAMPLE_S))
        except queue.Empty:
            if child.poll() is not None and lines.empty():
                break
            continue
        events[event["event"]] = event
        if event["event"] == "freed":
            freed_at = time.perf_counter()
    if "ended" not in events:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        reason = f"killed at the {cap_s:g} s cap" if freed_at else f"exit code {child.returncode}"
        return Measured(
            events.get("freed", {}).get("freed_s"),
            time.perf_counter() - freed_at if freed_at else None,
            None,
            seen_peak,
            reason,
            capped=True,
        )
    child.wait()
    end = events["ended"]
    return Measured(
        events["freed"]["freed_s"],
        end["busy_after_s"],
        end["cpu_after_s"],
        max(end["peak_bytes"], 0),
        end["outcome"],
        False,
    )


def worst(runs: list[Measured]) -> Measured:
    """The worst of several runs of one side: longest wait and work after it, highest peak."""

    def most(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return max(known) if known else None

    return Measured(
        most([m.freed_s for m in runs]),
        most([m.busy_after_s for m in runs]),
        most([m.cpu_after_s for m in runs]),
        max(m.peak_bytes for m in runs),
        "; ".join(dict.fromkeys(m.outcome for m in runs)),
        any(m.capped for m in runs),
    )


def database_file(cache: Path) -> Path:
    """A small DuckDB file to open: the cases select from no table."""
    from tools.databases.build import build_from_sql

    path = cache / "engine_limits" / "tiny.duckdb"
    if not path.is_file():
        build_from_sql("CREATE TABLE t AS SELECT range AS id FROM range(10)", path)
    return path


def ratio(after: float | None, before: float | None) -> float | None:
    if after is None or not before:
        return None
    return round(after / before, 3)


def _fmt(value: float | None, capped: bool = False, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{'>' if capped else ''}{value:.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scale = parser.add_mutually_exclusive_group()
    scale.add_argument("--quick", action="store_true", help="smaller values (~1 minute)")
    scale.add_argument("--full", action="store_true", help="also len(range(1000000000)): needs ~14 GB of free memory")
    parser.add_argument("--cap", type=float, default=120.0, help="wall-clock seconds a measuring process may run")
    parser.add_argument("--runs", type=int, default=1, help="runs per side; the table shows the worst of them")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    parser.add_argument("--no-postgres", action="store_true", help="leave out the PostgreSQL case")
    parser.add_argument("--only", nargs="+", metavar="CASE", help="run only these cases (keys as in the results)")
    parser.add_argument("--child", choices=("before", "after", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="default", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--app", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        case = next(c for c in cases(args.scale) if c.key == args.case)
        if args.child == "before":
            before_child(case, Path(args.db), args.cache)
        elif args.child == "after":
            after_child(case, Path(args.db), args.cache)
        else:
            postgres_child(case, args.db, args.app)
        return 0

    scale_name = "quick" if args.quick else "full" if args.full else "default"
    db = database_file(args.cache)
    common = ["--scale", scale_name, "--cache", str(args.cache)]
    results: list[dict[str, Any]] = []
    skipped: list[str] = []
    chosen = [c for c in cases(scale_name) if not args.only or c.key in args.only]
    if args.only and len(chosen) < len(set(args.only)):
        parser.error(f"cases are: {', '.join(c.key for c in cases('full'))}")
    for case in chosen:
        print(f"  {case.key}: {case.sql[:90]}{'...' if len(case.sql) > 90 else ''}", flush=True)
        if case.engine == "postgres":
            why = "--no-postgres" if args.no_postgres else postgres_available()
            if why:
                skipped.append(f"{case.key}: {why}")
                continue
            befores = []
            for _ in range(args.runs):  # a fresh database each time: a stuck backend holds the last one
                server = ThrowawayPostgres()
                try:
                    befores.append(
                        measure(
                            ["--child", "postgres", "--case", case.key, "--db", server.dsn(), "--app", server.app]
                            + common,
                            args.cap,
                        )
                    )
                finally:
                    server.drop()
            afters = befores
        else:
            befores, afters = [], []
            for _ in range(args.runs):  # alternating, so a slow spell of the machine hits both sides
                befores.append(measure(["--child", "before", "--case", case.key, "--db", str(db), *common], args.cap))
                afters.append(measure(["--child", "after", "--case", case.key, "--db", str(db), *common], args.cap))
        before, after = worst(befores), worst(afters)
        results.append(
            {
                "case": asdict(case),
                "before": asdict(before),
                "after": asdict(after),
                "before_runs": [asdict(m) for m in befores],
                "after_runs": [asdict(m) for m in afters],
            }
        )

    print(
        f"\nengine_limits ({scale_name}): before = in-process thread + interrupt (memory_limit 1GB, RLIMIT_DATA 12 GB); "
        f"after = engine processes (max_memory {AFTER_MAX_MEMORY / GIB:g} GB); cap {args.cap:g} s; "
        f"worst of {args.runs} run(s) per side"
    )
    header = (
        f"{'case':34s} {'limit s':>7s} {'freed s b/a':>12s} {'busy after s: before':>21s} {'after':>6s} {'ratio':>6s} "
        f"{'CPU s after b/a':>16s} {'peak GB: before':>16s} {'after':>6s} {'ratio':>6s}"
    )
    print(header)
    print("-" * len(header))
    summary: list[dict[str, Any]] = []
    passed = True
    for r in results:
        case, b, a = r["case"], r["before"], r["after"]
        busy_ratio = ratio(a["busy_after_s"], b["busy_after_s"])
        peak_ratio = ratio(a["peak_bytes"], b["peak_bytes"])
        freed = f"{_fmt(b['freed_s'])}/{_fmt(a['freed_s'])}"
        cpu = f"{_fmt(b['cpu_after_s'], digits=2)}/{_fmt(a['cpu_after_s'], digits=2)}"
        print(
            f"{case['label'][:34]:34s} {case['timeout_s']:7g} {freed:>12s} {_fmt(b['busy_after_s'], b['capped']):>21s} "
            f"{_fmt(a['busy_after_s'], a['capped']):>6s} {_fmt(busy_ratio, digits=3):>6s} {cpu:>16s} "
            f"{_fmt(b['peak_bytes'] / GIB, b['capped'], 2):>16s} {_fmt(a['peak_bytes'] / GIB, a['capped'], 2):>6s} "
            f"{_fmt(peak_ratio, digits=3):>6s}"
        )
        print(f"{'':34s}   before: {b['outcome'][:70]}\n{'':34s}   after:  {a['outcome'][:70]}")
        duckdb_case = case["engine"] == "duckdb"
        busy_ok = duckdb_case and not a["capped"] and (a["busy_after_s"] or 0.0) < TARGET_BUSY_AFTER_S
        peak_ok = duckdb_case and not a["capped"] and a["peak_bytes"] < TARGET_PEAK_BYTES
        if duckdb_case:
            passed = passed and busy_ok and peak_ok
        summary += [
            {
                "metric": f"{case['key']}: busy after the caller was freed",
                "value": a["busy_after_s"],
                "unit": "s",
                "baseline": b["busy_after_s"],
                "ratio": busy_ratio,
                "target": f"< {TARGET_BUSY_AFTER_S} s" if duckdb_case else None,
                "passed": busy_ok if duckdb_case else None,
            },
            {
                "metric": f"{case['key']}: engine CPU after the caller was freed",
                "value": a["cpu_after_s"],
                "unit": "s",
                "baseline": b["cpu_after_s"],
                "ratio": ratio(a["cpu_after_s"], b["cpu_after_s"]),
                "target": None,
                "passed": None,
            },
            {
                "metric": f"{case['key']}: peak memory",
                "value": round(a["peak_bytes"] / GIB, 3),
                "unit": "GB",
                "baseline": round(b["peak_bytes"] / GIB, 3),
                "ratio": peak_ratio,
                "target": f"< {TARGET_PEAK_BYTES / GIB:g} GB" if duckdb_case else None,
                "passed": peak_ok if duckdb_case else None,
            },
        ]
    for line in skipped:
        print(f"skipped {line}")
    print(
        "freed s: seconds from execute to the caller getting its answer (before/after); busy after: seconds the engine "
        "went on working after that ('>' = still working when the cap killed it); CPU s after: the CPU it used then; "
        "ratio = after / before"
    )
    print(
        f"targets (DuckDB, after): busy after < {TARGET_BUSY_AFTER_S} s, peak < {TARGET_PEAK_BYTES / GIB:g} GB -> "
        f"{'PASS' if passed else 'FAIL'}"
    )
    out = REPO / "benchmarks" / "results" / "engine_limits.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "engine_limits",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "scale": scale_name,
                "cap_s": args.cap,
                "runs": args.runs,
                "after_max_memory_bytes": AFTER_MAX_MEMORY,
                "before_rlimit_data_bytes": BEFORE_RLIMIT_DATA,
                "cases": results,
                "skipped": skipped,
                "summary": summary,
                "passed": passed,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(REPO)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
