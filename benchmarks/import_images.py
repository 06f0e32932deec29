"""Image import throughput: our probe + batched store writes vs a naive full-decode loop.

Run: python benchmarks/import_images.py [--n 60]
Prints images/s for both on the same generated camera-size JPEGs, and their ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from labeler.core.importing import import_images
from labeler.core.store import Project


def make_jpegs(folder: Path, n: int, size: tuple[int, int] = (4000, 3000)) -> list[Path]:
    rng = np.random.default_rng(0)
    base = cv2.resize(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8), size,
                      interpolation=cv2.INTER_CUBIC)
    paths = []
    for i in range(n):
        image = np.roll(base, i * 37, axis=1)
        cv2.putText(image, f"{i}", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 8, (255, 255, 255), 12)
        path = folder / f"cam_{i:04}.jpg"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(path)
    return paths


def naive_import(paths: list[Path]) -> float:
    """What a simple importer does: full decode to validate, hash, one insert each."""
    started = time.perf_counter()
    for path in paths:
        image = cv2.imread(str(path))
        assert image is not None
        hashlib.sha256(path.read_bytes()).hexdigest()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_jpegs(folder, args.n)
        naive_s = naive_import(paths)
        with Project.create(folder / "bench.labeler", ["a"]) as project:
            started = time.perf_counter()
            report = import_images(project, [folder])
            ours_s = time.perf_counter() - started
        assert report.added == args.n, report.to_dict()
    naive_rate, ours_rate = args.n / naive_s, args.n / ours_s
    print(f"images: {args.n} JPEGs of 4000x3000")
    print(f"naive (full decode + hash, no store writes): {naive_rate:6.1f} images/s")
    print(f"labeler import (validate + hash + store):    {ours_rate:6.1f} images/s")
    print(f"ratio: {ours_rate / naive_rate:.2f}x")


if __name__ == "__main__":
    main()
