"""Decisions at the approval pause, as values: who decided is recorded with each one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Approve:
    """Run the SQL exactly as shown (the approval binds to its hash)."""

    decided_by: str = "human"


@dataclass(frozen=True)
class Edit:
    """Run this SQL instead; it is checked by the guard and, if it passes, runs without asking."""

    sql: str
    decided_by: str = "human"


@dataclass(frozen=True)
class Reject:
    """Send the SQL back to the model with feedback; empty feedback means Abort."""

    feedback: str
    decided_by: str = "human"


@dataclass(frozen=True)
class Abort:
    """Stop the run; nothing executes."""

    decided_by: str = "human"


Decision = Approve | Edit | Reject | Abort
