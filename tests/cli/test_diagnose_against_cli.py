"""``labeler diagnose --model A --against B`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from tests.core.diagnosis.two_runs import TwoRuns, make_two_runs


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    return make_two_runs(tmp_path)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_by_id_and_by_name(two: TwoRuns, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(two.path)
    by_id = _json(capsys, "diagnose", path, "--model", "1", "--against", "2")
    by_name = _json(capsys, "diagnose", path, "--model", "strong", "--against", "weak")
    assert by_id == by_name
    assert by_id["images"]["covered_by_both"] == 4 and by_id["images"]["compared"] == 4
    crack = next(r for r in by_id["per_class"] if r["class"] == "crack")
    assert crack["ap_delta"] == 1.0
    assert by_id["image_changes"]["regressed"]["items"][0]["image"] == "images/img2.png"
    # the weak run covered only the 4 shared images: alone, it gets the same numbers
    single = _json(capsys, "diagnose", path, "--model", "2")
    assert single["images_evaluated"] == 4
    for row in by_id["metrics"]:
        assert row["b"] == single["metrics"][row["metric"]]


def test_table_names_what_changed(two: TwoRuns, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(two.path), "--model", "1", "--against", "2"]) == 0
    out = capsys.readouterr().out
    assert "A covered 5 images, B 4, both 4" in out
    assert "Improved (fewer errors with A): 2" in out
    assert "images/img3.png  errors 2 → 0" in out
    assert "1 / 0 (+1)" in out  # the crack: found by A, not by B


def test_imported_predictions_compare_like_any_run(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = [
        {"id": i + 1, "file_name": f"img{i}.png", "width": 160, "height": 120} for i in range(4)
    ]
    boxes = {
        1: [(1, [10, 10, 40, 40]), (2, [80, 20, 40, 40])],
        2: [(3, [20, 20, 40, 40])],
        3: [(1, [0, 0, 40, 40])],
        4: [(1, [10, 10, 40, 40]), (3, [60, 60, 40, 40])],
    }
    annotations = [
        {"id": n, "image_id": image, "category_id": c, "bbox": box, "score": 0.9}
        for n, (image, c, box) in enumerate(
            ((i, c, b) for i, found in boxes.items() for c, b in found), start=1
        )
    ]
    categories = [
        {"id": 1, "name": "scratch"},
        {"id": 2, "name": "crack"},
        {"id": 3, "name": "dent"},
    ]
    file = tmp_path / "external.json"
    file.write_text(
        json.dumps({"images": images, "categories": categories, "annotations": annotations}),
        encoding="utf-8",
    )
    assert (
        main(
            [
                "import",
                str(two.path),
                "--predictions",
                str(file),
                "--format",
                "coco",
                "--model-name",
                "external",
                "--json",
            ]
        )
        == 0
    )
    data = _json(capsys, "diagnose", str(two.path), "--model", "external", "--against", "weak")
    assert data["a"]["model"] == "external" and data["images"]["compared"] == 4
    ap = next(r for r in data["metrics"] if r["metric"] == "AP")
    assert ap["a"] == 1.0  # every object found exactly
    assert data["image_changes"]["regressed"]["total"] == 0


def test_user_errors_exit_2(two: TwoRuns, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(two.path), "--model", "1", "--against", "strong"]) == 2
    assert "both name run 1" in capsys.readouterr().err
    assert main(["diagnose", str(two.path), "--model", "1", "--against", "9"]) == 2
    assert "no model run with id 9" in capsys.readouterr().err


def test_report_has_a_self_contained_compare_section(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    argv = ["report", str(two.path), str(out), "--model", "strong", "--against", "weak"]
    assert main(argv) == 0
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="compare">') :]
    section = section[: section.index("</section>")]
    assert "A: run 1 strong" in section and "B: run 2 weak" in section
    assert 'id="compare-regressed"' in section and "errors 0 → 1; new: FN scratch missed" in section
    assert section.count("<svg") == 5  # two PR charts, two matrices, their difference
    assert "stroke-dasharray" in section
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script src" not in html and "<link" not in html
    data = json.loads(html[html.index('id="report-data">') + 17 : html.rindex("</script>")])
    assert data["comparison"]["images"]["compared"] == 4
    assert main(["report", str(two.path), str(out), "--force"]) == 0
    assert 'id="compare"' not in out.read_text(encoding="utf-8")
