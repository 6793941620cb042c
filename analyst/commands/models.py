"""`analyst models`: known providers and models, where each key comes from, and (`--check`)
whether each endpoint answers and takes its key."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from analyst.errors import EXIT_OK

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="also check whether each endpoint answers")


def run(args: argparse.Namespace, config: Config) -> int:
    return run_models(config, check=args.check)


# The endpoints the SDKs use when no base URL is configured (for display and `--check`).
PUBLIC_ENDPOINTS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def run_models(config: Config, *, check: bool, stdout: TextIO | None = None) -> int:
    """Known providers and models, and where each key comes from (never the key).

    `--check` asks each endpoint's model list with its key and says whether it answers and
    whether it takes the key; the exit code stays 0 (a provider the person does not use, such as
    a local Ollama that is not running, is not a failure of the command)."""
    stdout = stdout or sys.stdout
    from agents.models.registry import PRICES, PROVIDERS
    from analyst.keys import resolve_key
    from analyst.setting_values import shown_url

    for name, provider in PROVIDERS.items():
        if name == "scripted":
            stdout.write(
                f"{name:<10} key: not needed · no endpoint (replies are read from a JSONL file: scripted:FILE.jsonl)\n"
            )
            continue
        found = resolve_key(name, provider.key_env) if provider.needs_key else None
        if found is None:
            key = "key: not needed"
        elif found.value:
            key = f"key: {found.source}"
        else:
            key = f"key: missing (set {provider.key_env} or run `analyst keys set {name}`)"
        configured = config.values.get(f"{name}_base_url")
        base = configured or provider.default_base_url or PUBLIC_ENDPOINTS.get(name)
        shown = shown_url(base) if configured or not base else f"{base} (default)"
        line = f"{name:<10} {key} · endpoint: {shown}"
        if check and base:
            line += f" · {_probe(base, name, found, provider.key_env, provider.needs_key)}"
        stdout.write(line + "\n")
    for endpoint in config.endpoints.values():
        found = resolve_key(endpoint.name, endpoint.key_env)
        key = f"key: {found.source}" if found.value else "key: none (sent a dummy)"
        line = f"{endpoint.name:<10} {key} · endpoint: {shown_url(endpoint.base_url)} · tools: {'yes' if endpoint.tools else 'no (```sql blocks)'} · context: {endpoint.context_window or 'default'}"
        if check:
            line += f" · {_probe(endpoint.base_url, endpoint.name, found, endpoint.key_env, False)}"
        stdout.write(line + "\n")
    stdout.write("\nmodels with known prices (USD per 1M tokens in/out):\n")
    for model, (price_in, price_out) in {**PRICES, **config.prices}.items():
        stdout.write(f"  {model:<36} {price_in:>7.2f} {price_out:>7.2f}\n")
    stdout.write(f"\ndefault model: {config.model} ({_source(config.sources['model'])})\n")
    return EXIT_OK


def _source(source: str) -> str:
    """Where a setting came from, as a phrase: "config (/p/config.toml)" -> "from config /p/config.toml"."""
    if source == "default":
        return "built-in default"
    if source == "flag":
        return "from a command-line flag"
    if source.startswith("config (") and source.endswith(")"):
        return f"from config {source[len('config (') : -1]}"
    return f"from {source}"


def _key_fix(provider: str, found: Any, key_env: str | None) -> str:
    """How to put a valid key where `analyst` looks first (a set variable hides the keyring)."""
    if found is not None and found.source.startswith("env "):
        return f"set {found.source[4:]} to a valid key (it is used before the keyring), or unset it and run `analyst keys set {provider}`"
    return f"run `analyst keys set {provider}`" + (f" or set {key_env}" if key_env else "")


def _probe(base_url: str, provider: str, found: Any, key_env: str | None, needs_key: bool) -> str:
    """Ask `base_url`'s model list, with the key, and say what the answer means for the person."""
    import urllib.error
    import urllib.request

    from analyst.setting_values import shown_url

    key = found.value if found is not None else None
    if provider == "anthropic":
        url = base_url.rstrip("/") + ("/models" if base_url.rstrip("/").endswith("/v1") else "/v1/models")
        headers = {"anthropic-version": "2023-06-01", **({"x-api-key": key} if key else {})}
    else:
        url = base_url.rstrip("/") + "/models"
        headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(url, headers={"User-Agent": "analyst", **headers})
    try:
        with urllib.request.urlopen(request, timeout=3):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            fix = _key_fix(provider, found, key_env)
            if key:
                return f"key rejected (HTTP {exc.code}): the key from {found.source} is not valid here; {fix}"
            return f"reachable, but it needs a key (HTTP {exc.code}): {fix}"
        if exc.code == 404:
            return f"answers, but has no model list at {shown_url(url)} (HTTP 404): check the base URL"
        return f"answers with an error (HTTP {exc.code})"
    except (urllib.error.URLError, OSError) as exc:
        return f"unreachable ({getattr(exc, 'reason', exc)})"
    if needs_key and not key:
        return "reachable (no key to check)"
    return "reachable, key accepted" if key else "reachable"
