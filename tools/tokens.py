"""Token estimates: one estimator everywhere, so budgets and logs agree.

No tokenizer files are downloaded at run time; characters ÷ 4 is close enough for English and
SQL with every provider we use, and being the same everywhere matters more than being exact.
"""

from __future__ import annotations

import math

DEFAULT_BUDGET = 6_000
"""The schema slice budget when the model's context window is large or unknown."""

CONTEXT_SHARE = 0.25
"""At most this share of the model's context window goes to the schema slice."""


def estimate_tokens(text: str) -> int:
    """Estimated tokens in `text`: ceil(characters / 4)."""
    return math.ceil(len(text) / 4)


def max_chars(tokens: int) -> int:
    """The most characters that still estimate to at most `tokens` tokens."""
    return max(0, tokens) * 4


def default_budget(context_window: int | None) -> int:
    """The smaller of 6,000 tokens and 25% of the context window (6,000 when unknown)."""
    if context_window is None or context_window <= 0:
        return DEFAULT_BUDGET
    return min(DEFAULT_BUDGET, int(context_window * CONTEXT_SHARE))
