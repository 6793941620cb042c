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
from agents.outcome import ErrorKind, RunEnded
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
    ) -> ModelResponse | RunEnded:
        """Send `request`, streaming text to `on_text`; a provider error ends the run as failed.

        `template` is the (name, hash) of the prompt templates behind the request, for the log.
        """
        purpose = request.purpose
        if self.budget is not None:
            try:
                if not self.budget.begin(self.stopped):
                    return RunEnded.interrupted()
            except BudgetExhausted as exc:
                return RunEnded.failed(ErrorKind.COST_CAP, exc.message)
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
            return RunEnded.failed(ErrorKind.PROVIDER, exc.message, exc.status)
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

    def check_caps(self, settings: Settings, steps: int, model_name: str) -> RunEnded | None:
        """The run's end (failed) once a cap is reached, before the next call can overspend."""
        if steps >= settings.max_steps:
            return RunEnded.failed(ErrorKind.STEP_CAP, f"stopped after {steps} model steps without an answer")
        return self.check_spend(settings, model_name)

    def check_spend(self, settings: Settings, model_name: str) -> RunEnded | None:
        """The cost and token caps alone (the summary call has no step to count)."""
        if settings.max_cost_usd is not None:
            if self.cost is None:
                return RunEnded.failed(
                    ErrorKind.COST_CAP, f"--max-cost is set but {model_name} has no known price; cost cannot be capped"
                )
            if self.cost >= settings.max_cost_usd:
                return RunEnded.failed(
                    ErrorKind.COST_CAP,
                    f"cost cap reached: {usd(self.cost)} spent of {usd(settings.max_cost_usd)} (--max-cost)",
                )
        tokens = self.usage.input_tokens + self.usage.output_tokens
        if settings.max_tokens is not None and tokens >= settings.max_tokens:
            return RunEnded.failed(ErrorKind.TOKEN_CAP, f"token cap reached: {tokens} tokens")
        return None
