"""Unlucky machines: a full disk, a model that runs one image at a time, odd paths.

Every case ends in one line naming the file and the problem (exit 2), never a
traceback, and leaves nothing half-written; what was finished is kept. The full
disk is a real tiny tmpfs when the tests may mount one (root), a real file-size
limit (``RLIMIT_FSIZE``) otherwise, and SQLite's own page limit for the project.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image
from tests.inference.inference_graphs import _model, grid_detector

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    for i in range(6):
        write_image(tmp_path / "images" / f"img{i}.png", 320, 240, seed=i)
    path = tmp_path / "p.labeler"
    with Project.create(path, ["red", "green", "blue"]) as project:
        assert import_images(project, [tmp_path / "images"]).added == 6
        ana = project.add_person("ana")
        for image in project.images():
            project.add_annotation(image.id, 1, Box(10, 10, 60, 50), ana.id)
    return path


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` up to ``leave`` bytes."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(handle, b"\0" * 4096)
    finally:
        os.close(handle)
    os.truncate(filler, max(0, filler.stat().st_size - leave))


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a real 256 KiB tmpfs that is nearly full (needs root and mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    try:
        _fill(folder, leave=8192)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def run_cli(*args: str | Path, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "labeler.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        env={**os.environ, "COLUMNS": "300"},
    )


def assert_one_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]  # after the progress bar, if any
    assert message.startswith("error:") and result.stderr.count("error:") == 1, message
    for fragment in fragments:
        assert fragment in message, message


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


def test_report_on_a_full_disk_leaves_nothing(project_file: Path, full_disk: Path) -> None:
    output = full_disk / "report.html"
    result = run_cli("report", project_file, output)
    assert_one_line(result, str(output), "No space left on device", "nothing was written")
    assert leftovers(full_disk) == []


def test_report_over_the_file_size_limit_keeps_the_old_report(
    project_file: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "report.html"
    output.parent.mkdir()
    output.write_text("the earlier report")
    with Project.open(project_file):  # SQLite's 32 KiB -shm file exists before the limit
        result = run_cli("report", project_file, output, "--force", file_size_limit=8192)
    assert_one_line(result, str(output), "File too large")
    assert output.read_text() == "the earlier report"
    assert leftovers(output.parent) == ["report.html"]
    assert run_cli("report", project_file, output, "--force").returncode == 0
    assert output.read_text().startswith("<!DOCTYPE html>")


def test_export_on_a_full_disk_leaves_nothing(project_file: Path, full_disk: Path) -> None:
    out = full_disk / "dataset"
    result = run_cli("export", project_file, out, "--format", "coco", "--copy-images")
    assert_one_line(result, "No space left on device")
    assert str(out) in result.stderr or "img" in result.stderr
    assert leftovers(full_disk) == []


def test_export_over_the_file_size_limit_leaves_nothing(project_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "dataset"
    out.parent.mkdir()
    with Project.open(project_file):  # SQLite's 32 KiB -shm file exists before the limit
        result = run_cli(
            "export", project_file, out, "--format", "yolo", "--copy-images", file_size_limit=8192
        )
    assert_one_line(result, "File too large")
    assert leftovers(out.parent) == []


def test_prelabel_when_the_project_disk_fills_up(
    project_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = grid_detector(tmp_path / "grid.onnx")
    real_open = Project.open.__func__  # type: ignore[attr-defined]

    def open_nearly_full(cls: type[Project], *args: object, **kwargs: object) -> Project:
        project = real_open(cls, *args, **kwargs)
        pages = int(project._db.scalar("PRAGMA page_count"))  # SQLite's own "disk full"
        project._db.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return project

    monkeypatch.setattr(Project, "open", classmethod(open_nearly_full))
    code = main(["prelabel", str(project_file), "--model", str(model), "--json"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(project_file) in err and "the disk is full" in err and "Traceback" not in err
    monkeypatch.undo()
    with Project.open(project_file) as project:
        assert project.integrity_check() == "ok"
    assert main(["prelabel", str(project_file), "--model", str(model), "--json"]) == 0
    with Project.open(project_file) as project:
        (run,) = [r for r in project.model_runs() if r.finished_at is not None]
        assert run.image_count == 6


def batch_one_detector(path: Path, declared_batch: int | str, size: int = 320) -> Path:
    """The grid detector of the inference tests, exported with outputs of one image.

    The input batch is dynamic, but the graph slices the first image out before the
    head, as an export with a hard-coded batch of 1 in a reshape does: a batch of
    several images silently yields the first image's output only.
    """
    cell = 32
    g = size // cell
    ys, xs = np.mgrid[0:g, 0:g]
    anchors = np.stack(
        [(xs + 0.5) * cell, (ys + 0.5) * cell, np.full_like(xs, cell), np.full_like(xs, cell)]
    ).reshape(1, 4, g * g)
    inits = [
        numpy_helper.from_array(anchors.astype(np.float32), "anchors"),
        # A reshape to a literal batch of 1 (declared) or one copied from the sliced input.
        numpy_helper.from_array(np.array([1 if declared_batch == 1 else 0, 3, -1]), "flat"),
        numpy_helper.from_array(np.array([0]), "start"),
        numpy_helper.from_array(np.array([1]), "end"),
        numpy_helper.from_array(np.array([0]), "axis"),
        numpy_helper.from_array(np.array([-1, 1, 1]), "column"),
        numpy_helper.from_array(np.zeros((), np.float32), "nil"),
    ]
    nodes = []
    if not isinstance(declared_batch, int):  # hide the 1 from shape inference: end = 0 * N + 1
        inits.append(numpy_helper.from_array(np.array([0]), "zero"))
        nodes += [
            helper.make_node("Shape", ["images"], ["shape"], end=1),
            helper.make_node("Mul", ["shape", "zero"], ["nothing"]),
            helper.make_node("Add", ["nothing", "end"], ["end_at_runtime"]),
        ]
    end = "end" if isinstance(declared_batch, int) else "end_at_runtime"
    nodes += [
        helper.make_node("Slice", ["images", "start", end, "axis"], ["first"]),
        helper.make_node(
            "AveragePool", ["first"], ["pooled"], kernel_shape=[cell, cell], strides=[cell, cell]
        ),
        helper.make_node("Reshape", ["pooled", "flat"], ["scores"]),
        # boxes = anchors + 0 * mean(first): their batch is the sliced input's, as in the grid
        helper.make_node("ReduceMean", ["first"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["mean", "column"], ["mean_r"]),
        helper.make_node("Mul", ["mean_r", "nil"], ["dep"]),
        helper.make_node("Add", ["anchors", "dep"], ["boxes"]),
        helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1),
    ]
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, size, size])
    out = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [declared_batch, 7, g * g])
    graph = helper.make_graph(nodes, "grid1", [inp], [out], initializer=inits)
    meta = {
        "task": "detect",
        "names": "{0: 'red', 1: 'green', 2: 'blue'}",
        "imgsz": f"[{size}, {size}]",
    }
    onnx.save(_model(graph, meta), path)
    return path


@pytest.mark.parametrize("declared", [1, "batch"], ids=["declared-1", "declared-dynamic"])
def test_batch_one_output_model_runs_one_image_at_a_time(
    tmp_path: Path, declared: int | str
) -> None:
    from inference import PrelabelEngine, load_model

    rng = np.random.default_rng(0)
    paths = []
    for i in range(5):
        image = np.zeros((320, 320, 3), np.uint8)
        image[rng.integers(0, 9) * 32 :, : rng.integers(1, 10) * 32, i % 3] = 255
        paths.append(tmp_path / f"{i}.png")
        assert cv2_write(paths[-1], image)
    reference = load_model(grid_detector(tmp_path / "grid.onnx"))
    single = load_model(batch_one_detector(tmp_path / "one.onnx", declared))
    assert single.info.static_batch == (1 if declared == 1 else None)
    items = [(i, p) for i, p in enumerate(paths)]
    expected = list(PrelabelEngine(reference, batch_size=4).run(items))
    # Batches are what a GPU run sends; on the CPU each worker sends its own image.
    got = list(PrelabelEngine(single, batch_size=4, infer_in_workers=False).run(items))
    by_worker = list(PrelabelEngine(single, batch_size=4, infer_in_workers=True).run(items))
    for run in (got, by_worker):
        assert [r.error for r in run] == [None] * 5
        for want, have in zip(expected, run, strict=True):
            assert [(d.class_name, d.box) for d in have.detections] == [
                (d.class_name, d.box) for d in want.detections
            ]
    assert any(r.detections for r in got)
    assert single.one_image_at_a_time == (declared != 1)


def cv2_write(path: Path, image: np.ndarray) -> bool:
    import cv2

    return bool(cv2.imwrite(str(path), image))


def test_import_of_a_path_under_a_file_is_one_reason(project_file: Path) -> None:
    blocker = project_file.parent / "images" / "img0.png"
    result = run_cli("import", project_file, blocker / "inside.png")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert f"{blocker} is a file, not a folder" in result.stderr


def _jpeg_bytes(width: int, height: int, seed: int) -> bytes:
    import cv2

    rng = np.random.default_rng(seed)
    image = cv2.GaussianBlur((rng.random((height, width, 3)) * 255).astype(np.uint8), (0, 0), 2)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def test_prelabel_of_jpegs_swapped_for_hostile_files_after_import(tmp_path: Path) -> None:
    """Each file changed under the project is one named failure; the others are labeled."""
    folder = tmp_path / "shots"
    folder.mkdir()
    names = ["good0", "good1", "cut", "png", "bomb", "resized", "rotated", "gone"]
    for i, name in enumerate(names):
        (folder / f"{name}.jpg").write_bytes(_jpeg_bytes(400, 300, seed=i))
    path = tmp_path / "p.labeler"
    with Project.create(path, ["red", "green", "blue"]) as project:
        assert import_images(project, [folder]).added == len(names)
    data = (folder / "cut.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    import cv2

    png = cv2.imencode(".png", np.zeros((100, 200, 3), np.uint8))[1]  # not a JPEG now
    (folder / "png.jpg").write_bytes(png.tobytes())
    bomb = bytearray(_jpeg_bytes(16, 16, seed=9))
    sof = bomb.index(b"\xff\xc0")
    bomb[sof + 5 : sof + 9] = (60000).to_bytes(2, "big") * 2  # 3.6 G pixels claimed
    (folder / "bomb.jpg").write_bytes(bytes(bomb))
    (folder / "resized.jpg").write_bytes(_jpeg_bytes(640, 480, seed=5))
    (folder / "rotated.jpg").write_bytes(_jpeg_bytes(300, 400, seed=6))
    (folder / "gone.jpg").unlink()
    model = grid_detector(tmp_path / "grid.onnx")
    result = run_cli("prelabel", path, "--model", model, "--json", "--device", "cpu")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    import json

    summary = json.loads(result.stdout)
    failed = {Path(f["path"]).stem: f["reason"] for f in summary["failed"]}
    assert set(failed) == set(names) - {"good0", "good1"}, failed
    assert "header says 640x480" in failed["resized"] and "400x300" in failed["resized"]
    assert "header says 300x400" in failed["rotated"]
    assert "decoded as 200x100" in failed["png"]  # no JPEG header: caught after decoding
    assert "header says 60000x60000" in failed["bomb"]  # refused before any decode
    assert "file not found" in failed["gone"]
    assert all(reason.strip() for reason in failed.values())
    assert summary["images"] == 2  # the two good ones, stored; the failures named above
