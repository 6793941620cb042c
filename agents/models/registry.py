"""Model names (`provider:model`), what each provider needs, prices, and the factory.

The shell resolves keys and base URLs (only it reads the environment) and hands them here; this
module turns a name plus those values into a Model, importing an SDK only when it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents.models.base import Model, Usage


@dataclass(frozen=True)
class Provider:
    name: str
    key_env: str | None  # environment variable holding the key, if the provider needs one
    default_base_url: str | None
    needs_key: bool


PROVIDERS: dict[str, Provider] = {
    "openai": Provider("openai", "OPENAI_API_KEY", None, True),
    "anthropic": Provider("anthropic", "ANTHROPIC_API_KEY", None, True),
    "ollama": Provider("ollama", None, "http://localhost:11434/v1", False),
    "scripted": Provider("scripted", None, None, False),
}

# USD per million tokens (input, output). Overridable in config; unknown models cost `None`.
PRICES: dict[str, tuple[float, float]] = {
    "openai:gpt-4.1": (2.00, 8.00),
    "openai:gpt-4.1-mini": (0.40, 1.60),
    "openai:gpt-4.1-nano": (0.10, 0.40),
    "openai:gpt-4o": (2.50, 10.00),
    "openai:gpt-4o-mini": (0.15, 0.60),
    "openai:o4-mini": (1.10, 4.40),
    "openai:gpt-5": (1.25, 10.00),
    "openai:gpt-5-mini": (0.25, 2.00),
    "openai:gpt-5-nano": (0.05, 0.40),
    "anthropic:claude-sonnet-4-5": (3.00, 15.00),
    "anthropic:claude-opus-4-1": (15.00, 75.00),
    "anthropic:claude-haiku-4-5": (1.00, 5.00),
    "anthropic:claude-3-5-haiku-latest": (0.80, 4.00),
}

CONTEXT_WINDOWS: dict[str, int] = {
    "openai:gpt-4.1": 1_047_576,
    "openai:gpt-4.1-mini": 1_047_576,
    "openai:gpt-4.1-nano": 1_047_576,
    "openai:gpt-4o": 128_000,
    "openai:gpt-4o-mini": 128_000,
    "anthropic:claude-sonnet-4-5": 200_000,
    "anthropic:claude-haiku-4-5": 200_000,
    "anthropic:claude-opus-4-1": 200_000,
}
DEFAULT_CONTEXT_WINDOW = 32_000  # conservative for unknown (often local) models


class ModelNameError(ValueError):
    """A model name that is not `provider:model` with a known provider."""


@dataclass(frozen=True)
class ModelName:
    provider: str
    model: str

    @property
    def full(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model_name(name: str, extra_providers: tuple[str, ...] = ()) -> ModelName:
    """Split `provider:model`, naming the known providers when the name is wrong."""
    provider, sep, model = name.partition(":")
    known = tuple(PROVIDERS) + extra_providers
    if not sep or not model or not provider:
        raise ModelNameError(
            f"model name {name!r} is not provider:model — use e.g. openai:gpt-4.1-mini, "
            f"anthropic:claude-sonnet-4-5, ollama:sqlcoder or scripted:FILE.jsonl"
        )
    if provider not in known:
        raise ModelNameError(f"unknown model provider {provider!r} in {name!r}; known: {', '.join(known)}")
    return ModelName(provider, model)


def cost_usd(name: str, usage: Usage | None, prices: dict[str, tuple[float, float]] | None = None) -> float | None:
    """Cost of one call, or None when the model's price is unknown (never guessed)."""
    table = prices if prices is not None else PRICES
    if usage is None or name not in table:
        return None
    price_in, price_out = table[name]
    return round(usage.input_tokens * price_in / 1e6 + usage.output_tokens * price_out / 1e6, 8)


def context_window(name: str) -> int:
    return CONTEXT_WINDOWS.get(name, DEFAULT_CONTEXT_WINDOW)


def create_model(
    name: ModelName,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float = 60.0,
    max_retries: int = 2,
    supports_tools: bool = True,
    stream: bool = False,
    context_window_tokens: int | None = None,
) -> Model:
    """Build the adapter for a parsed name; the SDK is imported here, on first use."""
    window = context_window_tokens or context_window(name.full)
    if name.provider == "scripted":
        from agents.models.scripted import ScriptedModel

        scripted = ScriptedModel.from_file(Path(name.model))
        scripted.supports_tools = supports_tools
        return scripted
    if name.provider in ("openai", "ollama") or name.provider not in PROVIDERS:
        from agents.models.openai_model import OpenAIModel

        provider = PROVIDERS.get(name.provider)
        return OpenAIModel(
            name.full,
            name.model,
            api_key=api_key or "not-needed",
            base_url=base_url or (provider.default_base_url if provider else None),
            timeout=timeout,
            max_retries=max_retries,
            supports_tools=supports_tools,
            context_window=window,
            stream=stream,
        )
    if name.provider == "anthropic":
        from agents.models.anthropic_model import AnthropicModel

        return AnthropicModel(
            name.full,
            name.model,
            api_key=api_key or "",
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            context_window=window,
            stream=stream,
        )
    raise ModelNameError(f"no adapter for provider {name.provider!r}")
