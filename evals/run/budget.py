"""The budget guard: every call is reserved at a conservative estimate before it is made, and settled
at its real cost (or, when that is unknown, at its estimate) after. Spend counts every attempt."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Budget:
    """`cap` None: no cap. Single event loop, no await inside: reserve/settle need no lock."""

    cap: float | None = None
    spent: float = 0.0  # known costs, plus the estimate of each attempt whose cost is unknown
    estimated: float = 0.0  # the part of `spent` that is estimates, not known costs
    reserved: float = 0.0
    unguarded: int = 0  # attempts with neither a known cost nor an estimate (unpriced, allowed)
    skipped: int = 0
    skipped_usd: float = 0.0  # estimated cost of the attempts not run

    @property
    def known(self) -> float:
        """What the calls whose cost is known cost: `spent` without the estimates it counts."""
        return self.spent - self.estimated

    def reserve(self, estimate: float | None) -> bool:
        """Whether a call estimated at `estimate` may start. With no estimate, only a cap above 0
        lets it run (a cap of 0 allows no call that may cost anything)."""
        if self.cap is not None:
            if estimate is None and self.cap <= 0:
                return False
            if estimate is not None and self.spent + self.reserved + estimate > self.cap:
                return False
        self.reserved += estimate or 0.0
        return True

    def settle(self, estimate: float | None, cost: float | None) -> None:
        self.reserved -= estimate or 0.0
        if cost is not None:
            self.spent += cost
        elif estimate is not None:
            self.spent += estimate
            self.estimated += estimate
        else:
            self.unguarded += 1

    def skip(self, estimate: float | None) -> None:
        self.skipped += 1
        self.skipped_usd += estimate or 0.0
