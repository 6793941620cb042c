"""Is a predicted result the gold answer?  The comparison of two fetched results, by value.

The rules, each naming the trap in defog's judge it closes, are the docstring of verdict.py;
the other modules are its parts.  The surface is the verdict and the gold's sort keys.
"""

from sessions.evaluation.comparison.order_keys import GoldShape, gold_shape, order_keys
from sessions.evaluation.comparison.verdict import Comparison, compare_results

__all__ = ["Comparison", "GoldShape", "compare_results", "gold_shape", "order_keys"]
