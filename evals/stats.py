"""Small statistics for decisions and rollout sizing, on the standard library: z values and sample sizes."""

from __future__ import annotations

import math
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()


def normal_quantile(p: float) -> float:
    """Inverse standard normal CDF (the stdlib's, exact to float precision)."""
    if not 0 < p < 1:
        raise ValueError(f"normal_quantile needs 0 < p < 1, got {p}")
    return _STANDARD_NORMAL.inv_cdf(p)


def min_requests_for_drop(baseline: float, drop: float, power: float, alpha: float) -> int | None:
    """Requests to the candidate needed to detect a success-rate drop of `drop` below `baseline`.

    Standard two-proportion normal-approximation sample size per group, one-sided test:

        p0 = baseline, p1 = baseline - drop, p̄ = (p0 + p1) / 2
        n  = ( z_{1-α} · sqrt(2 · p̄ · (1 - p̄)) + z_{power} · sqrt(p0·(1-p0) + p1·(1-p1)) )² / drop²

    rounded up. It assumes as many incumbent requests as candidate ones; during a gray stage the
    incumbent gets far more, so this is conservative. A baseline below `drop` is sized for a drop to
    0; None when no drop is detectable (baseline 0).
    """
    p0 = min(max(baseline, 0.0), 1.0)
    p1 = max(p0 - drop, 0.0)
    delta = p0 - p1
    if delta <= 0:
        return None
    z_alpha = normal_quantile(1 - alpha)
    z_beta = normal_quantile(power)
    p_bar = (p0 + p1) / 2
    root = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_beta * math.sqrt(p0 * (1 - p0) + p1 * (1 - p1))
    # Round before the ceiling so float noise (540.0000000001) does not add a request.
    return max(1, math.ceil(round(root * root / (delta * delta), 6)))
