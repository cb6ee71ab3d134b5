"""Concurrency per provider group (api_base or gateway) under a global limit.

A 429 halves the group's limit and pauses it for the server's retry-after; successes win the limit
back one slot at a time. The global limit also follows the event loop's own lag: when the process is
CPU-bound (LiteLLM spends milliseconds of CPU per call), more calls in flight only queue answers
behind each other's parsing and inflate every measured latency without finishing any sooner, so the
limit shrinks until the loop keeps up, and grows back when it does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

RECOVER_AFTER = 10  # successes in a row that give a throttled group one slot back
LAG_PROBE_S = 0.01  # the loop-lag probe's sleep
LAG_HIGH_S = 0.015  # smoothed lag above this: fewer calls in flight
LAG_LOW_S = 0.006  # below this: one more
MIN_GLOBAL = 6
START_GLOBAL = 8  # slow start: a burst of every slot at once is the worst queue of all


@dataclass
class _Gate:
    limit: int
    ceiling: int
    active: int = 0
    resume_at: float = 0.0
    streak: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    busy_s: float = 0.0  # the integral of `active` over time: calls in flight x seconds
    started: float = field(default_factory=time.monotonic)
    _last: float = field(default_factory=time.monotonic)

    def _tally(self) -> None:
        now = time.monotonic()
        self.busy_s += self.active * (now - self._last)
        self._last = now

    @property
    def mean_active(self) -> float:
        """Calls in flight on average since the gate was made."""
        now = time.monotonic()
        elapsed = now - self.started
        busy = self.busy_s + self.active * (now - self._last)
        return busy / elapsed if elapsed > 0 else 0.0

    async def enter(self) -> None:
        async with self.changed:
            while True:
                wait = self.resume_at - time.monotonic()
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.changed.wait(), wait)
                    continue
                if self.active < self.limit:
                    break
                await self.changed.wait()
            self._tally()
            self.active += 1

    async def leave(self) -> None:
        async with self.changed:
            self._tally()
            self.active -= 1
            self.changed.notify(1)

    async def widen(self) -> None:
        if self.limit < self.ceiling:
            async with self.changed:
                self.limit += 1
                self.changed.notify(1)


class Throttle:
    def __init__(self, concurrency: int, per_group: int | None = None) -> None:
        self._global = _Gate(min(concurrency, START_GLOBAL), concurrency)
        self._per_group = per_group or concurrency
        self._groups: dict[str, _Gate] = {}

    def _group(self, name: str) -> _Gate:
        if name not in self._groups:
            self._groups[name] = _Gate(self._per_group, self._per_group)
        return self._groups[name]

    def limit(self, name: str) -> int:
        return self._group(name).limit

    @property
    def global_limit(self) -> int:
        return self._global.limit

    @property
    def mean_in_flight(self) -> float:
        """Calls actually in flight on average: below the asked concurrency when the loop-lag governor
        held it down (a CPU-bound process) or a provider's 429s did."""
        return self._global.mean_active

    @asynccontextmanager
    async def slot(self, name: str) -> AsyncIterator[None]:
        group = self._group(name)
        await group.enter()
        try:
            await self._global.enter()
            try:
                yield
            finally:
                await self._global.leave()
        finally:
            await group.leave()

    def rate_limited(self, name: str, wait_s: float | None) -> None:
        """The server said slow down: halve the group's concurrency and hold it for `wait_s`."""
        group = self._group(name)
        group.limit = max(1, group.limit // 2)
        group.streak = 0
        if wait_s:
            group.resume_at = max(group.resume_at, time.monotonic() + wait_s)

    def succeeded(self, name: str) -> None:
        group = self._group(name)
        if group.limit < group.ceiling:
            group.streak += 1
            if group.streak >= RECOVER_AFTER:
                group.limit += 1
                group.streak = 0  # the waiter it frees is woken by the next release

    async def follow_loop_lag(self) -> None:
        """Run beside the calls (cancel it when they are done): adjusts the global limit."""
        loop = asyncio.get_running_loop()
        smoothed = 0.0
        while True:
            started = loop.time()
            await asyncio.sleep(LAG_PROBE_S)
            lag = max(0.0, loop.time() - started - LAG_PROBE_S)
            smoothed = 0.7 * smoothed + 0.3 * lag
            gate = self._global
            if smoothed > LAG_HIGH_S and gate.limit > MIN_GLOBAL:
                gate.limit = max(MIN_GLOBAL, int(gate.limit * 0.9))
            elif smoothed < LAG_LOW_S:
                await gate.widen()
