"""One run, two sources: named models called for real (e.g. a local server), the rest simulated.

Every row keeps its own provenance: the runner asks `kind_of(model)`, so a real model's rows say
`real` and the others `sim`. The run as a whole is simulated evidence (one simulated row makes a
recommendation simulated), hence `kind = "sim"`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable

from evals.providers.base import Provider
from evals.records import Response, Task


class MixedProvider:
    """Routes each call by model. Real calls take one of `real_concurrency` slots before the call
    starts, so a one-request-at-a-time server is not queued into (its latency stays its own)."""

    kind = "sim"

    def __init__(self, sim: Provider, real: Provider, real_models: Iterable[str], real_concurrency: int = 1):
        self.sim, self.real = sim, real
        self.real_models = frozenset(real_models)
        self._slots = asyncio.Semaphore(real_concurrency)
        self._token = secrets.token_hex(4)

    def kind_of(self, model: str) -> str:
        return self.real.kind if model in self.real_models else self.sim.kind

    def fingerprint(self) -> str:
        """Fresh per run: real answers are new evidence, so a rerun is never reused as the same run."""
        return f"{self.sim.fingerprint()}+real:{','.join(sorted(self.real_models))}:{self._token}"

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        if model not in self.real_models:
            return await self.sim.complete(task, model, repeat)
        async with self._slots:
            return await self.real.complete(task, model, repeat)
