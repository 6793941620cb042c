"""Small terminals: the approval dialog keeps its keys line in view (a long plan scrolls inside the
body), and the schema sidebar narrows, then hides, so the conversation stays readable."""

from __future__ import annotations

import pytest

from tests.tui.drive import ask, ready, rendered, run_sql, text_screenshot, until_approval, wait_for

JOIN_SQL = "SELECT r.region_name, s.store_name FROM regions AS r, stores AS s LIMIT 5"


def inside(inner, outer) -> bool:
    return outer.x <= inner.x and inner.right <= outer.right and outer.y <= inner.y and inner.bottom <= outer.bottom


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (80, 20), (120, 36)])
async def test_the_approval_keys_stay_in_view_with_explain_and_feedback(make_app, size) -> None:
    app, _ = make_app([run_sql(JOIN_SQL, "Pair every region with its stores.")])
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await ask(pilot, "Which stores are in which region?")
        screen = await until_approval(pilot)
        await pilot.press("p")
        await wait_for(
            pilot, lambda: "EXPLAIN (the plan" in rendered(screen.query_one("#approval-explain")), "the plan"
        )
        dialog, keys, body = (screen.query_one(f"#approval-{part}") for part in ("dialog", "keys", "body"))
        for step in ("explain", "feedback"):
            await pilot.pause(0.1)
            assert inside(keys.region, dialog.content_region), step
            assert inside(dialog.region, screen.region), step
            assert "p EXPLAIN preview" in text_screenshot(app).replace("\n", " "), step
            await pilot.press("r")  # the feedback box takes three more rows
        if size[1] < 36:
            assert body.max_scroll_y > 0  # the rest of the plan scrolls inside the body
            body.scroll_end(animate=False)
            await pilot.pause(0.1)
            assert inside(keys.region, dialog.content_region)


@pytest.mark.asyncio
@pytest.mark.parametrize(("width", "sidebar"), [(40, 0), (63, 0), (64, 24), (100, 24), (110, 34), (160, 34)])
async def test_the_sidebar_narrows_then_hides(make_app, width, sidebar) -> None:
    app, _ = make_app([])
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        shown = app.query_one("#sidebar")
        assert (shown.outer_size.width if shown.display else 0) == sidebar
        assert app.conversation.outer_size.width == width - sidebar
        assert app.question.has_focus


@pytest.mark.asyncio
@pytest.mark.parametrize(("width", "before", "after"), [(40, 0, 24), (80, 24, 0), (120, 34, 0)])
async def test_ctrl_b_shows_or_hides_the_schema_whatever_the_width(make_app, width, before, after) -> None:
    app, _ = make_app([])
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        sidebar = app.query_one("#sidebar")

        def shown() -> int:
            return sidebar.outer_size.width if sidebar.display else 0

        assert shown() == before
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert shown() == after
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert shown() == before


@pytest.mark.asyncio
@pytest.mark.parametrize("width", [60, 80, 200])
async def test_the_status_bar_gives_up_the_session_id_before_the_model_and_database(make_app, width) -> None:
    app, _ = make_app([])
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        line = next(line for line in text_screenshot(app).splitlines() if line.startswith(" ready "))
        assert len(line.rstrip()) <= width and "cost unknown" in line  # a scripted model has no price
        assert ("session " in line) is (width == 200)
        assert "scripted:test · sample-" in line and (".duckdb" in line) is (width >= 80)  # the database is cut last
        assert ("tokens 0 in 0 out" in line) is (width == 200) and ("0/0 tok" in line) is (width < 200)
