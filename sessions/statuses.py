"""How a turn can end, as its log records it: the values `sessions list --status` filters on.

A module of its own so that `analyst --help` can name them without importing the log readers.
"""

from agents.outcome import Status

INCOMPLETE = "incomplete"  # a log that stops mid-turn (a crash, a kill): no run_finished
# every status a turn can end with, then "incomplete"
STATUSES: tuple[str, ...] = (*(status.value for status in Status), INCOMPLETE)
