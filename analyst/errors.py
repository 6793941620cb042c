"""Errors that end the program: one line naming the cause and the fix, and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_ANSWERED = 1
EXIT_USAGE = 2
EXIT_PROVIDER = 3
EXIT_DATABASE = 4
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """A usage or configuration problem the person can fix; never shown as a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
