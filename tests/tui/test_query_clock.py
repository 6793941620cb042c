"""While the loop's query runs, the status bar shows its elapsed time against the limit."""

from __future__ import annotations

import pytest

from tests.tui.drive import SIZE, answered, ask, ready, until_approval, until_idle


@pytest.mark.asyncio
async def test_the_status_bar_ticks_while_a_query_runs(make_app) -> None:
    from tests.tui.drive import wait_for

    slow = "SELECT count(*) AS n FROM range(1200000000) a(i) WHERE i % 7 = 3"
    app, _ = make_app(answered(slow, "Counted."), timeout=20)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "how many?")
        await until_approval(pilot)
        await pilot.press("a")

        def ticking() -> bool:
            seen.append(app.status.values["elapsed"])
            return len({a for a in seen if a.startswith("running query ") and a.endswith("(limit 20 s)")}) >= 2

        await wait_for(pilot, ticking, "the elapsed time to tick", timeout=30)
        assert app.status.values["activity"] == "running query"  # the step is named as before; the time is beside it
        await until_idle(pilot)
        await wait_for(
            pilot, lambda: app.status.values["elapsed"] == "", "the elapsed time to go once the query is done"
        )
    assert app.status.values["activity"] == "ready"
