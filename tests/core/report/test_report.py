"""The HTML report: self-contained, escaped, and its tables show the JSON's numbers."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.report import build_report, report_data, write_report
from labeler.core.report.html import fmt, render_html
from labeler.core.store import Project
from tests.core.agreement.labeled import DENT, SCRATCH, Labeled, label_project


class Tables(HTMLParser):
    """Collects every table's rows of cell texts by table id, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "script":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_script:
            self.scripts.append(data)


def parse(document: str) -> Tables:
    parser = Tables()
    parser.feed(document)
    return parser


@pytest.fixture
def labeled(project_with_images: Project) -> Labeled:
    labeled = label_project(project_with_images)
    project = labeled.project
    run = project.start_model_run("0" * 64, "detector <v2>", {}, "cpu")
    img0, img1, _ = labeled.images
    project.add_predictions(run.id, img0, [(SCRATCH, Box(10, 10, 50, 50), 0.9)])
    project.add_predictions(run.id, img1, [(DENT, Box(20, 20, 60, 60), 0.8)])
    project.finish_model_run(run.id)
    return labeled


def test_report_is_self_contained(labeled: Labeled) -> None:
    document = build_report(labeled.project)
    parsed = parse(document)
    tags = {tag for tag, _ in parsed.tags}
    assert {"svg", "table", "style"} <= tags
    assert not tags & {"img", "link", "iframe", "object", "embed"}
    assert all(a.get("type") == "application/json" for t, a in parsed.tags if t == "script")
    assert not any(
        "src" in a or ("href" in a and not a["href"].startswith("#")) for _, a in parsed.tags
    )
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", document))
    assert urls <= {"http://www.w3.org/2000/svg"}
    for section in ("summary", "agreement", "disagreements", "diagnosis"):
        assert f'<section id="{section}">' in document


def test_tables_show_the_json_numbers(labeled: Labeled) -> None:
    data = report_data(labeled.project)
    parsed = parse(render_html(data))
    pairs = parsed.tables["agreement-pairs"][1:]
    expected = data["agreement"]["objects"]["pairs"]
    assert [row[0] for row in pairs] == [f"{p['a']} / {p['b']}" for p in expected]
    assert [row[1] for row in pairs] == [fmt(p["f1"]["value"]) for p in expected]
    people = {row[0]: row for row in parsed.tables["agreement-people"][1:]}
    for person in data["agreement"]["people"]:
        assert people[person["name"]][2] == fmt(person["vs_consensus"]["f1"]["value"])
    metrics = {row[0]: row[1] for row in parsed.tables["diagnosis-metrics"][1:]}
    assert metrics == {k: fmt(v) for k, v in data["diagnosis"]["metrics"].items()}
    classes = parsed.tables["diagnosis-classes"][1:]
    assert [r[1] for r in classes] == [fmt(c["ap"]) for c in data["diagnosis"]["per_class"]]
    errors = {(r[0], r[1]): r[2] for r in parsed.tables["diagnosis-errors"][1:]}
    fps, fns = data["diagnosis"]["false_positives"], data["diagnosis"]["false_negatives"]
    assert errors["false positives", "all"] == str(fps["total"])
    assert errors["false negatives", "all"] == str(fns["total"])
    for reason, n in fns["by_reason"].items():
        assert errors["false negatives", reason] == str(n)
    types = dict(parsed.tables["disagreements-types"][1:])
    assert types == {k: str(v) for k, v in data["disagreements"]["by_type"].items()}
    assert sum(data["disagreements"]["by_type"].values()) == data["disagreements"]["total"] == 10
    embedded = json.loads("".join(parsed.scripts))
    assert embedded == json.loads(json.dumps(data))


def test_user_text_is_escaped(labeled: Labeled) -> None:
    project = labeled.project
    project.add_class("<script>alert(1)</script>", "box")
    project.add_person('O\'Brien "<b>"', organization="<i>vendor</i>")
    document = build_report(project)
    assert "<script>alert(1)</script>" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "<i>vendor</i>" not in document and '"<b>"' not in document
    assert "detector &lt;v2&gt;" in document


def test_without_a_model_run(project_with_images: Project, tmp_path: Path) -> None:
    label_project(project_with_images)
    out = write_report(project_with_images, tmp_path / "report.html")
    document = out.read_text(encoding="utf-8")
    assert "The project has no model run." in document
    assert 'id="diagnosis-metrics"' not in document
    with pytest.raises(LabelerError, match="folder"):
        write_report(project_with_images, tmp_path / "missing" / "r.html")


def test_unknown_run(labeled: Labeled) -> None:
    with pytest.raises(LabelerError, match=r"runs: 1 \(detector <v2>\)"):
        report_data(labeled.project, run_id=9)


def test_an_interrupted_run_is_never_the_default(labeled: Labeled) -> None:
    project = labeled.project
    complete = project.latest_complete_run()
    assert complete is not None
    partial = project.start_model_run("1" * 64, "detector <v3>", {}, "cpu")
    project.add_predictions(partial.id, labeled.images[0], [(SCRATCH, Box(1, 1, 9, 9), 0.5)])
    data = report_data(project)
    assert data["diagnosis"]["run"]["id"] == complete.id
    assert data["diagnosis"]["run_choice"] == "the latest complete run"
    html = render_html(data)
    assert "is the latest complete run" in html and "incomplete" in html
