"""Events as an iterator: the turn runs on a worker thread and hands each event over a queue.

Why a thread: the loop calls its observer synchronously; an iterator lets a caller's own UI pull
events (`for event in a.stream(q)`) without writing a callback, and the `Result` arrives last.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

_DONE = object()


def stream_events(run: Callable[[Callable[[Any], None]], Any]) -> Iterator[Any]:
    """Yield what `run(listener)` passes its listener, then what it returns; re-raise what it raises."""
    items: queue.Queue[Any] = queue.Queue()
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(("ok", run(items.put)))
        except BaseException as exc:
            outcome.append(("error", exc))
        finally:
            items.put(_DONE)

    worker = threading.Thread(target=work, name="analyst-stream", daemon=True)
    worker.start()
    while True:
        item = items.get()
        if item is _DONE:
            break
        yield item
    worker.join()
    kind, value = outcome[0]
    if kind == "error":
        raise value
    yield value
