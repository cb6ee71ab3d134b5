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


# --- evidence for decisions: posterior tails, paired tests, sample sizes ----------------------------------

JEFFREYS = (0.5, 0.5)  # Beta prior: uninformative, and well calibrated for binomial tails


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b): P(X <= x) for X ~ Beta(a, b).

    Lentz's continued fraction (Numerical Recipes 6.4), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
    where it converges faster; accurate to ~1e-12 for the a, b of a few thousand tasks.
    """
    if a <= 0 or b <= 0:
        raise ValueError(f"beta_cdf needs a, b > 0, got {a}, {b}")
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float, tiny: float = 1e-300) -> float:
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def prob_rate_below(successes: float, trials: float, threshold: float) -> float:
    """Posterior chance that a true rate is below `threshold` after `successes` of `trials`.

    Beta-Binomial with the Jeffreys prior. Counts may be fractional: a task answered right in 3 of 4
    repeats counts 0.75 of one success, so evidence is counted per task, not per attempt.
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    a, b = JEFFREYS
    return beta_cdf(threshold, a + successes, b + trials - successes)


def binomial_tail_at_least(k: int, n: int, p: float = 0.5) -> float:
    """P(X >= k) for X ~ Binomial(n, p): exact, by summing the terms."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def mcnemar_one_sided(wins: int, losses: int) -> float:
    """Exact McNemar p-value that the first model is worse: P(losses or more | discordant pairs, 1/2).

    `wins` are tasks only the first model passed, `losses` tasks only the other passed; tasks both or
    neither passed carry no information about which is better.
    """
    return binomial_tail_at_least(losses, wins + losses)


def tasks_to_settle(
    rate: float, threshold: float, risk: float, have: float, cap: int = 100_000
) -> int | None:
    """How many tasks in all would bring P(true rate < threshold) within `risk`, if `rate` held.

    None when no number of tasks would (the observed rate is not above the threshold).
    """
    if rate <= threshold:
        return None

    def settled(n: float) -> bool:
        return prob_rate_below(rate * n, n, threshold) <= risk

    low = max(1, math.ceil(have))
    if settled(low):
        return low
    high = low
    while not settled(high):
        if high >= cap:
            return None
        high = min(cap, high * 2)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if settled(mid) else (mid, high)
    return high
