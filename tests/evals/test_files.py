import os

from evals.files import atomic_write, dump_yaml


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["f.txt"]


def test_dump_yaml_keeps_order_and_has_no_aliases():
    shared = ["x"]
    text = dump_yaml({"b": shared, "a": shared})
    assert text.index("b:") < text.index("a:")
    assert "&" not in text and "*" not in text
