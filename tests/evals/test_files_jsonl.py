import pytest

from evals.errors import InputError
from evals.files import read_objects, require


def test_skips_blank_lines_and_counts_real_line_numbers(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\n')
    assert list(read_objects(path, "x")) == [(1, {"a": 1}), (3, {"a": 2})]


@pytest.mark.parametrize(
    ("text", "message"), [("[1]\n", "line 1: expected a JSON object"), ("{x\n", "line 1: invalid JSON")]
)
def test_bad_lines(tmp_path, text, message):
    path = tmp_path / "x.jsonl"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        list(read_objects(path, "x"))


def test_missing_file_and_required_fields(tmp_path):
    with pytest.raises(InputError, match="results file not found"):
        list(read_objects(tmp_path / "nope.jsonl", "results"))
    with pytest.raises(InputError, match="line 4: model: required"):
        require("f.jsonl", 4, {"model": ""}, ("model",))
