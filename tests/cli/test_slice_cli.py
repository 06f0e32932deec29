"""``labeler slice ...`` and ``--slice NAME`` on other commands, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.domain import AssignmentTask
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.cli.demo_runs import write_weaker_predictions
from tests.core.diagnosis.two_runs import CRACK, DENT, SCRATCH, TwoRuns, make_two_runs


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    two = make_two_runs(tmp_path)
    with Project.open(two.path) as project:
        project.add_person("Vik", organization="Vendor A")
        project.add_person("ann")
    return two


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_save_list_show_diff_delete(two: TwoRuns, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(two.path)
    saved = run_json(capsys, "slice", p, "save", "weak FN", "--rule", "fn:weak", "--note", "why")
    assert saved["images"] == 2 and saved["rule_text"] == "fn:weak" and saved["note"] == "why"
    picked = run_json(capsys, "slice", p, "save", "picked", "--images", "1,2,4-5")
    assert picked["images"] == 4 and picked["rule_text"] == "ids:1-2,4-5"
    listed = run_json(capsys, "slice", p, "list")
    assert [s["name"] for s in listed["slices"]] == ["picked", "weak FN"]
    shown = run_json(capsys, "slice", p, "show", "weak FN")
    assert shown["image_ids"] == [two.images[0], two.images[3]]
    assert shown["images_listed"][0]["image"] == "images/img0.png"
    assert shown["changes"]["since_what"] == "saved" and shown["changes"]["changed"] == 0
    with Project.open(two.path) as project:  # a newer "weak" run finds all but img3's
        run = project.start_model_run("d" * 64, "weak", {}, "cpu")
        found = {
            0: [(SCRATCH, Box(10, 10, 50, 50), 0.9), (CRACK, Box(80, 20, 120, 60), 0.9)],
            1: [(DENT, Box(20, 20, 60, 60), 0.9)],
            2: [(SCRATCH, Box(0, 0, 40, 40), 0.9)],
            3: [],
        }
        for n, shapes in found.items():
            project.add_predictions(run.id, two.images[n], shapes)
        project.finish_model_run(run.id)  # the rule's "weak" now names this newer run
    diff = run_json(capsys, "slice", p, "diff", "weak FN")
    assert [r["image_id"] for r in diff["removed"]] == [two.images[0]] and diff["added"] == []
    assert main(["slice", p, "diff", "weak FN", "--refresh"]) == 0
    assert "now holds 1" in capsys.readouterr().out
    assert run_json(capsys, "slice", p, "show", "weak FN")["images"] == 1
    assert main(["slice", p, "show", "picked"]) == 0
    out = capsys.readouterr().out
    assert "picked: 4 images; rule ids:1-2,4-5" in out and "images/img4.png" in out
    assert main(["slice", p, "delete", "picked"]) == 0
    assert "4 images stay" in capsys.readouterr().out
    assert main(["slice", p, "list"]) == 0 and "picked" not in capsys.readouterr().out


def test_user_errors_exit_2(two: TwoRuns, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(two.path)
    assert main(["slice", p, "save", "x", "--rule", "colour:red"]) == 2
    assert "unknown slice rule term 'colour:red'" in capsys.readouterr().err
    assert main(["slice", p, "show", "nope"]) == 2
    assert "no slice named 'nope'" in capsys.readouterr().err
    assert main(["diagnose", p, "--model", "1", "--slice", "nope"]) == 2
    assert main(["slice", p, "save", "x", "--rule", "status:rejected"]) == 0
    assert main(["slice", p, "save", "x", "--rule", "all"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["slice", p, "send", "x", "--note", "n", "--to", "ann"]) == 2
    assert "holds no images" in capsys.readouterr().err
    assert main(["slice", p, "send", "x", "--note", "n"]) == 2
    assert main(["package", "export", p, "--to", "x.lbpkg", "--for", "Vendor A"]) == 2
    assert "--images QUERY or --slice NAME" in capsys.readouterr().err


def test_slice_on_diagnose_agreement_report_export(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(two.path)
    assert main(["slice", p, "save", "first two", "--images", "1,2"]) == 0
    diagnosis = run_json(capsys, "diagnose", p, "--model", "1", "--slice", "first two")
    assert diagnosis["images_evaluated"] == 2 and diagnosis["images_left_out"] == {}
    comparison = run_json(
        capsys, "diagnose", p, "--model", "1", "--against", "2", "--slice", "first two"
    )
    assert comparison["images"]["compared"] == 2 and comparison["images"]["scope"] == 2
    agreement = run_json(capsys, "agreement", p, "--slice", "first two")
    assert agreement["annotators"] == ["alice"]
    report = tmp_path / "r.html"
    assert main(["report", p, str(report), "--model", "1", "--slice", "first two"]) == 0
    html = report.read_text(encoding="utf-8")
    assert 'id="slices"' in html and "only the 2 images of the slice" in html
    out = tmp_path / "out"
    summary = run_json(capsys, "export", p, str(out), "--format", "coco", "--slice", "first two")
    files = sorted(f for f in out.rglob("*.json") if f.name != "manifest.json")
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert sorted(i["file_name"] for i in data["images"]) == ["img0.png", "img1.png"]
    assert summary["excluded"] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["export"]["subset"] == {"images": 2}


def test_send_to_people_and_package_export_slice(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = str(two.path)
    assert main(["slice", p, "save", "dents", "--rule", "class:dent"]) == 0
    sent = run_json(
        capsys, "slice", p, "send", "dents", "--to", "ann", "--blind", "--note", "check dents"
    )
    assert sent["assignments"] == 2 and sent["work"]["note"] == "check dents"
    with Project.open(two.path) as project:
        ann = project.person_by_name("ann")
        assert ann is not None
        mine = project.assignments_for(ann.id, AssignmentTask.ANNOTATE)
        assert {a.image_id for a in mine} == {two.images[1], two.images[3]}
        assert all(a.blind and a.hide_prelabels for a in mine)
    package = tmp_path / "dents.lbpkg"
    summary = run_json(
        capsys, "package", "export", p, "--to", package, "--for", "Vendor A", "--slice", "dents"
    )
    assert summary["images"] == 2
    shown = run_json(capsys, "slice", p, "show", "dents")
    assert shown["work"][0]["target"] == "ann" and shown["changes"]["since_what"].startswith("sent")


@pytest.mark.slow
def test_demo_flow_compare_slice_vendor_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's demo: two runs (one weaker), compare, FNs of the weaker as a slice, to
    Vendor A as a package, back, and export the slice."""
    from labeler.demo.build import build_demo

    path = build_demo(tmp_path / "demo", 12, log=lambda _m: None)
    p = str(path)
    weak = write_weaker_predictions(path, 1, tmp_path / "older.json")
    assert main(["import", p, "--predictions", str(weak), "--format", "coco",
                 "--model-name", "older", "--json"]) == 0  # fmt: skip
    comparison = run_json(capsys, "diagnose", p, "--model", "1", "--against", "2")
    alone = run_json(capsys, "diagnose", p, "--model", "2")
    ap = {r["metric"]: r for r in comparison["metrics"]}
    assert ap["AP"]["b"] == alone["metrics"]["AP"]  # both covered every image
    assert ap["AP"]["delta"] > 0  # the older run is weaker
    fns = alone["false_negatives"]
    assert fns["total"] > 0
    saved = run_json(capsys, "slice", p, "save", "older FN", "--rule", "fn:2",
                     "--note", "false negatives of the older run")  # fmt: skip
    fn_images = sorted({i["image_id"] for i in fns["items"]})
    assert saved["images"] == len(fn_images)
    package = tmp_path / "older_fn.lbpkg"
    sent = run_json(capsys, "slice", p, "send", "older FN", "--vendor", "Vendor A",
                    "--package", package, "--note", "false negatives of run 2")  # fmt: skip
    assert sent["package"]["images"] == len(fn_images)
    opened = run_json(capsys, "package", "open", package)
    with Project.open(opened["project"]) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.acknowledge(vik.id)
        scratch = inner.class_by_name("scratch")
        assert scratch is not None
        for image in inner.images():
            inner.add_annotation(image.id, scratch.id, Box(2, 2, 30, 30), vik.id)
            inner.mark_answered(image.id, vik.id)
    run_json(capsys, "package", "save", package)
    back = run_json(capsys, "package", "import", p, package)
    assert back["annotations"] == len(fn_images)
    shown = run_json(capsys, "slice", p, "show", "older FN")
    changes = shown["changes"]
    assert changes["since_what"] == "sent to Vendor A (older_fn.lbpkg) (package)"
    assert changes["changed"] == len(fn_images) and changes["labels_added"] == len(fn_images)
    assert all(row["by"] == ["Vik"] for row in changes["per_image"])
    out = tmp_path / "dataset"
    summary = run_json(capsys, "export", p, str(out), "--format", "coco", "--slice", "older FN")
    exported = sum(v["images"] for v in summary["splits"].values())
    assert exported + summary["excluded"] == len(fn_images)


