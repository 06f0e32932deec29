"""Pre-labeling a real project with a real ONNX graph through onnxruntime."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from labeler.core.domain import ImageStatus
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.prelabel import (
    ModelLoadError,
    model_provider_label,
    prelabel_image,
    prelabel_project,
)
from labeler.core.progress import Progress
from labeler.core.store import Project
from tests.inference.inference_graphs import grid_detector


def block_image(path: Path, colour_bgr: tuple[int, int, int], at: tuple[int, int]) -> Path:
    """A 640x640 black image with one 64x64 coloured block at ``at`` (x, y)."""
    image = np.zeros((640, 640, 3), np.uint8)
    x, y = at
    image[y : y + 64, x : x + 64] = colour_bgr
    cv2.imwrite(str(path), image)
    return path


@pytest.fixture
def colour_project(tmp_path: Path) -> Project:
    folder = tmp_path / "imgs"
    folder.mkdir()
    block_image(folder / "red.png", (0, 0, 255), (64, 128))
    block_image(folder / "green.png", (0, 255, 0), (320, 320))
    block_image(folder / "blue.png", (255, 0, 0), (0, 0))
    project = Project.create(tmp_path / "p.labeler", ["red", "green"])
    import_images(project, [folder])
    return project


@pytest.fixture
def grid_model(tmp_path: Path) -> Path:
    # 320 px input, 32 px cells: each 64 px block of a 640 px image is 2x2 cells.
    return grid_detector(tmp_path / "grid.onnx")


def test_prelabel_stores_one_run_with_mapped_coordinates(
    colour_project: Project, grid_model: Path
) -> None:
    project = colour_project
    summary = prelabel_project(project, grid_model, conf=0.5, iou=0.3, device="cpu")
    assert summary.images == 3 and summary.run_id is not None
    assert summary.provider == "CPUExecutionProvider"
    assert summary.dropped == {"blue": summary.dropped["blue"]} and summary.dropped["blue"] > 0
    red = project.find_image("red.png")
    assert red is not None
    predictions = project.predictions(red.id)
    assert predictions and {project.label_class(p.class_id).name for p in predictions} == {"red"}
    # Every predicted cell lies on the block (64..128, 128..192 in the 640 px image).
    for prediction in predictions:
        assert isinstance(prediction.geometry, Box)
        x1, y1, x2, y2 = prediction.geometry.bounds()
        assert x1 >= 64 and y1 >= 128 and x2 <= 128 and y2 <= 192
    run = project.model_run(summary.run_id)
    assert run.image_count == 3 and run.provider == "CPUExecutionProvider"
    assert run.settings["conf"] == 0.5 and run.finished_at is not None
    assert project.image(red.id).status is ImageStatus.PRELABELED
    assert project.default_model() == grid_model.resolve()
    assert model_provider_label(project) == "CPU"


def test_second_run_skips_covered_images_unless_forced(
    colour_project: Project, grid_model: Path
) -> None:
    first = prelabel_project(colour_project, grid_model, conf=0.5, device="cpu")
    again = prelabel_project(colour_project, grid_model, conf=0.5, device="cpu")
    assert again.images == 0 and again.skipped_existing == 3 and again.run_id is None
    other_settings = prelabel_project(colour_project, grid_model, conf=0.6, device="cpu")
    assert other_settings.images == 3
    forced = prelabel_project(colour_project, grid_model, conf=0.5, device="cpu", force=True)
    assert forced.images == 3 and forced.run_id not in (None, first.run_id)
    assert len(colour_project.model_runs()) == 3


def test_unlabeled_query_and_single_image(colour_project: Project, grid_model: Path) -> None:
    project = colour_project
    person = project.add_person("ann")
    green = project.find_image("green.png")
    assert green is not None
    project.add_annotation(green.id, 2, Box(1, 1, 30, 30), person.id)
    summary = prelabel_project(project, grid_model, conf=0.5, device="cpu", images="unlabeled")
    assert summary.images == 2
    single = prelabel_image(project, green.id, device="cpu")
    assert single.images == 1 and project.predictions(green.id)
    with pytest.raises(LabelerError, match="matches no image"):
        prelabel_project(project, grid_model, images="nothing/*.tif")


def test_cancel_keeps_finished_images(colour_project: Project, grid_model: Path) -> None:
    progress = Progress(lambda done, total, _m: progress.cancel() if done >= 1 else None)
    summary = prelabel_project(
        colour_project, grid_model, conf=0.5, device="cpu", progress=progress, force=True
    )
    assert summary.cancelled and 1 <= summary.images < 3
    assert summary.run_id is not None
    run = colour_project.model_runs()[-1]
    assert run.id == summary.run_id and not run.complete
    assert run.image_count == summary.images  # what it covered so far, not 0
    assert colour_project.latest_complete_run() is None

    resumed = prelabel_project(colour_project, grid_model, conf=0.5, device="cpu")
    assert resumed.resumed and resumed.run_id == run.id
    assert resumed.images == 3 - summary.images and resumed.skipped_existing == summary.images
    finished = colour_project.model_run(run.id)
    assert finished.complete and finished.image_count == 3
    assert colour_project.latest_complete_run() == finished
    assert [e.action for e in colour_project.events("model_run", run.id)] == [
        "create",
        "resume",
        "finish",
    ]


def test_killed_prelabel_run_is_incomplete_and_the_next_run_resumes_it(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(40):
        block_image(folder / f"b{i:02}.png", (0, 0, 255), (64 * (i % 8), 64 * (i // 8)))
    path = tmp_path / "k.labeler"
    with Project.create(path, ["red", "green"]) as project:
        import_images(project, [folder])
    model = grid_detector(tmp_path / "grid.onnx")
    command = [
        sys.executable,
        "-m",
        "labeler.cli",
        "prelabel",
        str(path),
        "--model",
        str(model),
        "--device",
        "cpu",
        "--batch",
        "1",
        "--json",
    ]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as run:
        deadline = time.monotonic() + 60
        covered = 0
        while covered < 2 and time.monotonic() < deadline and run.poll() is None:
            with Project.open(path) as watcher:
                runs = watcher.model_runs()
                covered = runs[-1].image_count if runs else 0
            time.sleep(0.01)
        run.send_signal(signal.SIGKILL)
    with Project.open(path) as project:
        killed = project.model_runs()[-1]
        if killed.complete:
            pytest.skip("the run finished before the kill (machine too fast)")
        assert killed.image_count >= 2 and project.latest_complete_run() is None
        before = killed.image_count
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    import json

    data = json.loads(rerun.stdout)
    assert data["resumed"] and data["run_id"] == killed.id
    assert data["images"] == 40 - before and data["skipped_existing"] == before
    with Project.open(path) as project:
        runs = project.model_runs()
        assert len(runs) == 1 and runs[0].complete and runs[0].image_count == 40
        per_image = [len(project.predictions(i.id, runs[0].id)) for i in project.images()]
        assert all(n == 1 for n in per_image)  # no image stored twice


def test_broken_model_and_missing_image_are_reported(
    colour_project: Project, grid_model: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "photo.onnx"
    fake.write_bytes(b"\xff\xd8\xff\xe0 not a model")
    with pytest.raises(ModelLoadError, match=r"photo\.onnx"):
        prelabel_project(colour_project, fake)
    with pytest.raises(ModelLoadError, match="not found"):
        prelabel_project(colour_project, tmp_path / "gone.onnx")
    (tmp_path / "imgs" / "red.png").unlink()
    summary = prelabel_project(colour_project, grid_model, conf=0.5, device="cpu")
    assert summary.images == 2
    [(path, reason)] = summary.failed
    assert path.endswith("red.png") and reason


def test_project_without_model_explains(colour_project: Project) -> None:
    image = colour_project.images()[0]
    with pytest.raises(LabelerError, match="no model yet"):
        prelabel_image(colour_project, image.id)


def test_a_run_still_going_in_another_process_is_not_resumed(
    colour_project: Project, grid_model: Path
) -> None:
    import subprocess
    import sys

    from labeler.core.prelabel import run_is_alive, this_process

    project = colour_project
    progress = Progress(lambda done, total, _m: progress.cancel() if done >= 1 else None)
    first = prelabel_project(project, grid_model, conf=0.5, device="cpu", progress=progress)
    assert first.cancelled and first.run_id is not None
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            owner = {**this_process(), "pid": other.pid}
            owner["started"] = (
                Path(f"/proc/{other.pid}/stat").read_text().rsplit(")", 1)[-1].split()[19]
            )
            project.resume_model_run(first.run_id, "CPUExecutionProvider", owner)
            assert run_is_alive(project.run_owner(first.run_id))
            second = prelabel_project(project, grid_model, conf=0.5, device="cpu")
            assert not second.resumed and second.run_id != first.run_id
            assert second.images == 3 - first.images  # only what nobody covered yet
        finally:
            other.kill()
    other.wait()
    assert not run_is_alive(project.run_owner(first.run_id))
    third = prelabel_project(project, grid_model, conf=0.5, device="cpu")
    assert third.resumed and third.run_id == first.run_id and third.images == 0
    assert all(run.complete for run in project.model_runs())
