"""Concurrency per provider group (api_base or gateway) under a global limit. A 429 halves the group's
limit and pauses it for the server's retry-after; successes win the limit back one slot at a time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

RECOVER_AFTER = 10  # successes in a row that give a throttled group one slot back


@dataclass
class _Group:
    limit: int
    ceiling: int
    active: int = 0
    resume_at: float = 0.0
    streak: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class Throttle:
    def __init__(self, concurrency: int, per_group: int | None = None) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_group = per_group or concurrency
        self._groups: dict[str, _Group] = {}

    def _group(self, name: str) -> _Group:
        if name not in self._groups:
            self._groups[name] = _Group(self._per_group, self._per_group)
        return self._groups[name]

    def limit(self, name: str) -> int:
        return self._group(name).limit

    @asynccontextmanager
    async def slot(self, name: str) -> AsyncIterator[None]:
        group = self._group(name)
        async with group.changed:
            while True:
                wait = group.resume_at - time.monotonic()
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(group.changed.wait(), wait)
                    continue
                if group.active < group.limit:
                    break
                await group.changed.wait()
            group.active += 1
        try:
            async with self._global:
                yield
        finally:
            async with group.changed:
                group.active -= 1
                group.changed.notify(1)

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
