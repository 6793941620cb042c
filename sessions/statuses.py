"""How a turn can end, as its log records it: the values `sessions list --status` filters on.

A module of its own so that `analyst --help` can name them without importing the log readers.
"""

# every status a turn can end with, and "incomplete" for a log that stops mid-turn
STATUSES = ("answered", "needs_clarification", "dry_run", "aborted", "rejected", "failed", "interrupted", "incomplete")
