"""What one conversation may do and spend: limits, caps and what data reaches the model.

The values come from the CLI and config (only `analyst` reads those); the loop is handed them
whole, so a driver, a replay and a test all run the loop under the same explicit settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.budget import Budget
from tools.databases.base import Limits

if TYPE_CHECKING:
    from agents.examples import ExampleChooser


@dataclass(frozen=True)
class Settings:
    """The loop's limits: per query, per turn (steps, rejections, errors) and per conversation."""

    limits: Limits = Limits()
    max_steps: int = 12
    max_guard_rejections: int = 3
    max_db_errors: int = 3
    max_cost_usd: float | None = None
    max_tokens: int | None = None
    summarize: bool = True
    log_rows: bool = False
    schema_budget: int | None = None
    data_to_model: bool = True  # False: no sample values, rows or data-bearing errors reach the model
    prices: dict[str, tuple[float, float]] | None = None
    budget: Budget | None = None  # a run-wide cap shared with concurrent conversations (batch, eval)
    examples: ExampleChooser | None = None  # verified examples for the prompt (None: none are shown)
