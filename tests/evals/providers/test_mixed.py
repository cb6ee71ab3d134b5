"""MixedProvider: real calls for the named models, simulated for the rest, each row with its own kind."""

from __future__ import annotations

import asyncio

from evals.providers.mixed import MixedProvider
from evals.records import Reference, Response, Task
from evals.run.runner import row_kind

TASK = Task(
    id="chat/t", tier="chat", messages=[{"role": "user", "content": "hi"}], checks=[{"contains": "x"}],
    reference=Reference(content="x"),
)  # fmt: skip


class Fake:
    def __init__(self, kind: str, delay: float = 0.0) -> None:
        self.kind, self.delay = kind, delay
        self.calls: list[str] = []
        self.in_flight = self.most_in_flight = 0

    def fingerprint(self) -> str:
        return f"fp-{self.kind}"

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        self.calls.append(model)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(self.delay)
        self.in_flight -= 1
        return Response(content=f"{self.kind}:{model}")


def test_calls_go_to_the_provider_of_their_model_and_rows_keep_their_kind():
    sim, real = Fake("sim"), Fake("real")
    mixed = MixedProvider(sim, real, ["local/m"])

    async def both() -> list[Response]:
        return [await mixed.complete(TASK, "local/m", 0), await mixed.complete(TASK, "vendor/x", 0)]

    answers = asyncio.run(both())
    assert [a.content for a in answers] == ["real:local/m", "sim:vendor/x"]
    assert real.calls == ["local/m"] and sim.calls == ["vendor/x"]
    assert row_kind(mixed, "local/m") == "real" and row_kind(mixed, "vendor/x") == "sim"
    assert row_kind(sim, "anything") == "sim"  # a plain provider labels every row with its kind
    assert mixed.kind == "sim"  # one simulated row makes the run simulated evidence


def test_real_calls_wait_for_a_slot_so_a_one_request_server_is_never_queued_into():
    sim, real = Fake("sim", delay=0.01), Fake("real", delay=0.01)
    mixed = MixedProvider(sim, real, ["local/m"], real_concurrency=1)

    async def many() -> None:
        await asyncio.gather(*(mixed.complete(TASK, m, r) for r in range(5) for m in ("local/m", "vendor/x")))

    asyncio.run(many())
    assert real.most_in_flight == 1
    assert sim.most_in_flight == 5  # the simulated side keeps the run's own concurrency


def test_each_mixed_run_is_new_evidence():
    one = MixedProvider(Fake("sim"), Fake("real"), ["local/m"])
    two = MixedProvider(Fake("sim"), Fake("real"), ["local/m"])
    assert one.fingerprint() != two.fingerprint()
    assert one.fingerprint().startswith("fp-sim+real:local/m:")
