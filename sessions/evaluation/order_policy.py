"""Does the question ask for its rows in an order?  Rule 5 of the comparison: order counts then.

A gold query's ORDER BY is often the author's habit, not the question's demand: "total citations
of each author" answered in another order is the right answer.  So the suite's own annotation
decides first (`order_sensitive` in a suite file; defog's `order_sensitive_sql_eval`, see
defog.py), and otherwise the question's words do: sorted, ordered by, in descending order,
highest to lowest, ... first, top/first/last N, ranked.  The strict verdict that counts the gold's
order anyway is kept beside as a tier (`gold_order_equal`).
"""

from __future__ import annotations

import re

from sessions.evaluation.suite import SuiteItem

_ADJ = (
    r"(?:highest|lowest|largest|smallest|biggest|greatest|most|least|fewest|best|worst|longest|shortest|"
    r"newest|oldest|earliest|latest|most recent|top|bottom|high|low|big|small)"
)
_SPAN = r"(?!\s+(?:calendar\s+|full\s+|business\s+)?(?:years?|quarters?|months?|weeks?|days?|hours?|minutes?)\b)"
_NUM = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty)"
_ASKS = re.compile(
    r"\bsort(?:s|ed|ing)?\b"
    r"|\border(?:s|ed|ing)?\s+(?:\w+\s+){0,2}?(?:by|from|alphabetically|chronologically|them|the results?)\b"
    r"|\bin\s+(?:\w+\s+){0,2}order\b"
    r"|\b(?:ascending|descending|alphabetical(?:ly)?|chronological(?:ly)?)\b"
    rf"|\bfrom\s+(?:the\s+)?{_ADJ}\b[\w\s]{{0,30}}?\bto\s+(?:the\s+)?{_ADJ}\b"
    rf"|\b{_ADJ}\s+to\s+{_ADJ}\b|\ba\s+to\s+z\b"
    rf"|\b{_ADJ}(?:\s+\w+){{0,3}}\s+first\b"
    r"|\bstarting\s+(?:from|with)\s+the\b"
    rf"|\b(?:top|first|last|bottom)\s+{_NUM}\b{_SPAN}"
    r"|\b(?:ranked|ranking)\s+(?:by|from|in|according)\b|\brank\s+them\b",
    re.IGNORECASE,
)


def asks_for_order(text: str) -> bool:
    """Do these words ask for the rows in an order?"""
    return _ASKS.search(text) is not None


def order_asked(item: SuiteItem) -> bool:
    """The suite's annotation when it has one, else the question's words.  Not the instructions:
    they define terms ("SR = sales rank of each salesperson ordered by total sales"), while the
    question says what comes back."""
    if item.order_sensitive is not None:
        return item.order_sensitive
    return asks_for_order(item.question)
