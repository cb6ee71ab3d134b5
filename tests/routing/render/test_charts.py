"""Charts: the Pareto frontier on plain values; SVG that is byte-identical run to run."""

from __future__ import annotations

import subprocess
import sys

from routing.render.charts import TierPoint, pareto_chart, pareto_front


def p(model, cps, success, **kw):
    return TierPoint(model, cps, success, **kw)


def test_pareto_front_keeps_models_no_other_beats_on_both_axes():
    points = [
        p("a", 0.01, 0.9),
        p("b", 0.001, 0.8),
        p("c", 0.02, 0.85),
        p("d", 0.005, 0.8),
        p("e", 0.03, 0.95),
    ]
    assert [x.model for x in pareto_front(points)] == ["b", "a", "e"]


def test_pareto_front_leaves_out_what_cannot_be_compared():
    points = [
        p("known", 0.01, 0.9),
        p("unpriced", None, 1.0),
        p("nan", float("nan"), 1.0),
        p("free", 0.0, 1.0),
    ]
    assert [x.model for x in pareto_front(points)] == ["known"]  # a zero cost cannot sit on a log axis


SCRIPT = """
from routing.render.charts import TierPoint, pareto_chart
pts = [TierPoint("v/a", 0.01, 0.9, 0.8, 0.95, incumbent=True), TierPoint("v/b$", 0.001, 0.8, proposed=True)]
print(pareto_chart("chat", pts), end="")
"""


def test_svg_is_byte_identical_across_processes_and_dateless():
    runs = [
        subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    svg = runs[0]
    assert svg.startswith("<svg ") and "<dc:date>" not in svg
    assert "incumbent: a" in svg and "proposed: b$" in svg  # text kept as text, no math parsing
    assert "http://" not in svg.replace("http://www.w3.org/", "").replace("http://purl.org/", "").replace(
        "http://creativecommons.org/", ""
    )


def test_chart_ids_differ_between_charts_on_one_page():
    a = pareto_chart("chat", [p("v/a", 0.01, 0.9)])
    b = pareto_chart("coding", [p("v/a", 0.01, 0.9)])
    ids = lambda svg: {part.split('"')[0] for part in svg.split(' id="')[1:]}  # noqa: E731
    assert ids(a) and not (ids(a) & ids(b))
