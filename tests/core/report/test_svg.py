"""The small SVG chart helpers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labeler.core.report.svg import bar_chart, heatmap, line_chart

NS = "{http://www.w3.org/2000/svg}"


def test_bar_chart_draws_one_bar_per_value_and_na() -> None:
    svg = bar_chart([("a<b", 0.5), ("c", None), ("d", 1.0)], "F1 & more")
    root = ET.fromstring(svg)  # well-formed, escaped
    bars = [r for r in root.iter(f"{NS}rect")]
    assert len(bars) == 2
    assert float(bars[1].get("width")) == 2 * float(bars[0].get("width"))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "a<b" in texts and "n/a" in texts and root.get("aria-label") == "F1 & more"


def test_line_chart_and_heatmap() -> None:
    root = ET.fromstring(
        line_chart([("x", [0, 0.5, 1], [1, 0.8, 0.2]), ("y", [0, 1], [1, 0])], "pr")
    )
    assert len(list(root.iter(f"{NS}polyline"))) == 2
    root = ET.fromstring(heatmap(["a", "b", "background"], [[3, 1, 0], [0, 2, 1], [1, 0, 0]], "cm"))
    cells = list(root.iter(f"{NS}rect"))
    assert len(cells) == 9
    assert cells[0].get("fill") != cells[2].get("fill")  # 3 of 4 is darker than 0
