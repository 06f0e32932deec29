"""Pre-labeling on a real local Ray cluster (loopback only), against the local engine.

One cluster (2 CPUs, no dashboard) serves the whole module. Tests that need Ray are marked
``ray`` and skip when it is not installed (``pip install "labeler[ray]"``); the tests of what
happens without Ray run everywhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from labeler.cli import main
from labeler.core.importing import import_images
from labeler.core.prelabel import prelabel_project
from labeler.core.prelabel_ray import (
    RayClusterError,
    RayOptions,
    prelabel_project_on_ray,
    shard_images,
)
from labeler.core.prelabel_ray_worker import ShardPredictor
from labeler.core.store import Project

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "labeler" / "data" / "models" / "demo_damage.onnx"
CLASSES = ["scratch", "crack", "dent"]
IMAGES = 12
# Ray warns about its own deprecated settings from inside its modules; the suite's
# filterwarnings=error is for our code.
pytestmark = pytest.mark.filterwarnings("ignore:::ray.*")


def _write_images(folder: Path, count: int, size: tuple[int, int] = (640, 480)) -> Path:
    """Noisy JPEGs with a few bright blocks (the demo model finds several per image)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    width, height = size
    for n in range(count):
        image = (rng.random((height, width, 3)) * 60).astype(np.uint8)
        for _ in range(3):
            x, y = int(rng.integers(0, width - 80)), int(rng.integers(0, height - 60))
            image[y : y + 60, x : x + 80] = rng.integers(100, 255, 3)
        cv2.imwrite(str(folder / f"img{n:02}.jpg"), image)
    return folder


def _project(path: Path, folder: Path) -> Project:
    project = Project.create(path, CLASSES)
    import_images(project, [folder])
    return project


