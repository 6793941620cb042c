"""One runner for many questions: `analyst batch` and `analyst eval` are plans over it.

Each question is its own logged session; `concurrency` of them run at a time, over databases
opened once and shared, under one budget (`--max-cost` caps the whole run). What every such run
must get right the same way lives here: a question the budget cannot pay for never starts; a
provider answer every other question would repeat (a rejected key, an unknown model) stops the
run; Ctrl+C stops it; and a stopped question ends `interrupted` even when the stop comes in the
instant before it is asked. A plan says what to ask and what each finished question becomes (a
batch record, an eval score); the runner prints nothing, so progress and reports stay with the
commands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from agents.outcome import ErrorKind, RunError

if TYPE_CHECKING:
    from agents.budget import Budget
    from agents.drive import Decider
    from agents.loop import AnalystLoop
    from agents.outcome import Outcome
    from sessions.session import Session
    from tools.databases.base import Database

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
ItemIn = TypeVar("ItemIn", contravariant=True)  # a plan only takes items in

CTRL_C = "interrupted (Ctrl+C)"

FATAL_HTTP = {
    401: "the API key was rejected",
    403: "the API key is not allowed to use this model",
    404: "the model or endpoint does not exist",
}


def fatal_provider_error(error: RunError | None) -> str | None:
    """A provider failure every other question would repeat (bad key, unknown model), or None."""
    if error is not None and error.kind is ErrorKind.PROVIDER and error.http_status in FATAL_HTTP:
        return error.message
    return None


class NotRunWhy(Enum):
    """Why a question never reached the model."""

    STOPPED = "stopped"  # the run was stopping (Ctrl+C, a fatal provider error) before it started
    COST_CAP = "cost_cap"  # the run's --max-cost was spent before it started


@dataclass(frozen=True)
class NotRun:
    why: NotRunWhy
    reason: str  # one line: why the run stopped, or which cap was reached


@dataclass(frozen=True)
class Question:
    """What a plan asks for one item."""

    prompt: str  # the text the model is asked
    db: str | None  # the item's own database; None: the run's default
    origin: str | None = None  # where the item is (file, line, id), named if its database does not open


@dataclass(frozen=True)
class Ran:
    """A question that was asked, with how its turn ended."""

    outcome: Outcome
    session_id: str
    session_path: Path
    database: Database
    latency_s: float  # asking and answering; opening the session is not counted
    stopped: str | None  # why the run was stopping when the question ended (it may be cut short), else None


class Plan(Protocol[ItemIn, ResultT]):
    """What a command does with each question. `ran` and `not_run` are called on worker threads;
    `failed` and `finished` on the thread that called `Runner.run`, one question at a time in the
    order they finish, and may raise to end the run."""

    collects_after_stop: bool  # after a stop, hand over the questions still under way (else drop them)

    def question(self, item: ItemIn) -> Question: ...

    def ran(self, item: ItemIn, ran: Ran) -> ResultT: ...

    def not_run(self, item: ItemIn, why: NotRun) -> ResultT: ...

    def failed(self, item: ItemIn, exc: Exception) -> ResultT: ...

    def finished(self, item: ItemIn, result: ResultT, began: float | None) -> None: ...


@dataclass(frozen=True)
class RunEnd:
    interrupted: bool  # Ctrl+C
    fatal: str | None  # the provider's message that stopped the run (401, 403, 404)
    stop_reason: str | None  # why the run stopped early, if it did


class SharedDatabases:
    """Each distinct database is opened once and shared by the workers (queries run on fresh cursors)."""

    def __init__(
        self,
        opener: Callable[[str | None, str | None], Database],
        default: str | None = None,
        key: Callable[[str | None], Hashable] = lambda spec: spec,
    ) -> None:
        self._opener = opener  # (spec, origin) -> Database, or raises a one-line error
        self._default = default
        self._key = key  # one database spelled two ways (`shop.duckdb`, `./shop.duckdb`) is opened once
        self._open: dict[Hashable, Database] = {}
        self._lock = threading.Lock()

    def get(self, spec: str | None, origin: str | None = None) -> Database:
        """The database `spec` names (None: the default); `origin` is named if it does not open."""
        actual = spec or self._default
        key = self._key(actual)
        with self._lock:
            if key not in self._open:
                self._open[key] = self._opener(actual, origin if spec else None)
            return self._open[key]

    def close(self) -> None:
        for database in self._open.values():
            try:
                database.close()
            except Exception:
                pass


class Stopping:
    """The run-wide stop: why (the first reason wins), and the loops under way to interrupt."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._active: set[AnalystLoop] = set()
        self.reason: str | None = None
        self.fatal: str | None = None

    def is_set(self) -> bool:
        return self._event.is_set()

    def stop(self, reason: str, fatal: str | None = None) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason
            if self.fatal is None:
                self.fatal = fatal
        self._event.set()  # before the loops are listed: a loop registered later sees it (`_Watch`)
        with self._lock:
            loops = list(self._active)
        for loop in loops:
            loop.interrupt()

    @contextmanager
    def watching(self, loop: AnalystLoop) -> Iterator[None]:
        with self._lock:
            self._active.add(loop)
        try:
            yield
        finally:
            with self._lock:
                self._active.discard(loop)


