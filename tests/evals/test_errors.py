from pydantic import BaseModel, ValidationError

from evals.errors import InputError, OptionError, from_validation_error, unknown_value


class M(BaseModel):
    x: int


def test_input_error_renders_file_and_field():
    assert str(InputError("a.yaml", "tiers.chat", "bad")) == "a.yaml: tiers.chat: bad"
    assert str(InputError(None, None, "bad")) == "bad"
    assert str(InputError("a.yaml", None, "bad")) == "a.yaml: bad"


def test_from_validation_error_uses_the_first_location():
    try:
        M.model_validate({"x": "nope"})
    except ValidationError as exc:
        err = from_validation_error("f.yaml", exc, prefix="models.m")
    assert str(err).startswith("f.yaml: models.m.x: ")


def test_option_error_names_the_option_and_exits_2():
    err = OptionError("--stage", "stage must be 1..4, got 5")
    assert str(err) == "--stage: stage must be 1..4, got 5"
    assert (err.option, err.message, err.exit_code) == ("--stage", "stage must be 1..4, got 5", 2)


def test_unknown_value_lists_the_choices_and_suggests_a_close_one():
    tiers = ["chat", "coding", "agent"]
    assert unknown_value("tier", "codng", tiers) == (
        "unknown tier 'codng' (tiers: chat, coding, agent); did you mean 'coding'?"
    )
    assert unknown_value("tier", "zzz", tiers) == "unknown tier 'zzz' (tiers: chat, coding, agent)"
