"""API keys: the environment variable when set, else the OS keyring (service `analyst`).

The only module that imports keyring. Look-ups have a time limit because some backends block on
an unlock prompt, and a missing backend (headless Linux) is reported once, not as a crash.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass

SERVICE = "analyst"
LOOKUP_TIMEOUT_S = 5.0
_warned: set[str] = set()


@dataclass(frozen=True)
class KeySource:
    """Where a key came from; `value` is never printed or logged."""

    value: str | None
    source: str  # "env OPENAI_API_KEY", "keyring", "none"
    note: str | None = None


def _note_once(text: str) -> None:
    if text not in _warned:
        _warned.add(text)
        print(f"analyst: {text}", file=sys.stderr)


def _keyring_get(user: str) -> tuple[str | None, str | None]:
    """(key, note) from the keyring, with a time limit; note explains why there is none."""
    result: dict[str, object] = {}

    def look() -> None:
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            if isinstance(backend, fail.Keyring):
                result["note"] = "no OS keyring backend is available; using environment variables only"
                return
            result["value"] = keyring.get_password(SERVICE, user)
        except Exception as exc:  # backends raise many kinds
            result["note"] = f"keyring look-up failed ({type(exc).__name__}); using environment variables only"

    worker = threading.Thread(target=look, daemon=True)
    worker.start()
    worker.join(LOOKUP_TIMEOUT_S)
    if worker.is_alive():
        return None, f"keyring did not answer within {LOOKUP_TIMEOUT_S:g} s (locked?); using environment variables only"
    return result.get("value"), result.get("note")  # type: ignore[return-value]


def resolve_key(provider: str, env_var: str | None) -> KeySource:
    if env_var and os.environ.get(env_var):
        return KeySource(os.environ[env_var], f"env {env_var}")
    value, note = _keyring_get(provider)
    if value:
        return KeySource(value, "keyring")
    return KeySource(None, "none", note)


def missing_key_message(provider: str, env_var: str | None) -> str:
    via_env = f"set {env_var}, or " if env_var else ""
    return f"no API key for {provider}: {via_env}run `analyst keys set {provider}`"