def _detections(project: Project, run_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Each image's predictions of a run by content hash: class, geometry, score."""
    names = {c.id: c.name for c in project.classes()}
    sha = {i.id: i.sha256 for i in project.images()}
    return {sha[image_id]: sorted((names[p.class_id], repr(p.geometry), p.score)
                                  for p in predictions)
            for image_id, predictions in project.run_predictions_by_image(run_id)}


def _covered(project_path: Path) -> set[int]:
    with Project.open(project_path) as project:
        return {i.id for i in project.images() if project.latest_run_for_image(i.id)}


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_images(tmp_path_factory.mktemp("ray-images"), IMAGES)


@pytest.fixture(scope="module")
def local_reference(images: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> dict[str, list[tuple[Any, ...]]]:
    """The local engine's detections on the same images."""
    with _project(tmp_path_factory.mktemp("local") / "p.labeler", images) as project:
        summary = prelabel_project(project, MODEL, device="cpu")
        assert summary.images == IMAGES and summary.run_id is not None
        found = _detections(project, summary.run_id)
    assert sum(map(len, found.values())) > IMAGES  # the comparison is not on empty lists
    return found


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1")
    yield ray
    ray.shutdown()


OPTIONS = RayOptions(workers=2, shard_size=4)


@pytest.mark.ray
def test_ray_finds_what_the_local_engine_finds(cluster: Any, images: Path, tmp_path: Path,
                                               local_reference: dict) -> None:
    with _project(tmp_path / "p.labeler", images) as project:
        summary = prelabel_project_on_ray(project, MODEL, device="cpu", options=OPTIONS)
        assert (summary.images, summary.shards, summary.failed) == (IMAGES, 3, [])
        assert summary.provider == "CPUExecutionProvider" and summary.run_id is not None
        assert project.model_run(summary.run_id).complete
        assert _detections(project, summary.run_id) == local_reference
        again = prelabel_project_on_ray(project, MODEL, device="cpu", options=OPTIONS)
        assert (again.images, again.skipped_existing, again.run_id) == (0, IMAGES, None)
        # the local engine sees the Ray run as its own: same model sha256 and settings
        local = prelabel_project(project, MODEL, device="cpu")
        assert (local.images, local.skipped_existing) == (0, IMAGES)


@pytest.mark.ray
def test_images_read_from_a_mount_with_image_root(
    cluster: Any, images: Path, tmp_path: Path, local_reference: dict,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("labeler.core.prelabel_ray.MOUNT_WAVE_IMAGES", 6)  # two waves
    folder = tmp_path / "shoot"
    folder.mkdir()
    for image in images.iterdir():
        (folder / image.name).write_bytes(image.read_bytes())
    with _project(tmp_path / "p.labeler", folder) as project:
        assert project.images()[0].path == "shoot/img00.jpg"  # stored relative
        mount = tmp_path / "mount"
        mount.mkdir()
        folder.rename(mount / "shoot")  # only the mount has the images now
        options = RayOptions(workers=2, shard_size=3, image_root=str(mount))
        summary = prelabel_project_on_ray(project, MODEL, device="cpu", options=options)
        assert (summary.images, summary.shards, summary.failed) == (IMAGES, 4, [])
        assert _detections(project, summary.run_id or 0) == local_reference


class CrashOncePredictor(ShardPredictor):
    """Kills its own worker process on its first shard (a marker file says it did)."""

    marker = ""

    def run_shard(self, shard: str, items: list[dict[str, Any]], payload: bytes
                  ) -> dict[str, Any]:
        marker = Path(self.marker)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(1)
        return super().run_shard(shard, items, payload)


@pytest.mark.ray
def test_a_worker_killed_mid_run_is_retried(cluster: Any, images: Path, tmp_path: Path,
                                            local_reference: dict) -> None:
    cluster.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    CrashOncePredictor.marker = str(tmp_path / "crashed")
    with _project(tmp_path / "p.labeler", images) as project:
        summary = prelabel_project_on_ray(project, MODEL, device="cpu", options=OPTIONS,
                                          predictor=CrashOncePredictor)
        assert (tmp_path / "crashed").exists()  # a worker process did die
        assert (summary.images, summary.failed) == (IMAGES, [])
        assert _detections(project, summary.run_id or 0) == local_reference


@pytest.mark.ray
def test_a_driver_killed_mid_run_loses_nothing_and_the_rerun_finishes(
    cluster: Any, tmp_path: Path
) -> None:
    folder = _write_images(tmp_path / "big", IMAGES, size=(1600, 1200))
    path = tmp_path / "p.labeler"
    _project(path, folder).close()
    address = cluster.get_runtime_context().gcs_address
    driver = subprocess.Popen(
        [sys.executable, "-m", "labeler.cli", "prelabel", str(path), "--model", str(MODEL),
         "--device", "cpu", "--engine", "ray", "--address", address, "--workers", "2",
         "--shard-size", "2", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    acknowledged: set[int] = set()
    deadline = time.monotonic() + 120
    while not acknowledged and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        acknowledged = _covered(path)
    driver.send_signal(signal.SIGKILL)
    driver.communicate(timeout=30)
    assert acknowledged, "the driver stored nothing before it was killed"
    after_kill = _covered(path)
    assert acknowledged <= after_kill  # nothing acknowledged was lost
    assert len(after_kill) < IMAGES, "the run finished before the kill: nothing to resume"
    with Project.open(path) as project:
        assert project.integrity_check() == "ok"
        for shard in shard_images(project.images(), 2):  # each shard stored whole or not
            assert len({i.id in after_kill for i in shard.images}) == 1, shard.id
        summary = prelabel_project_on_ray(project, MODEL, device="cpu", options=OPTIONS)
        assert summary.resumed and summary.images == IMAGES - len(after_kill)
        assert project.model_run(summary.run_id or 0).complete
        assert len(project.model_runs()) == 1
    assert len(_covered(path)) == IMAGES
    with _project(tmp_path / "local.labeler", folder) as reference:
        local = prelabel_project(reference, MODEL, device="cpu")
        expected = _detections(reference, local.run_id or 0)
    with Project.open(path) as project:
        assert _detections(project, summary.run_id or 0) == expected


@pytest.mark.ray
def test_a_model_that_cannot_load_on_the_workers_says_so_once(
    cluster: Any, images: Path, tmp_path: Path
) -> None:
    from inference import ModelError, load_model

    try:
        load_model(MODEL, device="cuda")
    except ModelError:
        pass
    else:
        pytest.skip("CUDA works here: device cuda loads on the workers too")
    with _project(tmp_path / "p.labeler", images) as project:
        with pytest.raises(RayClusterError) as caught:
            prelabel_project_on_ray(project, MODEL, device="cuda", options=OPTIONS)
        message = str(caught.value)
        assert message.startswith("the model cannot be loaded on the Ray workers: ")
        assert "demo_damage.onnx" in message and "CUDA" in message and "\n" not in message
        assert project.model_runs() == []  # no run was opened


@pytest.mark.ray
def test_a_run_of_no_images_says_so_in_one_line(
    cluster: Any, images: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.labeler"
    Project.create(path, CLASSES).close()
    args = ["prelabel", str(path), "--model", str(MODEL), "--device", "cpu", "--engine", "ray"]
    assert main(args) == 0
    assert capsys.readouterr().out == "Nothing to pre-label: --images all chooses no image.\n"
    with Project.open(path) as project:
        assert project.model_runs() == []


def test_shards_are_cut_by_sha256(images: Path, tmp_path: Path) -> None:
    with _project(tmp_path / "p.labeler", images) as project:
        records = project.images()
    shards = shard_images(list(reversed(records)), 5)
    assert [len(s.images) for s in shards] == [5, 5, 2]
    ordered = [i.sha256 for s in shards for i in s.images]
    assert ordered == sorted(i.sha256 for i in records)
    assert shards[0].id == f"{ordered[0][:10]}-{ordered[4][:10]}"
    assert shard_images(records, 5) == shards  # the same images give the same shards


def _run_without_ray(code: str) -> subprocess.CompletedProcess[str]:
    script = "import sys\nsys.modules['ray'] = None  # as if Ray were not installed\n" + code
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_without_ray_the_engine_says_how_to_install_it(images: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    _project(path, images).close()
    argv = ["prelabel", str(path), "--model", str(MODEL), "--engine", "ray"]
    result = _run_without_ray(f"from labeler.cli import main\nsys.exit(main({argv!r}))")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        'error: --engine ray needs Ray, which is not installed: pip install "labeler[ray]"')
    assert result.stdout == ""
    with Project.open(path) as project:
        assert project.model_runs() == []


def test_the_cli_and_the_local_engine_never_import_ray(images: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    _project(path, images).close()
    code = (
        "import contextlib, io, json\n"
        "from labeler.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['prelabel', '--help'])\n"
        f"code = main(['prelabel', {str(path)!r}, '--model', {str(MODEL)!r}, '--json'])\n"
        "print(json.dumps([code, [m for m in sys.modules if m.split('.')[0] == 'ray']]))\n"
    )
    result = subprocess.run([sys.executable, "-c", "import sys\n" + code], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [0, []]
