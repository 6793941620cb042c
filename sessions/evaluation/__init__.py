"""Evaluation: suites, scoring by execution, result comparison, run logs and their statistics."""
