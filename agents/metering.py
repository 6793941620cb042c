"""Model calls as the loop makes them: logged as events, priced, and counted against the caps.

The totals span the whole conversation, not one turn, so `--max-cost` and `--max-tokens` hold
across follow-up questions. A model with no known price makes the cost unknown (`None`) from then
on, and a cost cap then refuses to go on rather than guess. Every call - the summary too - is
checked against the caps before it is sent; in a batch or eval run the run-wide `Budget` (shared
by concurrent sessions) is asked as well.
"""

from __future__ import annotations

from collections.abc import Callable

from agents.budget import Budget, BudgetExhausted, usd
from agents.events import Event, ModelCalled, ModelFailed, ModelResponded
from agents.models.base import Model, ModelRequest, ModelResponse, ProviderError, Usage
from agents.models.registry import cost_usd
from agents.outcome import RunEnded
from agents.settings import Settings


class Meter:
    """The running usage and cost of one conversation's model calls."""

    def __init__(
        self, emit: Callable[[Event], None], budget: Budget | None = None, stopped: Callable[[], bool] = lambda: False
    ) -> None:
        self.emit = emit
        self.budget = budget
        self.stopped = stopped  # the conversation was interrupted: stop waiting for budget room
        self.usage = Usage()
        self.cost: float | None = 0.0

    def call(
        self,
        model: Model,
        request: ModelRequest,
        template: tuple[str, str],
        prices: dict[str, tuple[float, float]] | None,
        on_text: Callable[[str, str], None] | None,
    ) -> ModelResponse:
        """Send `request`, streaming text to `on_text`; a provider error ends the run as failed.

        `template` is the (name, hash) of the prompt templates behind the request, for the log.
        """
        purpose = request.purpose
        if self.budget is not None:
            try:
                if not self.budget.begin(self.stopped):
                    raise RunEnded("interrupted", "interrupted", "interrupted by the user")
            except BudgetExhausted as exc:
                raise RunEnded("failed", "cost_cap", exc.message) from None
        call_cost: float | None = None
        called = False
        try:
            self.emit(ModelCalled(purpose, template[0], template[1], model.name, len(request.messages)))
            stream = (lambda delta: on_text(purpose, delta)) if on_text else None
            response = model.complete(request, stream)
            called = True
            call_cost = cost_usd(model.name, response.usage, prices)
        except ProviderError as exc:
            self.emit(ModelFailed(purpose, exc.message, exc.status))
            raise RunEnded("failed", "provider", exc.message, exc.status) from None
        finally:
            if self.budget is not None:
                self.budget.end(call_cost, model.name, called=called)
        if response.usage is not None:
            self.usage = self.usage + response.usage
        if call_cost is None or self.cost is None:
            self.cost = None
        else:
            self.cost = round(self.cost + call_cost, 8)
        self.emit(
            ModelResponded(
                purpose,
                response.text,
                [c.to_json() for c in response.tool_calls],
                response.usage.to_json() if response.usage else None,
                call_cost,
                response.stop_reason,
                round(response.latency_ms, 3),
            )
        )
        return response

    def check_caps(self, settings: Settings, steps: int, model_name: str) -> None:
        """End the run as failed once a cap is reached, before the next call can overspend."""
        if steps >= settings.max_steps:
            raise RunEnded("failed", "step_cap", f"stopped after {steps} model steps without an answer")
        self.check_spend(settings, model_name)

    def check_spend(self, settings: Settings, model_name: str) -> None:
        """The cost and token caps alone (the summary call has no step to count)."""
        if settings.max_cost_usd is not None:
            if self.cost is None:
                raise RunEnded(
                    "failed",
                    "cost_cap",
                    f"--max-cost is set but {model_name} has no known price; cost cannot be capped",
                )
            if self.cost >= settings.max_cost_usd:
                raise RunEnded(
                    "failed",
                    "cost_cap",
                    f"cost cap reached: {usd(self.cost)} spent of {usd(settings.max_cost_usd)} (--max-cost)",
                )
        if (
            settings.max_tokens is not None
            and self.usage.input_tokens + self.usage.output_tokens >= settings.max_tokens
        ):
            raise RunEnded(
                "failed", "token_cap", f"token cap reached: {self.usage.input_tokens + self.usage.output_tokens} tokens"
            )
