"""Keys: stored in the (in-memory, in tests) keyring from stdin, never from argv or into logs."""

from __future__ import annotations

import io

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli, run_sql_reply, session_events, text_reply

CANARY = "sk-keyring-canary-0123456789abcdef"


def test_set_list_delete(capsys, monkeypatch, keyring_backend) -> None:
    result = run_cli(["keys", "set", "openai"], capsys, stdin=io.StringIO(CANARY + "\n"), monkeypatch=monkeypatch)
    assert result.code == 0 and CANARY not in result.out + result.err
    assert keyring_backend.get_password("analyst", "openai") == CANARY
    listed = run_cli(["keys", "list"], capsys)
    assert "openai" in listed.out and "keyring" in listed.out and CANARY not in listed.out
    assert run_cli(["keys", "delete", "openai"], capsys).code == 0
    assert keyring_backend.get_password("analyst", "openai") is None
    again = run_cli(["keys", "delete", "openai"], capsys)
    assert again.code == 2 and "no key" in again.err


def test_key_from_keyring_is_used_and_never_logged(capsys, monkeypatch, keyring_backend) -> None:
    keyring_backend.set_password("analyst", "openai", CANARY)
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many([run_sql_reply("SELECT 1 AS one"), text_reply("one"), text_reply("It is one.")])
        result = run_cli(["ask", "one?", "--approve", "auto", "--format", "json"], capsys)
        assert result.code == 0, result.err
        assert all("authorization" in loc for loc in fake.secret_locations(CANARY))
        assert fake.headers(0)["authorization"] == f"Bearer {CANARY}"
    path = result.json()["session_path"]
    assert CANARY not in open(path).read()
    assert session_events(path)[0]["type"] == "session_started"


def test_environment_wins_over_keyring(capsys, monkeypatch, keyring_backend) -> None:
    keyring_backend.set_password("analyst", "openai", "sk-from-keyring-000000")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-1111111111")
    listed = run_cli(["keys", "list"], capsys)
    assert "env OPENAI_API_KEY" in listed.out


def test_unknown_provider_and_empty_key_are_one_line(capsys, monkeypatch) -> None:
    bad = run_cli(["keys", "set", "nosuch"], capsys, stdin=io.StringIO("x\n"), monkeypatch=monkeypatch)
    assert bad.code == 2 and "unknown provider" in bad.err
    empty = run_cli(["keys", "set", "openai"], capsys, stdin=io.StringIO("\n"), monkeypatch=monkeypatch)
    assert empty.code == 2 and "no key given" in empty.err


def test_no_keyring_backend_is_one_line_and_env_still_works(capsys, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    result = run_cli(
        ["keys", "set", "openai"], capsys, stdin=io.StringIO("sk-whatever-123456\n"), monkeypatch=monkeypatch
    )
    assert result.code == 2 and "no OS keyring backend" in result.err and len(result.err.strip().splitlines()) == 1
    missing = run_cli(["ask", "q", "--approve", "auto"], capsys)
    assert missing.code == 2 and "no OS keyring backend" in missing.err and "analyst keys set openai" in missing.err


def test_a_blocking_keyring_is_given_up_on(capsys, monkeypatch) -> None:
    import threading

    import keyring
    from keyring.backend import KeyringBackend

    release = threading.Event()

    class Locked(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            release.wait(30)  # like a backend waiting for an unlock prompt
            return None

        def set_password(self, service, username, password):
            raise NotImplementedError

        def delete_password(self, service, username):
            raise NotImplementedError

    keyring.set_keyring(Locked())
    monkeypatch.setattr("analyst.keys.LOOKUP_TIMEOUT_S", 0.3)
    try:
        result = run_cli(["ask", "q", "--approve", "auto"], capsys)
    finally:
        release.set()
    assert result.code == 2 and "did not answer" in result.err
