import math

import pytest

from evals.stats import min_requests_for_drop, normal_quantile


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
