"""What `analyst eval` does with each question the shared runner (sessions/runner.py) runs: score
it, and record the score in the run log, in --out and on the progress bar as it finishes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, TextIO

from agents.outcome import Status
from analyst.errors import UserError
from sessions.runner import NotRun, Question, Ran
from tools.redaction import redact_secrets


class EvalPlan:
    """Scores questions and records each result the moment it is known (the run log has every
    line, so a run that stops early still resumes). A question cut short by a stop is recorded
    `not_run`, to be asked again on --resume, unless its SQL already ran: then it is scored."""

    collects_after_stop = True  # every question gets a line: scored, or not run

    def __init__(
        self,
        run_log: Any,  # sessions.evaluation.RunLog
        out_handle: TextIO | None,
        out_path: Path | None,
        progress: Any,  # analyst.eval_report.EvalProgress
        limits: Any,  # tools.databases.base.Limits, for the gold queries
        stderr: TextIO,
    ) -> None:
        self.run_log = run_log
        self.out_handle = out_handle if out_path is not None else None
        self.out_path = out_path
        self.progress = progress
        self.limits = limits
        self.stderr = stderr
        self.results: list[Any] = []
        self.out_error: UserError | None = None  # --out failed mid-run: the run goes on (its log has every line)

    def carry(self, kept: list[Any]) -> None:
        """A resumed run is a whole record: the results it keeps come first."""
        from analyst.outputs import write_failed

        for result in kept:
            self.results.append(result)
            self.run_log.result(result)
            if self.out_handle is not None and self.out_path is not None:
                try:
                    self.out_handle.write(redact_secrets(json.dumps(result.to_json(), ensure_ascii=False)) + "\n")
                except OSError as exc:
                    raise write_failed(self.out_path, exc) from None

    def question(self, item: Any) -> Question:
        return Question(item.prompt, item.db)  # every database opened before the run: no origin needed

    def ran(self, item: Any, ran: Ran) -> Any:
        from sessions.evaluation import not_run, score

        outcome = ran.outcome
        if ran.stopped is not None and (outcome.status is not Status.ANSWERED or outcome.result is None):
            return not_run(item, ran.stopped)  # cut short: ask again on --resume
        return score(
            item, outcome, ran.database, self.limits, latency_ms=ran.latency_s * 1000, session_id=ran.session_id
        )

    def not_run(self, item: Any, why: NotRun) -> Any:
        from sessions.evaluation import not_run

        return not_run(item, why.reason)

    def failed(self, item: Any, exc: Exception) -> Any:
        raise exc  # a question that cannot be asked (its session log cannot be written) ends the run

    def finished(self, item: Any, result: Any, began: float | None) -> None:
        from analyst.outputs import write_failed

        self.results.append(result)
        self.run_log.result(result)
        if self.out_handle is not None and self.out_path is not None and self.out_error is None:
            try:
                self.out_handle.write(redact_secrets(json.dumps(result.to_json(), ensure_ascii=False)) + "\n")
                self.out_handle.flush()
            except OSError as exc:
                self.out_error = write_failed(
                    self.out_path, exc, resume_hint=f"; every result is in the run log {self.run_log.path}"
                )
                self.stderr.write(f"analyst: warning: {self.out_error.message}; the run goes on\n")
        self.progress.advance(result)

    def finish(self, stop_reason: str | None, budget: Any) -> dict[str, Any]:
        """Summarize and close the run log and --out; why the run stopped, when questions were not run."""
        from sessions.evaluation import summarize

        summary = summarize(self.results)
        if summary["not_run"]:
            summary["stopped"] = (
                stop_reason or (budget.why_exhausted() if budget is not None else "") or "stopped by --max-cost"
            )
        self.run_log.finish({**summary, "ended": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        if self.out_handle is not None:
            try:
                self.out_handle.close()
            except OSError:
                pass  # a failed write was already reported
        return summary
