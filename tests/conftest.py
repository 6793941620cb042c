"""Hermetic tests: every test gets its own ANALYST_HOME, an in-memory keyring and no provider
variables from the developer's shell; the sample database is built once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from tests.backends import any_db  # noqa: F401  (one read-only Database per engine over the same dataset)
from tests.mysql_env import my  # noqa: F401  (the MySQL/MariaDB fixture, shared by every test module)
from tests.pg_env import pg  # noqa: F401  (the PostgreSQL fixture, shared by every test module)

PROVIDER_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "OLLAMA_BASE_URL",
    "ANALYST_MODEL",
    "ANALYST_DB",
    "VISUAL",
    "EDITOR",
)


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict (no OS keyring in tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


def _share(master: Path, target: Path) -> None:
    """Give a test its own path to the sample database without a 10 MB copy per test (a full run
    copied it 2,200 times: 22 GB of temp files). A hard link is safe because everything here opens
    the sample database read-only; a file system without hard links gets a copy."""
    try:
        os.link(master, target)
    except OSError:
        shutil.copyfile(master, target)


@pytest.fixture(scope="session")
def sample_db_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from tools.sample import sample_database

    master = sample_database(tmp_path_factory.mktemp("sample-cache"))
    before = master.stat()
    yield master
    after = master.stat()  # every test shares this file through a hard link: none may change it
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns), (
        "a test wrote to the shared sample database"
    )


@pytest.fixture(autouse=True)
def analyst_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_db_master: Path) -> Path:
    home = tmp_path / "home"
    cached = home / "cache" / "sample" / sample_db_master.name
    cached.parent.mkdir(parents=True)
    _share(sample_db_master, cached)
    monkeypatch.setenv("ANALYST_HOME", str(home))
    for name in PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    import keyring

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    yield home
    keyring.set_keyring(previous)


@pytest.fixture
def sample_db(analyst_home: Path, sample_db_master: Path) -> Path:
    """Path of this test's copy of the sample database."""
    return analyst_home / "cache" / "sample" / sample_db_master.name


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    import keyring

    return keyring.get_keyring()  # type: ignore[return-value]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Let statements that time-limit tests abandoned on purpose finish before Python shuts down:
    finalizing the interpreter under a running DuckDB statement aborts the process (exit 134)."""
    import sys

    workers = sys.modules.get("tools.databases.workers")
    if workers is not None and not workers.WORKERS.wait_idle(timeout=300):
        print(f"\n{workers.WORKERS.busy} abandoned statement(s) still running after 300 s", file=sys.stderr)
