"""Pre-labeling on Ray against the local engine on this machine, and the per-image costs.

Usage::

    python benchmarks/prelabel_ray.py [--n 32] [--workers 2] [--shard-size 8]

Generates N camera-size JPEGs (4000x3000, seeded, what the demo model knows) and, in one
process on one local Ray cluster (``ray.init(num_cpus=2)``), measures:

- the local engine (``prelabel_project``) end to end: images/s;
- the local engine's per-image stage costs (decode, inference, post-processing);
- Ray with ``--workers`` actors over the N images: the workers' own per-image time
  (decode + inference + post-processing) gives the steady rate with every worker busy,
  and the rest of the wall time is the fixed start-up (cluster start, model probe on a
  worker, actor pool start, shipping);
- the transfer of one image's bytes into the object store and out on a worker;
- the single writer's cost per image (``store_image_predictions``, WAL, synchronous=FULL)
  with the run's real detections, one image per transaction (the local engine) and one
  shard per transaction (the Ray driver);
- that Ray's detections equal the local engine's (all images).

It prints one JSON object; ``docs/scaling.md`` uses its figures. Other processes share the
machine: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from prelabel import DEFAULT_MODEL, make_damage_images  # noqa: E402

from labeler.core.importing import import_images  # noqa: E402
from labeler.core.prelabel import prelabel_project, store_image_predictions  # noqa: E402
from labeler.core.progress import Progress  # noqa: E402
from labeler.core.store import Project  # noqa: E402

CLASSES = ["scratch", "crack", "dent"]


def _project(path: Path, images: list[Path]) -> Project:
    project = Project.create(path, CLASSES)
    import_images(project, images)
    return project


def _detections(project: Project, run_id: int) -> dict[str, list[tuple[Any, ...]]]:
    names = {c.id: c.name for c in project.classes()}
    sha = {i.id: i.sha256 for i in project.images()}
    return {sha[i]: sorted((names[p.class_id], repr(p.geometry), p.score) for p in preds)
            for i, preds in project.run_predictions_by_image(run_id)}


def _stage_costs(paths: list[Path]) -> dict[str, float]:
    from inference import PrelabelEngine, load_model

    engine = PrelabelEngine(load_model(DEFAULT_MODEL, device="cpu"))
    timings = [r.timing for r in engine.run([(p, p) for p in paths])]
    n = len(timings)
    return {"decode_ms": sum(t.decode_ms for t in timings) / n,
            "inference_ms": sum(t.inference_ms for t in timings) / n,
            "postprocess_ms": sum(t.postprocess_ms for t in timings) / n,
            "decode_factor": engine.last_stats.decode_factor if engine.last_stats else 1}


def _transfer_ms(ray: Any, data: bytes, rounds: int = 5) -> float:
    """One image's bytes put into the object store and read on a worker, per image."""

    @ray.remote(num_cpus=0.1)
    def size(*blobs: bytes) -> int:
        return sum(len(b) for b in blobs)

    ray.get(size.remote(data))  # warm a worker
    started = time.perf_counter()
    for _ in range(rounds):
        ray.get(size.remote(*[ray.put(data) for _ in range(4)]))
    return (time.perf_counter() - started) * 1000 / (4 * rounds)


def _commit_ms(folder: Path, images: list[Path], reference: Project, run_id: int,
               per_transaction: int) -> float:
    """The driver's cost per image to store detections, ``per_transaction`` images a commit."""
    from inference import Detection

    with _project(folder / f"writer{per_transaction}.labeler", images) as project:
        run = project.start_model_run("0" * 64, "bench", {"bench": True}, "CPU")
        class_ids = {c.name: c.id for c in project.classes()}
        names = {c.id: c.name for c in reference.classes()}
        by_sha = {i.sha256: i.id for i in project.images()}
        sha = {i.id: i.sha256 for i in reference.images()}
        work = []
        for image_id, preds in reference.run_predictions_by_image(run_id):
            dets = [Detection(0, names[p.class_id], p.score,
                              (p.geometry.x1, p.geometry.y1, p.geometry.x2, p.geometry.y2))
                    for p in preds]
            work.append((by_sha[sha[image_id]], dets))
        started = time.perf_counter()
        for start in range(0, len(work), per_transaction):
            with project.transaction():
                for image_id, dets in work[start : start + per_transaction]:
                    store_image_predictions(project, run.id, image_id, dets, class_ids,
                                            Counter())
        return (time.perf_counter() - started) * 1000 / len(work)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=8)
    args = parser.parse_args(argv)
    import ray

    from labeler.core.prelabel_ray import RayOptions, prelabel_project_on_ray

    out: dict[str, Any] = {"load_before": os.getloadavg(), "cpus": os.cpu_count(),
                           "images": args.n, "workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "imgs").mkdir()
        paths = make_damage_images(folder / "imgs", args.n)
        out["mean_jpeg_mb"] = sum(p.stat().st_size for p in paths) / len(paths) / 1e6
        local_project = _project(folder / "local.labeler", paths)
        local = prelabel_project(local_project, DEFAULT_MODEL, device="cpu")
        out["local"] = {"seconds": local.seconds, "images_per_s": local.images_per_second,
                        "decode_factor": local.decode_factor}
        out["stages_local"] = _stage_costs(paths)
        reference = _detections(local_project, local.run_id or 0)

        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        out["ray_init_s"] = time.perf_counter() - started
        options = RayOptions(workers=args.workers, shard_size=args.shard_size)
        ray_project = _project(folder / "ray.labeler", paths)
        stored_at: list[float] = []
        progress = Progress(lambda done, _total, _msg: stored_at.append(time.perf_counter()))
        started = time.perf_counter()
        summary = prelabel_project_on_ray(ray_project, DEFAULT_MODEL, device="cpu",
                                          options=options, progress=progress)
        wall = time.perf_counter() - started
        stored_at = stored_at[1:]  # the first call is progress.start
        # Steady rate: every worker busy with decode + inference + post-processing (their own
        # per-image timing); the rest of the wall time is the fixed start-up.
        steady = args.workers * summary.images / summary.worker_seconds
        out["ray"] = {
            "images": summary.images, "wall_s": wall, "probe_s": summary.startup_seconds,
            "worker_processes": summary.worker_processes,
            "worker_ms_per_image": summary.worker_seconds * 1000 / summary.images,
            "first_image_stored_after_s": stored_at[0] - started,
            "steady_images_per_s": steady,
            "fixed_startup_s": out["ray_init_s"] + wall - summary.images / steady,
            "images_per_s_incl_startup": summary.images / (wall + out["ray_init_s"]),
            "images_per_s_excl_cluster_start": summary.images / wall,
        }
        out["ray_matches_local"] = _detections(ray_project, summary.run_id or 0) == reference
        out["transfer_ms_per_image"] = _transfer_ms(ray, paths[0].read_bytes())
        ray.shutdown()
        out["commit_ms_per_image"] = {
            f"{n}_per_transaction": _commit_ms(folder, paths, local_project, local.run_id or 0, n)
            for n in (1, args.shard_size)}
        out["predictions_per_image"] = sum(map(len, reference.values())) / len(reference)
        local_project.close()
        ray_project.close()
    out["load_after"] = os.getloadavg()
    print(json.dumps(_rounded(out), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
