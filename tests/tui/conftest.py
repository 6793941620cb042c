"""Fixtures for the TUI tests (the autouse ones in tests/conftest.py still apply)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.drive import AppMaker


@pytest.fixture
def make_app(sample_db: Path) -> Iterator[AppMaker]:
    maker = AppMaker(sample_db)
    yield maker
    maker.close()
