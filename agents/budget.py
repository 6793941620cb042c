"""One spending cap shared by every conversation of a run (batch, eval), checked before each call.

A per-session cap is not enough when questions run concurrently: each session would be handed
"the cap minus what finished questions spent" and four in-flight sessions could each spend all
of it. Here every model call of every session asks the run's `Budget` first and reports its cost
when it returns. A call cannot know its own cost before it is made, so each call in flight is
reserved at the largest cost of any call finished so far (and while none has finished, only one
call may be in flight): a new call starts only if the money spent plus those reservations is
below the cap, and otherwise waits for a call in flight to return. So a run never spends more
than the cap plus one call (as long as no call costs more than the largest before it) - the same
promise a single conversation makes - instead of the cap times the concurrency. Whole questions
are admitted the same way (`admit`), so the money goes to finishing questions already started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def usd(amount: float) -> str:
    """Dollars readable at any size: $0.0123, $0.000042 (never a misleading $0.0000)."""
    if amount == 0 or abs(amount) >= 0.01:
        return f"${amount:.4f}"
    return f"${amount:.2g}" if abs(amount) < 1e-6 else f"${amount:.6f}"


class BudgetExhausted(Exception):
    """The cap leaves no room for another call; `message` says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Budget:
    """Thread-safe running cost of a run against `cap_usd` (None: no cap, spending still counted)."""

    def __init__(self, cap_usd: float | None) -> None:
        self.cap_usd = cap_usd
        self._lock = threading.Condition()
        self._spent = 0.0
        self._calls = 0
        self._largest = 0.0
        self._in_flight = 0
        self._unpriced: str | None = None
        self._active = 0  # questions admitted and not yet done
        self._questions = 0  # questions done
        self._largest_question = 0.0

    @property
    def spent(self) -> float:
        with self._lock:
            return self._spent

    @property
    def exhausted(self) -> bool:
        """True once no further call may start (the cap is reached, or a cost is unknown)."""
        return bool(self.why_exhausted())

    def why_exhausted(self) -> str:
        """The one-line reason no call may start whatever returns next ("" while one may)."""
        with self._lock:
            return self._room(0) or ""

    def admit(self, stopped: Callable[[], bool] = lambda: False) -> bool:
        """Start one question of a run (pair with `question_done`), or False when the budget is
        spent (or `stopped()` turned true while waiting). Questions in progress are reserved at
        the largest question cost so far, and the first must finish before a second starts:
        money goes to finishing questions, not to starting more than the cap can pay for, so
        concurrency does not leave every question half done."""
        with self._lock:
            while True:
                if self.cap_usd is None:
                    break
                if self._room(0) is not None:
                    return False
                reserved = self._active * self._largest_question
                if not self._active or (self._questions and self._spent + reserved < self.cap_usd):
                    break
                if stopped():
                    return False
                self._lock.wait(0.2)
            self._active += 1
            return True

    def question_done(self, cost_usd: float | None) -> None:
        with self._lock:
            self._active -= 1
            self._questions += 1
            if cost_usd is not None:
                self._largest_question = max(self._largest_question, cost_usd)
            self._lock.notify_all()

    def begin(self, stopped: Callable[[], bool] = lambda: False) -> bool:
        """Reserve room for one call (True; pair with `end`), or raise BudgetExhausted. While only
        the reservations of calls in flight stand in the way, wait for one of them to return -
        unless `stopped()` turns true meanwhile (the conversation was interrupted): then False,
        nothing reserved."""
        with self._lock:
            while (why := self._room(self._in_flight)) is not None:
                if not self._in_flight or self._room(0) is not None:
                    raise BudgetExhausted(why)
                if stopped():
                    return False
                self._lock.wait(0.2)
            self._in_flight += 1
            return True

    def end(self, cost_usd: float | None, model_name: str, *, called: bool = True) -> None:
        """Release the reservation and record the call's cost (None: the price is unknown)."""
        with self._lock:
            self._in_flight -= 1
            if called:
                self._calls += 1
                if cost_usd is None:
                    self._unpriced = model_name
                else:
                    self._spent = round(self._spent + cost_usd, 10)
                    self._largest = max(self._largest, cost_usd)
            self._lock.notify_all()

    def _room(self, in_flight: int) -> str | None:
        """Why a call may not start with `in_flight` calls reserved, or None when it may."""
        if self.cap_usd is None:
            return None
        if self._unpriced is not None:
            return f"--max-cost is set but {self._unpriced} has no known price; cost cannot be capped"
        if self._spent >= self.cap_usd:
            return f"run cost cap reached: {usd(self._spent)} spent of {usd(self.cap_usd)} (--max-cost)"
        if in_flight and (not self._calls or self._spent + in_flight * self._largest >= self.cap_usd):
            return f"waiting: {usd(self._spent)} spent of {usd(self.cap_usd)} with {in_flight} call(s) in flight (--max-cost)"
        return None
