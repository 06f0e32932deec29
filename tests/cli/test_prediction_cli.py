"""``labeler import --predictions`` and ``--model NAME`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.run_lookup import UnknownModelRunError, resolve_model_run
from labeler.core.store import Project
from tests.core.conftest import write_image


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    for i in range(3):
        write_image(tmp_path / "images" / f"img{i}.png", seed=i)
    path = tmp_path / "p.labeler"
    assert main(["init", str(path), "--classes", "scratch,crack"]) == 0
    assert main(["import", str(path), str(tmp_path / "images"), "--json"]) == 0
    return path


def write_predictions(tmp_path: Path, score: float = 0.9, name: str = "preds.json") -> Path:
    images = [
        {"id": i + 1, "file_name": f"img{i}.png", "width": 160, "height": 120} for i in range(3)
    ]
    data = {
        "images": images,
        "categories": [{"id": 1, "name": "scratch"}, {"id": 2, "name": "rust"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 40, 40], "score": score},
            {"id": 2, "image_id": 2, "category_id": 2, "bbox": [0, 0, 5, 5], "score": 0.5},
        ],
    }
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def import_json(project: Path, predictions: Path, name: str, capsys) -> dict:
    capsys.readouterr()
    argv = [
        "import",
        str(project),
        "--predictions",
        str(predictions),
        "--format",
        "coco",
        "--model-name",
        name,
        "--json",
    ]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)["predictions"]


def test_import_predictions_json_gives_the_run(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = import_json(project_file, write_predictions(tmp_path), "detector", capsys)
    assert data["run_id"] == 1 and data["images_covered"] == 3 and data["predictions"] == 1
    assert data["unknown_class_predictions"] == 1
    assert data["files"][0]["unknown_classes"] == {"rust": 1}
    with Project.open(project_file) as project:
        run = project.model_run(data["run_id"])
        assert run.finished_at is not None and run.image_count == 3


def test_import_predictions_text_reports_per_file(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_predictions(tmp_path)
    capsys.readouterr()
    argv = [
        "import",
        str(project_file),
        "--predictions",
        str(path),
        "--format",
        "coco",
        "--model-name",
        "det[/]",
    ]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "model run 1 (det[/])" in out and "3 images covered (1 with detections)" in out
    assert "unknown class" in err and "'rust' is not a project class, 1 prediction skipped" in err


def test_bad_field_exits_2_and_stores_nothing(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_predictions(tmp_path)
    data = json.loads(path.read_text())
    del data["annotations"][1]["score"]
    path.write_text(json.dumps(data))
    argv = [
        "import",
        str(project_file),
        "--predictions",
        str(path),
        "--format",
        "coco",
        "--model-name",
        "m",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "annotations[1].score" in err and "missing 'score'" in err and "Traceback" not in err
    with Project.open(project_file) as project:
        assert project.model_runs() == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "coco"], "--model-name"),
        (["--format", "voc", "--model-name", "m"], "--format coco|yolo"),
    ],
)
def test_incomplete_options_exit_2(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str], extra, message
) -> None:
    path = write_predictions(tmp_path)
    assert main(["import", str(project_file), "--predictions", str(path), *extra]) == 2
    assert message in capsys.readouterr().err


def test_model_by_name_is_the_latest_complete_run(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_json(project_file, write_predictions(tmp_path, 0.9, "a.json"), "detector", capsys)
    second = import_json(
        project_file, write_predictions(tmp_path, 0.8, "b.json"), "detector", capsys
    )
    with Project.open(project_file) as project:
        unfinished = project.start_model_run("f" * 64, "detector", {}, "cpu")  # interrupted
        image = project.find_image("img0.png")
        project.add_predictions(unfinished.id, image.id, [(1, Box(0, 0, 9, 9), 0.3)])
        assert resolve_model_run(project, "detector") == second["run_id"]
        assert resolve_model_run(project, str(unfinished.id)) == unfinished.id
        with pytest.raises(UnknownModelRunError, match="no model run with id or model name"):
            resolve_model_run(project, "nope")
    capsys.readouterr()
    assert main(["diagnose", str(project_file), "--model", "detector", "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)
    assert by_name["run"]["id"] == second["run_id"]
    assert main(["diagnose", str(project_file), "--model", str(second["run_id"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == by_name
    assert main(["disagreements", str(project_file), "--model", "detector", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["comparison"]["run"] == second["run_id"]
    report = tmp_path / "r.html"
    assert main(["report", str(project_file), str(report), "--model", "detector"]) == 0
    assert report.is_file()


def test_unknown_model_lists_the_runs(
    tmp_path: Path, project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diagnose", str(project_file), "--model", "detector"]) == 2
    assert "no model runs yet" in capsys.readouterr().err
    import_json(project_file, write_predictions(tmp_path), "detector", capsys)
    assert main(["diagnose", str(project_file), "--model", "yolo"]) == 2
    err = capsys.readouterr().err
    assert "'yolo'" in err and "(runs: 1 (detector))" in err


def test_only_unfinished_runs_of_a_name(tmp_path: Path, project_file: Path) -> None:
    with Project.open(project_file) as project:
        run = project.start_model_run("e" * 64, "detector", {}, "cpu")
        with pytest.raises(UnknownModelRunError, match=f"run {run.id} did not finish"):
            resolve_model_run(project, "detector")
