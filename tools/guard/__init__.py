"""The SQL guard (moved here from flat modules; reshaped in the following commits)."""

from tools.guard.advice import sql_warnings
from tools.guard.check import Problem, Verdict, check_sql, sql_hash, typed_text

__all__ = ["Problem", "Verdict", "check_sql", "sql_hash", "sql_warnings", "typed_text"]
