import math

import pytest

from evals.stats import (
    beta_cdf,
    binomial_tail_at_least,
    mcnemar_one_sided,
    min_requests_for_drop,
    normal_quantile,
    prob_rate_below,
    tasks_to_settle,
)


@pytest.mark.parametrize(
    ("p", "z"),
    [
        (0.95, 1.6449),
        (0.975, 1.9600),
        (0.8, 0.8416),
        (0.5, 0.0),
        (0.05, -1.6449),
        (0.001, -3.0902),
        (0.999, 3.0902),
    ],
)
def test_normal_quantile_known_values(p, z):
    assert normal_quantile(p) == pytest.approx(z, abs=5e-5)


def test_normal_quantile_round_trips_through_the_cdf():
    for p in (1e-9, 0.01, 0.02425, 0.3, 0.97575, 0.999999):
        x = normal_quantile(p)
        assert 0.5 * math.erfc(-x / math.sqrt(2)) == pytest.approx(p, rel=1e-12)


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1])
def test_normal_quantile_rejects_out_of_range(p):
    with pytest.raises(ValueError):
        normal_quantile(p)


def test_min_requests_matches_hand_computed_formula():
    # p0=0.9, p1=0.85, p̄=0.875: (1.6449·√(2·.875·.125) + 0.8416·√(.09+.1275))² / .05² = 539.9 -> 540
    assert min_requests_for_drop(0.9, 0.05, 0.8, 0.05) == 540
    # p0=0.8, p1=0.75: (1.6449·√.34875 + 0.8416·√.3475)² / .0025 = 861.4 -> 862
    assert min_requests_for_drop(0.8, 0.05, 0.8, 0.05) == 862


def test_min_requests_moves_the_right_way():
    base = min_requests_for_drop(0.9, 0.05, 0.8, 0.05)
    assert min_requests_for_drop(0.9, 0.02, 0.8, 0.05) > base  # smaller drop: more requests
    assert min_requests_for_drop(0.9, 0.05, 0.9, 0.05) > base  # more power: more requests
    assert min_requests_for_drop(0.9, 0.05, 0.8, 0.01) > base  # stricter alpha: more requests
    assert min_requests_for_drop(1.0, 0.05, 0.8, 0.05) < base  # a perfect baseline varies less
    assert min_requests_for_drop(0.0, 0.05, 0.8, 0.05) is None  # nothing to drop from


# --- evidence for decisions: every value below is worked out by hand in its comment -------------------


def test_beta_cdf_matches_the_binomial_identity():
    # For whole a, b: I_x(a, b) = P(Binomial(a+b-1, x) >= a). a=3, b=5, x=0.3:
    # 1 - [0.7^7 + 7*0.3*0.7^6 + 21*0.3^2*0.7^5] = 1 - (0.0823543 + 0.2470629 + 0.3176523) = 0.3529305
    assert beta_cdf(0.3, 3, 5) == pytest.approx(0.3529305, abs=1e-7)
    # Beta(1/2, 1/2) is the arcsine law: I_x = (2/pi) asin(sqrt x); x=0.2 -> 0.2951672
    assert beta_cdf(0.2, 0.5, 0.5) == pytest.approx(2 / math.pi * math.asin(math.sqrt(0.2)), abs=1e-12)
    assert beta_cdf(0.0, 2, 2) == 0.0 and beta_cdf(1.0, 2, 2) == 1.0


def test_posterior_tail_counts_fractional_task_successes():
    # 2.5 successes of 4 tasks with the Jeffreys prior: Beta(3, 2); P(p < 1/2) = P(Bin(4, 1/2) >= 3) = 5/16
    assert prob_rate_below(2.5, 4, 0.5) == pytest.approx(5 / 16, abs=1e-12)
    # no evidence: the prior alone, Beta(1/2, 1/2), symmetric around 1/2
    assert prob_rate_below(0, 0, 0.5) == pytest.approx(0.5, abs=1e-12)
    with pytest.raises(ValueError):
        prob_rate_below(5, 4, 0.5)


def test_exact_mcnemar_on_discordant_tasks():
    # 2 tasks only the challenger passed, 8 only the incumbent: P(X >= 8 | n=10, 1/2) = (45+10+1)/1024
    assert mcnemar_one_sided(2, 8) == pytest.approx(56 / 1024)
    assert mcnemar_one_sided(5, 0) == 1.0  # no task the incumbent did better on: no sign of worse
    assert mcnemar_one_sided(0, 3) == pytest.approx(1 / 8)
    assert binomial_tail_at_least(0, 5) == 1.0 and binomial_tail_at_least(6, 5) == 0.0


def test_tasks_to_settle_is_the_smallest_number_that_settles():
    n = tasks_to_settle(0.9, 0.8, 0.10, have=20)
    assert prob_rate_below(0.9 * n, n, 0.8) <= 0.10 < prob_rate_below(0.9 * (n - 1), n - 1, 0.8)
    assert tasks_to_settle(0.8, 0.8, 0.10, have=20) is None  # at the gate no number of tasks settles it
    assert tasks_to_settle(1.0, 0.5, 0.10, have=50) == 50  # already settled: what it has
