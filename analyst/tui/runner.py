"""Runs the loop off the screen's thread, one step at a time, tagging its reports with the run's generation.

A thread cannot be killed, so a cancelled step is abandoned rather than stopped: `cancel()`
interrupts a running query at once; a model call runs until it returns, so the turn is ended in the
log at once (`loop.abandon()`) and the call's late reports carry an old generation that the app
drops. Steps hold one lock, so a new question waits for an abandoned step instead of driving the
same loop concurrently, and a step cancelled while it waited never starts. If the loop was left
paused at an approval nobody will answer (the person cancelled as it arrived), the next question
first aborts it, so every tool call still gets its result and the log records the abort.

Each step runs in a daemon thread that the Textual worker waits on: quitting while a model call
is in flight then exits at once instead of waiting for the call (Textual joins its worker threads
on exit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from analyst.tui.messages import (
    LoopEventPosted,
    ResultArrived,
    StepCrashed,
    StepFinished,
    StepWaiting,
    TextStreamed,
)

if TYPE_CHECKING:
    from agents.decisions import Decision
    from agents.events import Event
    from analyst.tui.shared_db import SharedDatabase
    from sessions.session import Session
    from tools.databases.base import QueryResult


class LoopRunner:
    """Owns the one loop of a session: steps run under a lock; reports are posted as messages."""

    def __init__(self, post: Callable[[Message], object], current: Callable[[], int]) -> None:
        self._post = post
        self._current = current  # the app's live generation
        self._lock = threading.Lock()
        self._tag: int | None = None  # generation of the step now running; None drops reports
        self._last_result: tuple[str, QueryResult] | None = None
        self.session: Session | None = None
        self.database: SharedDatabase | None = None  # the database the loop runs on
        self.paused = False  # the loop waits for a decision
        self.clarifying = False  # the loop waits for the person's answer to the model's question

    def attach(self, session: Session, database: SharedDatabase) -> None:
        self.session = session
        self.database = database

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    # -- callbacks from the loop's thread ------------------------------------------------------

    def observe(self, event: Event) -> None:
        from agents.events import QueryExecuted

        tag = self._tag
        if tag is None:
            return
        if isinstance(event, QueryExecuted) and self._last_result and self._last_result[0] == event.sql:
            sql, result = self._last_result
            self._post(ResultArrived(sql, event.hash, result, tag))
        self._last_result = None
        self._post(LoopEventPosted(event, tag))

    def on_text(self, purpose: str, delta: str) -> None:
        tag = self._tag
        if tag is not None and delta:
            self._post(TextStreamed(purpose, delta, tag))

    def on_result(self, sql: str, result: QueryResult) -> None:
        """From SharedDatabase: rows of a loop query; posted when its `query_executed` follows."""
        self._last_result = (sql, result)

    # -- steps ---------------------------------------------------------------------------------

    def start(self, generation: int, kind: str, payload: str | Decision | None) -> threading.Thread:
        """Run `ask(payload)`, `decide(payload)`, `reply(payload)` or `stop_unclarified()` in a
        daemon thread; reports go to `post`."""
        thread = threading.Thread(
            target=self.run_step, args=(generation, kind, payload), name=f"analyst-{kind}-{generation}", daemon=True
        )
        thread.start()
        return thread

    def run_step(self, generation: int, kind: str, payload: str | Decision | None) -> None:
        """Blocking: one loop step under the lock; posts StepFinished, or StepCrashed."""
        from agents.decisions import Abort, Decision
        from agents.outcome import Clarification, Outcome, Pending

        if not self._lock.acquire(blocking=False):
            self._post(StepWaiting(generation))
            self._lock.acquire()
        try:
            self._tag = None
            if generation != self._current():
                return  # cancelled while it waited
            assert self.session is not None and self.database is not None, "attach() comes first"
            self.database.clear_interrupt()
            loop = self.session.loop
            if kind == "ask" and self.paused:
                self.paused = False
                loop.decide(Abort())  # an approval that was cancelled as it arrived
            if kind == "ask" and self.clarifying:
                self.clarifying = False
                loop.stop_unclarified()  # a question of the model's that was cancelled as it arrived
            self._tag = generation
            result: Pending | Clarification | Outcome
            if kind == "reply" and isinstance(payload, str):
                self.clarifying = False
                result = loop.reply(payload)
            elif kind == "unclarified":
                self.clarifying = False
                result = loop.stop_unclarified()
            elif kind == "ask" and isinstance(payload, str):
                result = loop.ask(payload)
            else:
                assert isinstance(payload, Decision), f"a {kind} step without its decision"
                result = loop.decide(payload)
            self.paused = isinstance(result, Pending)
            self.clarifying = isinstance(result, Clarification)
            self._post(StepFinished(result, generation))
        except Exception as exc:
            self._post(StepCrashed(f"{type(exc).__name__}: {exc}", generation))
        finally:
            self._tag = None
            self._lock.release()

    def abort_pending(self, timeout: float) -> None:
        """On quit: an approval left open is recorded as aborted, so the turn ends in the log."""
        from agents.decisions import Abort

        if self.session is None or not self._lock.acquire(timeout=timeout):
            return
        try:
            if self.paused:
                self.paused = False
                self._tag = None
                self.session.loop.decide(Abort())
            if self.clarifying:
                self.clarifying = False
                self._tag = None
                self.session.loop.stop_unclarified()
        except Exception:
            pass
        finally:
            self._lock.release()

    def new_conversation(self) -> None:
        """Blocking: start a fresh history (an approval left open is aborted first)."""
        from agents.decisions import Abort

        assert self.session is not None
        with self._lock:
            if self.paused:
                self.paused = False
                self.session.loop.decide(Abort())
            self.session.loop.new_conversation()

    def record(self, event: Event) -> None:
        """Append an event of the person's (a rating) to the log, in order with the loop's."""
        assert self.session is not None
        with self._lock:
            self.session.emit(event)

    def cancel(self) -> None:
        """Stop the running step: interrupt its query, or end the turn while a model call finishes."""
        if self.session is None or not self.busy:
            return
        loop = self.session.loop
        loop.interrupt()
        if not loop.executing:
            loop.abandon()

    def wait_idle(self, timeout: float) -> bool:
        """True when no step is running (within `timeout` seconds); used before closing."""
        if self._lock.acquire(timeout=timeout):
            self._lock.release()
            return True
        return False
