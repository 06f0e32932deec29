"""COCO export of a large project: 100,000 images with 500,000 objects in <= 60 s.

Usage::

    python benchmarks/export.py [--images 100000] [--objects-per-image 5] [--keep DIR]

Builds the project directly through the store API (``Project.add_images`` with
``ImageProbe`` values pointing at one real small file, distinct content hashes;
``Project.add_annotations`` per image; one model run with 2-4 predictions per
image through ``Project.add_predictions``, so the export also checks every image
for likely label errors; all inside one ``project.transaction()``),
then times ``export_dataset(..., ExportOptions(format="coco"))`` with no filters
(nothing is decoded), checks the result with pycocotools when it is installed,
and prints the figures. A second export checks byte-identical output.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labeler.core.domain import AnnotationSource, GeometryKind, Role  # noqa: E402
from labeler.core.export import ExportOptions, export_dataset  # noqa: E402
from labeler.core.geometry import Box, Polygon  # noqa: E402
from labeler.core.images import ImageProbe  # noqa: E402
from labeler.core.store import Project  # noqa: E402

WIDTH, HEIGHT = 640, 480


def build(folder: Path, n_images: int, per_image: int) -> Path:
    """A project of ``n_images`` fake records and ``per_image`` objects on each."""
    image = folder / "one.jpg"
    cv2.imwrite(str(image), np.full((HEIGHT, WIDTH, 3), 127, np.uint8))
    size = image.stat().st_size
    project = Project.create(folder / "bench.labeler", name="benchmark")
    rng = np.random.default_rng(0)
    with project.transaction():
        classes = [project.add_class(n, GeometryKind.BOX).id for n in ("scratch", "crack")]
        classes.append(project.add_class("dent", GeometryKind.POLYGON).id)
        person = project.add_person("Ana", Role.ANNOTATOR)
        probes = (
            ImageProbe(
                image, hashlib.sha256(str(i).encode()).hexdigest(), WIDTH, HEIGHT, 1, size, "JPEG"
            )
            for i in range(n_images)
        )
        records = [r for r, _ in project.add_images(probes)]
        for record in records:
            xy = rng.uniform(0, 1, (per_image, 2)) * (WIDTH - 40, HEIGHT - 40)
            wh = rng.uniform(10, 120, (per_image, 2))
            shapes = []
            for k in range(per_image):
                x, y = float(xy[k, 0]), float(xy[k, 1])
                w, h = float(min(wh[k, 0], WIDTH - x)), float(min(wh[k, 1], HEIGHT - y))
                if k % 5 == 4:
                    ring = ((x, y), (x + w, y), (x + w / 2, y + h))
                    shapes.append((classes[2], Polygon(ring)))
                else:
                    shapes.append((classes[k % 2], Box(x, y, x + w, y + h)))
            project.add_annotations(record.id, shapes, person.id, AnnotationSource.MANUAL)
        run = project.start_model_run("0" * 64, "benchmark", {}, "CPU")
        for record in records:
            count = int(rng.integers(2, 5))
            xy = rng.uniform(0, 1, (count, 2)) * (WIDTH - 130, HEIGHT - 130)
            wh = rng.uniform(10, 120, (count, 2))
            predictions = [
                (classes[k % 2], Box(*xy[k], *(xy[k] + wh[k])), float(rng.uniform(0.3, 0.99)))
                for k in range(count)
            ]
            project.add_predictions(run.id, record.id, predictions)
        project.finish_model_run(run.id)
    project.close()
    return folder / "bench.labeler"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--objects-per-image", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the project in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench.labeler"
        started = time.perf_counter()
        reused = path.exists()
        if not reused:
            path = build(folder, args.images, args.objects_per_image)
        built = time.perf_counter() - started
        with Project.open(path) as project:
            out = folder / "coco"
            started = time.perf_counter()
            result = export_dataset(project, out, ExportOptions(format="coco"))
            seconds = time.perf_counter() - started
            again = folder / "coco2"
            export_dataset(project, again, ExportOptions(format="coco"))
        counts = result.manifest["counts"]
        document = out / "annotations" / "instances_all.json"
        identical = (
            all(
                (out / rel).read_bytes() == (again / rel).read_bytes()
                for rel in result.manifest["files"]
            )
            and (out / "manifest.json").read_bytes() == (again / "manifest.json").read_bytes()
        )
        how = "reused" if reused else f"built in {built:.1f} s"
        print(f"project: {how} ({counts['images_in_project']} images)")
        print(
            f"COCO export: {seconds:.1f} s for {counts['images']} images, {counts['objects']} "
            f"objects ({document.stat().st_size / 1e6:.0f} MB), target <= 60 s: "
            f"{'PASS' if seconds <= 60 else 'FAIL'}"
        )
        print(f"second export byte-identical: {identical}")
        _check_pycocotools(document, counts)
        if args.keep:
            for leftover in (out, again):
                shutil.rmtree(leftover)
    return 0 if seconds <= 60 else 1


def _check_pycocotools(document: Path, counts: dict[str, int]) -> None:
    try:
        from pycocotools.coco import COCO
    except ImportError:
        print("pycocotools not installed: load check skipped")
        return
    import contextlib
    import io

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(document))
    ok = len(coco.getImgIds()) == counts["images"] and len(coco.getAnnIds()) == counts["objects"]
    print(f"pycocotools load: {time.perf_counter() - started:.1f} s, counts match: {ok}")


if __name__ == "__main__":
    sys.exit(main())
