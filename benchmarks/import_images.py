"""Image import throughput: our probe + batched store writes vs a naive full-decode loop.

Run::

    python benchmarks/import_images.py --small          # 2,000 JPEGs of 640x480
    python benchmarks/import_images.py --n 40           # 40 camera-size JPEGs (4000x3000)

Baseline: what a simple importer does, one file at a time: read the bytes, SHA-256 them,
``cv2.imread`` in full to validate, no store writes. Ours: ``import_images`` into a new
project (header-first size guard, one read per file, OpenCV decode check, hash, batched
transactions). Rounds alternate so that load from other processes hits both alike; prints
images/s for both and their ratio. Target for --small: >= 2.0x.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labeler.core.importing import import_images
from labeler.core.store import Project


def make_jpegs(folder: Path, n: int, size: tuple[int, int] = (4000, 3000)) -> list[Path]:
    """N distinct JPEGs (quality 90) of a smooth random texture with the index written on."""
    rng = np.random.default_rng(0)
    w, h = size
    base = cv2.resize(rng.integers(0, 255, (h // 10, w // 10, 3), dtype=np.uint8), size,
                      interpolation=cv2.INTER_CUBIC)
    scale = max(1, w // 500)
    paths = []
    for i in range(n):
        image = np.roll(base, i * 37, axis=1)
        cv2.putText(image, f"{i}", (w // 20, h // 7), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (255, 255, 255), 2 * scale)
        path = folder / f"img_{i:05}.jpg"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(path)
    return paths


def naive_import(paths: list[Path]) -> tuple[float, float]:
    """What a simple importer does: read, hash, full decode to validate, one at a time.

    Returns wall-clock and CPU seconds (CPU: all threads of this process).
    """
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        image = cv2.imread(str(path))
        assert image is not None
    return time.perf_counter() - started, time.process_time() - cpu


def ours_import(folder: Path, images: Path, n: int, round_no: int) -> tuple[float, float]:
    with Project.create(folder / f"bench{round_no}.labeler", ["a"]) as project:
        started, cpu = time.perf_counter(), time.process_time()
        report = import_images(project, [images])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.added == n, report.to_dict()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--small", action="store_true", help="640x480 JPEGs (default 2,000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = (640, 480) if args.small else (4000, 3000)
    n = args.n or (2000 if args.small else 40)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        images = folder / "images"
        images.mkdir()
        started = time.perf_counter()
        paths = make_jpegs(images, n, size)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"images: {n} JPEGs of {size[0]}x{size[1]} ({mb:.0f} MB), made in "
              f"{time.perf_counter() - started:.1f} s")
        print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
        naive_import(paths[: min(n, 50)])  # warm the page cache and the decoders
        naive_s, ours_s = [], []
        for round_no in range(args.rounds):
            if round_no % 2:
                ours_s.append(ours_import(folder, images, n, round_no))
                naive_s.append(naive_import(paths))
            else:
                naive_s.append(naive_import(paths))
                ours_s.append(ours_import(folder, images, n, round_no))
        print(f"load average after : {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    naive_wall, naive_cpu = np.mean([w for w, _ in naive_s]), np.mean([c for _, c in naive_s])
    ours_wall, ours_cpu = np.mean([w for w, _ in ours_s]), np.mean([c for _, c in ours_s])
    print(f"naive (read + sha256 + full decode, no store): {n / naive_wall:7.1f} images/s "
          f"({', '.join(f'{w:.2f}' for w, _ in naive_s)} s), "
          f"CPU {naive_cpu * 1000 / n:.2f} ms/image")
    print(f"labeler import (validate + hash + store):      {n / ours_wall:7.1f} images/s "
          f"({', '.join(f'{w:.2f}' for w, _ in ours_s)} s), "
          f"CPU {ours_cpu * 1000 / n:.2f} ms/image (all threads)")
    print(f"ratio: {naive_wall / ours_wall:.2f}x wall clock"
          + (" (target >= 2.0)" if args.small else "")
          + f"; {naive_cpu / ours_cpu:.2f}x less CPU work per image")


if __name__ == "__main__":
    main()
