"""`Analyst`: one database, one model, one session log — the loop for a program to drive.

Why one session per connection: everything the connection runs (questions, statements) is a turn
of one log, as a chat in the terminal app is, so `analyst sessions show|replay|export` read a
program's work like a person's. The log opens on the first question or statement; `schema` and
`check` read and judge without running anything, so they log nothing.

Every statement — the model's or the caller's — goes through the same guard (`check_for`), the
exclusions, `data_to_model`, the limits and the read-only engine as `analyst ask`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from agents.decisions import Approve
from agents.outcome import Outcome, Status
from analyst.api.approval import Approver, CallableDecider, check_approver
from analyst.api.values import Check, Column, Result, Schema, SchemaColumn, SchemaTable
from analyst.config import Config
from analyst.errors import UserError
from tools.guard.problems import Problem

Listener = Callable[[Any], None]


class Analyst:
    """A connection made by `analyst.connect`; close it (or use `with`) to end its engines and log."""

    def __init__(self, config: Config, *, on_event: Listener | None = None) -> None:
        from analyst.wiring import loop_settings, open_database

        self.config = config
        self._database = open_database(config)
        self._settings = loop_settings(config)
        self._listeners: list[Listener] = [on_event] if on_event is not None else []
        self._session: Any = None
        self._model_error: UserError | None = None
        self._lock = threading.RLock()  # one turn at a time: the log is one sequence
        self._problems: tuple[Problem, ...] = ()
        self._closed = False

    # -- the session ------------------------------------------------------------------------
    @property
    def session_id(self) -> str | None:
        """The id of this connection's session log (`analyst sessions show ID`); None until something ran."""
        return self._session.id if self._session is not None else None

    @property
    def session_path(self) -> Path | None:
        return self._session.path if self._session is not None else None

    @property
    def dialect(self) -> str:
        return str(self._database.dialect)

    def _open(self) -> Any:
        """The session, opened on first use with the configured model; without one (no key, say)
        statements still run and log, and `ask` raises the model's error."""
        if self._closed:
            raise UserError("this analyst connection is closed; connect again")
        if self._session is None:
            from agents.models.scripted import ScriptedModel
            from analyst.wiring import build_model, open_session, require_price
            from sessions.session import ResolvedModel

            try:
                resolved = build_model(self.config)
                require_price(self.config, resolved, self._settings)
            except UserError as exc:
                self._model_error = exc
                resolved = ResolvedModel(ScriptedModel((), source="no model", name="none"), None)
            self._session = open_session(self.config, self._database, resolved, self._settings, observer=self._observe)
        return self._session

    def _observe(self, event: Any) -> None:
        from agents.events import SqlChecked

        if isinstance(event, SqlChecked):
            self._problems = tuple(Problem(p["code"], p["message"]) for p in event.problems)
        for listener in list(self._listeners):
            listener(event)

    def emit(self, event: Any) -> None:
        """Write an event of a front end's own (an MCP tool call) into this connection's log."""
        with self._lock:
            self._open().emit(event)

    # -- questions and statements ---------------------------------------------------------------
    def ask(self, question: str, approve: Approver = "auto", *, on_event: Listener | None = None) -> Result:
        """Answer `question`: the model writes SQL, `approve` decides, the SQL runs read-only.

        A clarifying question from the model ends the turn `needs_clarification` (its question in
        `clarification`): ask again with that detail, as a follow-up in this session."""
        check_approver(approve)
        if not question.strip():
            raise ValueError("the question is empty")
        with self._lock, self._listening(on_event):
            session = self._open()
            if self._model_error is not None:
                raise self._model_error
            decider = self._decider(approve, question)
            step = session.loop.ask(question)
            while not isinstance(step, Outcome):
                if not hasattr(step, "sql_hash"):  # a Clarification: nobody here to answer it
                    step = session.loop.stop_unclarified()
                elif decider is None:
                    step = session.loop.stop_dry_run()
                else:
                    step = session.loop.decide(decider(step))
            return self._result(step, decider)

    def run(self, sql: str, approve: Approver = "auto", *, on_event: Listener | None = None) -> Result:
        """Run a statement the caller wrote: guarded, approved by `approve`, read-only, limited, logged."""
        from agents.direct import DirectTurn

        check_approver(approve)
        with self._lock, self._listening(on_event):
            session = self._open()
            turn = DirectTurn(self._database, self._settings, session.emit)
            step = turn.start(sql)
            decider = self._decider(approve, None)
            if not isinstance(step, Outcome):
                step = turn.decide(None if decider is None else decider(step))
            return self._result(step, decider)

    # -- step by step, for a front end that asks its own client between steps (the MCP server) --
    def turn(self) -> Any:
        """A caller-statement turn to drive in two steps (`start`, then `decide`); then `result_for`.
        The front end serialises its calls (the log is one sequence)."""
        from agents.direct import DirectTurn

        self.begin_turn()
        return DirectTurn(self._database, self._settings, self._open().emit)

    def begin_turn(self) -> None:
        """Forget the last turn's guard problems before a front end drives `loop` itself."""
        self._problems = ()

    def result_for(self, outcome: Outcome) -> Result:
        """A turn a front end drove itself, as the API's `Result`."""
        return self._result(outcome, None)

    @property
    def limits(self) -> Any:
        """The per-query limits every statement runs under (`max_rows`, `timeout`)."""
        return self._settings.limits

    @property
    def database_uri(self) -> str:
        """The database as logs name it (a URL's password masked)."""
        return str(self._database.uri)

    @property
    def loop(self) -> Any:
        """The session's loop, for a front end driving `ask` step by step; raises without a model."""
        session = self._open()
        if self._model_error is not None:
            raise self._model_error
        return session.loop

    def stream(self, question: str, approve: Approver = "auto") -> Iterator[Any]:
        """`ask`, as an iterator: each event as it happens (`agents.events` values, with `.type`
        and `.to_json()`), then the `Result` last."""
        from analyst.api.streaming import stream_events

        return stream_events(lambda listener: self.ask(question, approve, on_event=listener))

    def _decider(self, approve: Approver, question: str | None) -> Callable[[Any], Any] | None:
        if approve == "never":
            return None
        if approve == "auto":
            return lambda pending: Approve(decided_by="policy")
        assert callable(approve)
        return CallableDecider(approve, self._settings.limits, self.dialect, question)

    def _listening(self, listener: Listener | None) -> Any:
        from contextlib import contextmanager

        @contextmanager
        def listening() -> Iterator[None]:
            if listener is not None:
                self._listeners.append(listener)
            self._problems = ()
            try:
                yield
            finally:
                if listener is not None:
                    self._listeners.remove(listener)

        return listening()

    def _result(self, outcome: Outcome, decider: Any) -> Result:
        error = getattr(decider, "error", None)
        if error is not None:
            raise error
        result = outcome.result
        return Result(
            status=outcome.status,
            sql=outcome.sql,
            columns=tuple(Column(c.name, c.type) for c in result.columns) if result else (),
            rows=result.rows if result else (),
            row_count=result.row_count if result else 0,
            truncated=result.truncated if result else False,
            answer=outcome.answer,
            session_id=self._session.id,
            usage=outcome.usage,
            error=outcome.error,
            problems=self._problems if outcome.status is Status.REJECTED else (),
            cost_usd=outcome.cost_usd,
            clarification=outcome.clarification,
        )

    # -- reading and judging, nothing run -------------------------------------------------------
    def check(self, sql: str) -> Check:
        """The guard's verdict on `sql` against this database, with the advice; nothing runs."""
        from agents.direct import check_given
        from tools.guard import sql_warnings

        with self._lock:
            verdict = check_given(self._database, sql)
        warnings = tuple(sql_warnings(verdict.sql, self.dialect)) if verdict.ok and verdict.sql else ()
        return Check(verdict.ok, verdict.sql, verdict.sql_hash, verdict.tables, verdict.problems, warnings)

    def catalog(self) -> Any:
        """The catalog as the model sees it: excluded tables and columns gone, and no sample
        values when `data_to_model` is off."""
        from tools.catalog import without_samples

        catalog = self._database.catalog()
        return catalog if self.config.data_to_model else without_samples(catalog)

    def schema(self, question: str | None = None, budget: int | None = None) -> Schema:
        """The whole schema, or the slice `ask` would send the model for `question` within
        `budget` tokens (default: the model's budget), as `analyst schema --for` shows it."""
        from agents.models.registry import context_window
        from tools.catalog.ddl import render_ddl
        from tools.retrieval import retrieve
        from tools.tokens import default_budget, estimate_tokens

        with self._lock:
            catalog = self.catalog()
        if question:
            chosen = retrieve(
                catalog,
                question,
                budget or self.config.schema_budget or default_budget(context_window(self.config.model)),
            )
            choices = [(c.table, c.columns, c.why) for c in chosen.tables]
            hints, ddl, tokens, full = chosen.join_hints, chosen.ddl, chosen.tokens, chosen.full_tokens
        else:
            choices = [(t, t.columns, "") for t in catalog.tables]
            hints = catalog.join_hints()
            ddl = render_ddl(catalog.tables, hints, catalog.dialect)
            tokens = full = estimate_tokens(ddl)
        tables = tuple(
            SchemaTable(
                table.qualified,
                table.row_count,
                table.comment,
                tuple(SchemaColumn(c.name, c.type, c.comment) for c in columns),
                why,
            )
            for table, columns, why in choices
        )
        return Schema(ddl, tables, tuple(h.render() for h in hints), tokens, full)

    # -- the end ------------------------------------------------------------------------------------
    def close(self) -> None:
        """End the session log and the database engines; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._session is not None:
                self._session.close()
        finally:
            self._database.close()

    def __enter__(self) -> Analyst:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<analyst.Analyst {self._database.uri} session={self.session_id}>"
