"""Fixtures shared by the evaluation tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def defog_cache(tmp_path_factory) -> Path:
    """The 11 defog databases, built once per test run from the shipped SQL (sessions/data/defog):
    no path outside the repository, so a clean CI machine builds them the same way."""
    from sessions.evaluation.defog import build_databases

    cache = tmp_path_factory.mktemp("defog-cache")
    build_databases(cache)
    return cache
