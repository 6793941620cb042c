"""The messages every engine process shares, whatever its engine: it says it opened (or why
not), and an `Interrupt` stops its running request without a reply of its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Opened:
    pid: int


@dataclass(frozen=True)
class OpenFailed:
    message: str
    fix: str


@dataclass(frozen=True)
class Interrupt:
    """Stop the running request (the engine's own interrupt); no reply of its own."""
