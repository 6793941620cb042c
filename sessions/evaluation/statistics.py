"""How much an accuracy can be trusted: intervals for one run, a paired test for two.

A team choosing between models compares accuracies measured on a few hundred questions, where a
few points are noise. Two standard tools, in the standard library only:

- the Wilson score interval for a proportion (good at small n and near 0 or 1, unlike the normal
  approximation, which can leave [0, 1]);
- the exact McNemar test for two runs on the same questions: only the questions that flipped carry
  information about which model is better, and under "no difference" each flip is a fair coin, so
  the two-sided p-value is a binomial tail.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile


def wilson_interval(correct: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95% (by default) Wilson score interval of correct/n; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= correct <= n:
        raise ValueError(f"correct must be between 0 and n, got {correct} of {n}")
    p = correct / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if correct == 0 else max(0.0, centre - half)  # exact ends: rounding leaves 1e-17 there
    high = 1.0 if correct == n else min(1.0, centre + half)
    return low, high


def mcnemar_exact_p(fixed: int, broken: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs (fixed: wrong in A, right in B;
    broken: the reverse). 1.0 when nothing flipped."""
    if fixed < 0 or broken < 0:
        raise ValueError("flip counts cannot be negative")
    n = fixed + broken
    if n == 0:
        return 1.0
    k = min(fixed, broken)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)
