from pydantic import BaseModel, ValidationError

from evals.errors import InputError, from_validation_error


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
