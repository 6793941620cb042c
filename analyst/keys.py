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


@dataclass(frozen=True)
class KeySource:
    """Where a key came from; `value` is never printed or logged."""

    value: str | None
    source: str  # "env OPENAI_API_KEY", "keyring", "none"
    note: str | None = None


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


def _backend() -> tuple[object | None, str | None]:
    """(backend, problem): problem explains why keys cannot be stored."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return (
            None,
            "no OS keyring backend is available on this machine; set the provider's environment variable instead",
        )
    return backend, None


def _plaintext_warning(backend: object) -> str | None:
    """Backends that store keys unencrypted get a warning unless the person chose one explicitly."""
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "plaintext" in name.lower() and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        return f"warning: the keyring backend {name} stores keys in plaintext on disk"
    return None


def _read_secret(provider: str) -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"API key for {provider} (input hidden): ")
    return sys.stdin.readline()


def run_keys(verb: str, provider: str | None, endpoints: dict[str, str | None] | None = None) -> int:
    """`analyst keys set|list|delete`: keys go in from a prompt or stdin, never from argv."""
    from agents.models.registry import PROVIDERS
    from analyst.errors import UserError

    key_envs = {name: p.key_env for name, p in PROVIDERS.items() if p.needs_key}
    key_envs.update(endpoints or {})
    needing = list(key_envs)
    if verb == "list":
        for name in needing:
            found = resolve_key(name, key_envs[name])
            where = found.source if found.value else "missing"
            print(f"{name:<10} {where}")
        return 0
    assert provider is not None
    if provider not in needing:
        raise UserError(f"unknown provider {provider!r} for keys; use one of: {', '.join(needing)}")
    backend, problem = _backend()
    if backend is None:
        raise UserError(f"{problem} ({key_envs[provider] or 'no variable configured'})")
    import keyring

    if verb == "delete":
        try:
            keyring.delete_password(SERVICE, provider)
        except keyring.errors.PasswordDeleteError:
            raise UserError(f"no key for {provider} is stored in the keyring") from None
        print(f"deleted the {provider} key from the keyring", file=sys.stderr)
        return 0
    secret = _read_secret(provider).strip()
    if not secret:
        raise UserError(
            f'no key given; type it at the prompt or pipe it: printf %s "$KEY" | analyst keys set {provider}'
        )
    warning = _plaintext_warning(backend)
    if warning:
        print(f"analyst: {warning}", file=sys.stderr)
    keyring.set_password(SERVICE, provider, secret)
    print(f"stored the {provider} key in the keyring ({type(backend).__name__})", file=sys.stderr)
    return 0