def test_slice_on_export_splits_and_prelabel(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from labeler.data import data_path

    p = str(two.path)
    assert main(["slice", p, "save", "four", "--images", "1-4"]) == 0
    out = tmp_path / "split"
    summary = run_json(
        capsys, "export", p, str(out), "--format", "yolo", "--split", "train=0.5,val=0.5",
        "--slice", "four",
    )  # fmt: skip
    assert sum(v["images"] for v in summary["splits"].values()) == 4
    assert set(summary["splits"]) == {"train", "val"}
    run = run_json(
        capsys, "prelabel", p, "--model", str(data_path("models", "demo_damage.onnx")),
        "--slice", "four", "--device", "cpu",
    )  # fmt: skip
    assert run["images"] == 4
    with Project.open(two.path) as project:
        assert project.run_image_ids(run["run_id"]) == set(two.images[:4])


def test_hostile_and_korean_slice_names(
    two: TwoRuns, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p, name = str(two.path), "찍힘 [/] <b>bold</b>"
    assert main(["slice", p, "save", name, "--rule", "class:dent", "--note", "[red]왜[/]"]) == 0
    assert f"Saved slice {name!r}: 2 images" in capsys.readouterr().out
    assert main(["slice", p, "show", name]) == 0
    out = capsys.readouterr().out
    assert name in out and "Note: [red]왜[/]" in out
    report = tmp_path / "r.html"
    assert main(["report", p, str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "찍힘 [/] &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
