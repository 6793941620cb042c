"""Drive one question through the loop to its end; front ends differ only in who decides and who answers."""

from __future__ import annotations

from collections.abc import Callable

from agents.decisions import Approve, Decision
from agents.loop import AnalystLoop
from agents.outcome import Clarification, Outcome, Pending

Decider = Callable[[Pending], Decision]
Answerer = Callable[[Clarification], "str | None"]  # the person's reply, or None: nobody answers


def drive(loop: AnalystLoop, question: str, decide: Decider | None, answer: Answerer | None = None) -> Outcome:
    """Ask, then answer every approval pause with `decide` (`None` means dry run) and every
    clarifying question with `answer` (`None`, or an empty reply, ends the turn
    `needs_clarification`: a driver that cannot ask anyone never lets the model guess)."""
    step: Pending | Clarification | Outcome = loop.ask(question)
    while not isinstance(step, Outcome):
        if isinstance(step, Clarification):
            reply = answer(step) if answer is not None else None
            step = loop.reply(reply) if reply and reply.strip() else loop.stop_unclarified()
            continue
        if decide is None:
            return loop.stop_dry_run()
        step = loop.decide(decide(step))
    return step


def auto_approve(pending: Pending) -> Decision:
    """`--approve auto`: run what the guard accepts; recorded as decided by policy."""
    return Approve(decided_by="policy")
