"""Agreement report and model diagnosis on 100,000 images, 3 annotators, ~5 objects each.

Usage::

    python benchmarks/agreement.py [--images 100000] [--keep DIR] [--skip-agreement]

Builds the project through the store API inside one ``project.transaction()``
(fake ``ImageProbe`` records with distinct hashes, ``add_annotations`` per image
and annotator, ``add_predictions`` per image, a few accepted reviews), then times:

* ``agreement_report(project)`` (target <= 30 s),
* ``diagnose(project, run)`` (target <= 30 s),
* our COCO mAP (``coco_evaluate``) against pycocotools' ``COCOeval``
  (evaluate + accumulate + summarize) on the same truth and predictions, checking
  that both give the same twelve numbers and printing the speed ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labeler.core.agreement import agreement_report  # noqa: E402
from labeler.core.diagnosis import Diagnosis, ObjectSet, coco_evaluate, diagnose  # noqa: E402
from labeler.core.domain import AnnotationSource, GeometryKind, Role  # noqa: E402
from labeler.core.geometry import Box  # noqa: E402
from labeler.core.images import ImageProbe  # noqa: E402
from labeler.core.store import Project  # noqa: E402

WIDTH, HEIGHT = 640, 480
TARGET_S = 30.0


def _jitter(rng: np.random.Generator, box: np.ndarray, scale: float) -> Box:
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    dx, dy, dw, dh = rng.normal(0, scale, 4) * (w, h, w, h)
    nx1, ny1 = float(np.clip(x1 + dx, 0, WIDTH - 5)), float(np.clip(y1 + dy, 0, HEIGHT - 5))
    nx2 = float(np.clip(x2 + dx + dw, nx1 + 4, WIDTH))
    ny2 = float(np.clip(y2 + dy + dh, ny1 + 4, HEIGHT))
    return Box(nx1, ny1, nx2, ny2)


def _label_image(
    project: Project,
    rng: np.random.Generator,
    image: int,
    n: int,
    ids: tuple[list[int], list[int], int, int],
    per_image: int,
) -> None:
    """True objects on one image, three noisy annotators' labels and the model's predictions."""
    classes, people, reviewer, run = ids
    count = int(rng.integers(per_image - 2, per_image + 3))
    xy = rng.uniform(0, 1, (count, 2)) * (WIDTH - 130, HEIGHT - 130)
    boxes = np.hstack([xy, xy + rng.uniform(12, 120, (count, 2))])
    truth_classes = rng.choice(classes, count)
    for person in people:
        shapes: list[tuple[int, Box]] = []
        for box, cls in zip(boxes, truth_classes, strict=True):
            if rng.random() < 0.92:
                swapped = rng.random() < 0.05
                label = int(rng.choice(classes)) if swapped else int(cls)
                shapes.append((label, _jitter(rng, box, 0.04)))
        if rng.random() < 0.1:
            shapes.append((int(rng.choice(classes)), _jitter(rng, boxes[0] + 60, 0.2)))
        created = project.add_annotations(image, shapes, person, AnnotationSource.MANUAL)
        if person == people[0] and n % 100 == 0:
            for annotation in created:
                project.add_review("annotation", annotation.id, reviewer, "accept")
        if n % 3 == 0:
            project.add_image_time(image, person, float(rng.uniform(5, 60)))
    predictions = []
    for box, cls in zip(boxes, truth_classes, strict=True):
        if rng.random() < 0.85:
            label = int(rng.choice(classes)) if rng.random() < 0.05 else int(cls)
            predictions.append((label, _jitter(rng, box, 0.06), float(rng.uniform(0.3, 1))))
    for _ in range(int(rng.integers(0, 3))):
        xy0 = rng.uniform(0, 1, 2) * (WIDTH - 100, HEIGHT - 100)
        fake = np.hstack([xy0, xy0 + rng.uniform(10, 90, 2)])
        predictions.append(
            (int(rng.choice(classes)), _jitter(rng, fake, 0.0), float(rng.uniform(0.05, 0.7)))
        )
    project.add_predictions(run, image, predictions)


def build(folder: Path, n_images: int, per_image: int) -> Path:
    """The benchmark project: true objects per image, three noisy annotators, one model run."""
    project = Project.create(folder / "bench.labeler", name="agreement benchmark")
    rng = np.random.default_rng(0)
    with project.transaction():
        classes = [project.add_class(n, GeometryKind.BOX).id for n in ("scratch", "crack", "dent")]
        people = [
            project.add_person(name, Role.ANNOTATOR, org).id
            for name, org in (("ana", "acme"), ("ben", "acme"), ("cho", "beta"))
        ]
        reviewer = project.add_person("rita", Role.REVIEWER).id
        project.publish_guideline("benchmark guideline")
        probes = (
            ImageProbe(
                folder / f"{i:06d}.jpg",
                hashlib.sha256(str(i).encode()).hexdigest(),
                WIDTH,
                HEIGHT,
                1,
                1000,
                "JPEG",
            )
            for i in range(n_images)
        )
        records = [r for r, _ in project.add_images(probes)]
        run = project.start_model_run("f" * 64, "bench-detector", {"conf": 0.05}, "cpu")
        for n, record in enumerate(records):
            _label_image(project, rng, record.id, n, (classes, people, reviewer, run.id), per_image)
        project.finish_model_run(run.id)
    project.close()
    return folder / "bench.labeler"


def _pycocotools_seconds(
    gt: ObjectSet, dt: ObjectSet, images: list[int], classes: list[int]
) -> tuple[float, list[float]] | None:
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError:
        return None
    coco_gt = COCO()
    coco_gt.dataset = {
        "images": [{"id": i} for i in images],
        "categories": [{"id": c} for c in classes],
        "annotations": [
            {
                "id": n + 1,
                "image_id": int(gt.image[n]),
                "category_id": int(gt.category[n]),
                "bbox": gt.boxes[n].tolist(),
                "area": float(gt.area[n]),
                "iscrowd": 0,
            }
            for n in range(len(gt))
        ],
    }
    results = [
        {
            "image_id": int(dt.image[n]),
            "category_id": int(dt.category[n]),
            "bbox": dt.boxes[n].tolist(),
            "score": float(dt.score[n]),
        }  # type: ignore[index]
        for n in range(len(dt))
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(results)
        started = time.perf_counter()
        evaluator = COCOeval(coco_gt, coco_dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return time.perf_counter() - started, [float(s) for s in evaluator.stats]


def _compare_map(project: Project, result: Diagnosis, skip_reference: bool) -> None:
    """Our mAP against pycocotools' on the diagnosis's truth and predictions."""
    images = result.truth.images
    gt = ObjectSet.from_columns(result.truth.columns)
    predictions = project.prediction_columns(result.run.id)
    predictions = predictions.take(np.flatnonzero(np.isin(predictions.image_id, images)))
    dt = ObjectSet.from_columns(predictions)
    classes = [c.id for c in result.classes]
    started = time.perf_counter()
    ours = coco_evaluate(gt, dt, images, classes)
    ours_s = time.perf_counter() - started
    stats = list(ours.summary().values())
    print(
        f"our COCO mAP: {ours_s:.2f} s for {len(gt)} truth objects, {len(dt)} predictions;"
        f" AP {stats[0]:.4f} AP50 {stats[1]:.4f} AP75 {stats[2]:.4f}"
    )
    if skip_reference:
        return
    reference = _pycocotools_seconds(gt, dt, images, classes)
    if reference is None:
        print("pycocotools not installed: speed ratio skipped")
        return
    ref_s, ref_stats = reference
    print(
        f"pycocotools COCOeval: {ref_s:.2f} s; identical stats: {stats == ref_stats}; "
        f"ours is {ref_s / ours_s:.1f}x faster (ratio ours/pycocotools {ours_s / ref_s:.3f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--objects-per-image", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the project in this folder")
    parser.add_argument("--skip-agreement", action="store_true")
    parser.add_argument("--skip-pycocotools", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.labeler"
        started = time.perf_counter()
        if not path.exists():
            path = build(folder, args.images, args.objects_per_image)
        print(f"project build: {time.perf_counter() - started:.1f} s")
        with Project.open(path) as project:
            info = project.info()
            print(
                f"{info['images']} images, {info['annotations']} annotations, "
                f"{info['predictions']} predictions"
            )
            if not args.skip_agreement:
                started = time.perf_counter()
                report = agreement_report(project)
                seconds = time.perf_counter() - started
                ok &= seconds <= TARGET_S
                f1 = report.objects.overall.f1.value if report.objects else float("nan")
                print(
                    f"agreement report: {seconds:.1f} s (object F1 {f1:.3f}), target <= "
                    f"{TARGET_S:.0f} s: {'PASS' if seconds <= TARGET_S else 'FAIL'}"
                )
            run_id = project.model_runs()[0].id
            started = time.perf_counter()
            result = diagnose(project, run_id)
            seconds = time.perf_counter() - started
            ok &= seconds <= TARGET_S
            print(
                f"diagnose: {seconds:.1f} s (mAP {result.metrics()['AP']}, "
                f"{len(result.confusion.false_positives)} FP, "
                f"{len(result.confusion.false_negatives)} FN), target <= {TARGET_S:.0f} s: "
                f"{'PASS' if seconds <= TARGET_S else 'FAIL'}"
            )
            _compare_map(project, result, args.skip_pycocotools)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
