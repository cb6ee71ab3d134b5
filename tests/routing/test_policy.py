import pytest

from evals.errors import InputError
from routing.policy import GrayShare, Policy, TierPolicy, dump_policy, load_policy, parse_policy, write_policy


def test_shipped_current_policy_validates(repo):
    policy = load_policy(repo / "policies/current.yaml")
    assert policy.tiers["coding"].primary
    assert policy.meta.generated_at == "2026-04-20T09:00:00Z"


def test_round_trip_is_stable(tmp_path):
    policy = Policy(
        version=1,
        tiers={"chat": TierPolicy(primary="a", fallbacks=["b"], gray=[GrayShare(model="c", share=0.05)])},
    )
    path = write_policy(policy, tmp_path / "p.yaml")
    again = load_policy(path)
    assert again == policy
    assert dump_policy(again) == path.read_text()


@pytest.mark.parametrize(
    ("tier", "message"),
    [
        ({"primary": "a", "fallbacks": ["a"]}, "also listed in fallbacks"),
        ({"primary": "a", "gray": [{"model": "a", "share": 0.05}]}, "also a gray model"),
        ({"primary": "a", "gray": [{"model": "b", "share": 0.9}]}, "less than or equal to 0.5"),
        ({"primary": "a", "primry": "b"}, "Extra inputs"),
    ],
)
def test_invalid_tier_names_field(tier, message):
    with pytest.raises(InputError) as err:
        parse_policy({"version": 1, "tiers": {"chat": tier}}, "policies/x.yaml")
    text = str(err.value)
    assert text.startswith("policies/x.yaml: tiers.chat")
    assert message in text


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")
