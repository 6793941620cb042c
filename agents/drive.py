"""Drive one question through the loop to its end; front ends differ only in who decides."""

from __future__ import annotations

from typing import Any, Callable

from agents.decisions import Approve, Decision
from agents.loop import AnalystLoop, Outcome, Pending

Decider = Callable[[Pending], Decision]


def drive(loop: AnalystLoop, question: str, decide: Decider | None) -> Outcome:
    """Ask, then answer every approval pause with `decide`; `None` means dry run."""
    step: Pending | Outcome = loop.ask(question)
    while isinstance(step, Pending):
        if decide is None:
            return loop.stop_dry_run()
        step = loop.decide(decide(step))
    return step


def auto_approve(pending: Any) -> Decision:
    """`--approve auto`: run what the guard accepts; recorded as decided by policy."""
    return Approve(decided_by="policy")
