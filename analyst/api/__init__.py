"""The Python API: `analyst.connect(...)` and the values it hands back (README, "Python API").

Why a package of its own under the shell: it resolves settings exactly as the CLI does
(`analyst.config`) and wires the same parts (`analyst.wiring`), so it belongs to the top layer;
the lower layers never import it. `connect` is here; the values and the connection are in their
modules, loaded on first use so `import analyst` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst.api.connection import Analyst, Listener


def connect(
    db: str | None = None, *, model: str | None = None, on_event: Listener | None = None, **settings: Any
) -> Analyst:
    """Open `db` read-only (None: the bundled sample database) with `model` and any setting the
    CLI takes (`timeout`, `max_rows`, `exclude_columns`, `data_to_model`, ...), resolved like its
    flags over config.toml and the environment. `on_event` sees every event of the session.

    >>> import analyst
    >>> with analyst.connect(max_rows=5) as a:
    ...     r = a.run("SELECT customer_id FROM customers ORDER BY customer_id")
    >>> r.status, r.row_count, r.truncated
    (<Status.ANSWERED: 'answered'>, 5, True)
    """
    from analyst.api.connection import Analyst
    from analyst.api.settings import resolve

    return Analyst(resolve(db, model, settings), on_event=on_event)
