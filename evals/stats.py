"""Small statistics for decisions and rollout sizing, with no scipy: z values and sample sizes."""

from __future__ import annotations

import math

# Acklam's coefficients: numerators and denominators of the central and tail rational functions.
# fmt: off
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01, 1.0)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00, 1.0)
# fmt: on
_P_LOW = 0.02425


def _horner(coeffs: tuple[float, ...], x: float) -> float:
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


def normal_quantile(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation plus one Halley refinement step).

    Accurate to ~1e-15 after refinement; no scipy needed for a handful of z values.
    """
    if not 0 < p < 1:
        raise ValueError(f"normal_quantile needs 0 < p < 1, got {p}")
    if p > 1 - _P_LOW:
        return -normal_quantile(1 - p)
    if p < _P_LOW:
        q = math.sqrt(-2 * math.log(p))
        x = _horner(_C, q) / _horner(_D, q)
    else:
        q = p - 0.5
        x = q * _horner(_A, q * q) / _horner(_B, q * q)
    # Halley step against the exact CDF Phi(x) = erfc(-x / sqrt 2) / 2.
    e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
    u = e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    return x - u / (1 + x * u / 2)


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