@dataclass
class _Watch:
    """A session observer that interrupts its loop when a question is asked after the run began
    stopping. `ask()` clears the loop's interrupt flag to start a fresh turn, so an interrupt sent
    just before it would be lost and the question would run to `answered`; the `question_asked`
    event comes right after that reset, and the flag set then holds for the whole turn."""

    stopping: Stopping
    loop: AnalystLoop | None = None

    def __call__(self, event: Any) -> None:
        from agents.events import QuestionAsked

        if isinstance(event, QuestionAsked) and self.loop is not None and self.stopping.is_set():
            self.loop.interrupt()


@dataclass
class _Timing:
    began: float | None = None  # when a worker took the question (None: it never did)


@dataclass
class Runner(Generic[ItemT, ResultT]):
    """Runs a plan's items on a thread pool and hands each result back in the order they finish."""

    plan: Plan[ItemT, ResultT]
    databases: SharedDatabases
    open_session: Callable[[Database, Callable[[Any], None]], Session]  # (database, observer) -> Session
    budget: Budget | None
    decide: Decider | None  # None: a dry run
    concurrency: int
    name: str = "run"  # worker thread names
    stopping: Stopping = field(default_factory=Stopping)

    def run(self, items: Sequence[ItemT]) -> RunEnd:
        executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix=self.name)
        pending: dict[Future[ResultT], tuple[ItemT, _Timing]] = {}
        interrupted = False
        try:
            try:
                for item in items:
                    timing = _Timing()
                    pending[executor.submit(self._one, item, timing)] = (item, timing)
                self._collect(pending)
            except KeyboardInterrupt:
                interrupted = True
                self.stopping.stop(CTRL_C)
                self._drain(executor)
                if self.plan.collects_after_stop:  # finished while stopping, or never started
                    for future, (item, timing) in list(pending.items()):
                        self._deliver(future, item, timing)
        except BaseException:
            self.stopping.stop("stopped: the run failed")  # an error ends the run: nothing goes on spending
            raise
        finally:
            self._drain(executor)
        return RunEnd(interrupted, self.stopping.fatal, self.stopping.reason)

    def close(self) -> None:
        self.databases.close()

    def _collect(self, pending: dict[Future[ResultT], tuple[ItemT, _Timing]]) -> None:
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                item, timing = pending.pop(future)
                if self.plan.collects_after_stop or not self.stopping.is_set():
                    self._deliver(future, item, timing)
                if self.stopping.fatal is not None:  # every other question would fail the same way
                    for other in pending:
                        other.cancel()

    def _deliver(self, future: Future[ResultT], item: ItemT, timing: _Timing) -> None:
        if future.cancelled():
            result = self.plan.not_run(item, NotRun(NotRunWhy.STOPPED, self.stopping.reason or "stopped"))
        else:
            try:
                result = future.result()
            except Exception as exc:
                result = self.plan.failed(item, exc)
        self.plan.finished(item, result, timing.began)

    def _drain(self, executor: ThreadPoolExecutor) -> None:
        """Shut the pool down, cancelling queued questions; a repeated Ctrl+C only interrupts again."""
        while True:
            try:
                executor.shutdown(wait=True, cancel_futures=True)
                return
            except KeyboardInterrupt:
                self.stopping.stop(CTRL_C)

    # -- on a worker thread ----------------------------------------------------------------

    def _one(self, item: ItemT, timing: _Timing) -> ResultT:
        timing.began = time.perf_counter()
        stopping, budget = self.stopping, self.budget
        if not stopping.is_set() and (budget is None or budget.admit(stopping.is_set)):
            return self._paid(item, budget)
        if stopping.is_set():  # spend nothing, open no session
            return self.plan.not_run(item, NotRun(NotRunWhy.STOPPED, stopping.reason or "stopped"))
        assert budget is not None
        return self.plan.not_run(item, NotRun(NotRunWhy.COST_CAP, budget.why_exhausted()))

    def _paid(self, item: ItemT, budget: Budget | None) -> ResultT:
        """Ask a question the budget admitted; what it cost is given back to the budget however it ends."""
        ran = None
        try:
            ran = self._ask(self.plan.question(item))
        finally:
            if budget is not None:
                budget.question_done(ran.outcome.cost_usd if ran is not None else 0.0)
        fatal = fatal_provider_error(ran.outcome.error)
        if fatal is not None:
            self.stopping.stop(f"stopped: {fatal}", fatal)
        if self.stopping.is_set():
            ran = replace(ran, stopped=self.stopping.reason or "stopped")
        return self.plan.ran(item, ran)

    def _ask(self, question: Question) -> Ran:
        from agents.drive import drive

        database = self.databases.get(question.db, question.origin)
        watch = _Watch(self.stopping)
        session = self.open_session(database, watch)
        try:
            watch.loop = session.loop
            with self.stopping.watching(session.loop):
                started = time.perf_counter()
                outcome = drive(session.loop, question.prompt, self.decide)
                latency = time.perf_counter() - started
        finally:
            session.close()
        return Ran(outcome, session.id, session.path, database, latency, stopped=None)
