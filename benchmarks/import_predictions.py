"""Importing a model run made elsewhere: predictions import vs reading the file alone.

Run: python benchmarks/import_predictions.py [--n 20000] [--per-image 3]
Builds a project of N image records (bulk rows: no pixels are read by this
import), writes a COCO predictions file over them, and prints the seconds of
(a) reading and parsing that file (the baseline), (b) the whole import into one
complete model run, and their ratio; then what matching the references through
``Project.find_image`` one at a time (the annotation importer's way, a table scan
each) costs per image against the in-memory index the import uses.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from labeler.core.formats.coco import parse_coco
from labeler.core.image_refs import ImageIndex
from labeler.core.prediction_import import import_predictions
from labeler.core.store import Project

CLASSES = ["scratch", "crack", "dent"]


def write_predictions(path: Path, n: int, per_image: int) -> None:
    images = [
        {"id": i, "file_name": f"site{i % 7}/img{i:06d}.jpg", "width": 640, "height": 480}
        for i in range(n)
    ]
    annotations = [
        {
            "image_id": i,
            "category_id": 1 + k % 3,
            "bbox": [10.5 + k * 50, 20.25, 40, 30],
            "score": round(0.3 + 0.2 * (k % 3), 2),
        }
        for i in range(n)
        if i % 4  # every fourth image: seen, no detections
        for k in range(per_image)
    ]
    categories = [{"id": i + 1, "name": name} for i, name in enumerate(CLASSES)]
    path.write_text(
        json.dumps({"images": images, "categories": categories, "annotations": annotations})
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--per-image", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = Project.create(folder / "p.labeler", CLASSES)
        project.load_image_rows(
            (f"{i:064x}", f"site{i % 7}/img{i:06d}.jpg", 640, 480, 1000, "new")
            for i in range(args.n)
        )
        predictions = folder / "preds.json"
        write_predictions(predictions, args.n, args.per_image)

        started = time.perf_counter()
        parse_coco(predictions)
        parse_s = time.perf_counter() - started

        started = time.perf_counter()
        report = import_predictions(project, predictions, "coco", "benchmark")
        import_s = time.perf_counter() - started

        refs = [f"site{i % 7}/img{i:06d}.jpg" for i in range(0, args.n, max(1, args.n // 200))]
        started = time.perf_counter()
        for ref in refs:
            project.find_image(ref)
        scan_ms = (time.perf_counter() - started) / len(refs) * 1000
        started = time.perf_counter()
        index = ImageIndex(project.images())
        for ref in refs:
            index.find(ref)
        index_ms = (time.perf_counter() - started) / len(refs) * 1000  # includes building it
        project.close()
    print(
        f"images: {args.n}, predictions stored: {report.predictions}, "
        f"covered: {report.images_covered}"
    )
    print(f"parse only (baseline): {parse_s:.2f} s")
    print(
        f"import (parse, match, check, store one run): {import_s:.2f} s "
        f"({import_s / args.n * 1000:.2f} ms per image), "
        f"ratio to parse {import_s / parse_s:.1f}x"
    )
    print(
        f"match by find_image: {scan_ms:.2f} ms per reference (x {args.n} images = "
        f"{scan_ms * args.n / 1000:.0f} s); in-memory index incl. building it for "
        f"{len(refs)} references: {index_ms:.3f} ms per reference"
    )


if __name__ == "__main__":
    main()
