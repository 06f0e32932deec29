"""GUI benchmarks of the labeling workspace, offscreen, on 12-megapixel JPEGs.

Usage::

    QT_QPA_PLATFORM=offscreen python benchmarks/gui.py [--images 24] [--pages 1000] [--keep DIR]

Prints three sets of figures, each beside a baseline measured in the same run:

1. Next-image latency: key press (``D``) to the new image painted, median and
   p95, with prefetch of neighbours (the user dwells on each image long enough
   for the prefetch to finish, as when labeling) and without (cache cleared,
   prefetch off: decode on demand). Target: p95 <= 50 ms with prefetch.
2. Canvas repaint with 2,000 boxes and 200 polygons of 100 vertices on a 12 MP
   image, one polygon selected (its handles drawn): median full-viewport repaint
   after a pan step and after a zoom step, at fit and at 100 %. Target <= 16 ms.
3. Memory while paging through ``--pages`` images (real window, prefetch on):
   resident memory every 100 images; it must level off (the decode cache is
   bounded in bytes).

The 1,000-page run reuses the generated JPEG files under distinct content
hashes (``Project.add_images`` with ``ImageProbe`` values), like the other
benchmarks; every page is decoded anew because the cache is keyed by image.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from labeler.app.launch import application  # noqa: E402
from labeler.app.main_window import MainWindow  # noqa: E402
from labeler.core.domain import GeometryKind, Role  # noqa: E402
from labeler.core.geometry import Box, Geometry, Polygon  # noqa: E402
from labeler.core.images import ImageProbe  # noqa: E402
from labeler.core.store import Project  # noqa: E402

WIDTH, HEIGHT = 4000, 3000
WINDOW_SIZE = (1600, 1000)


# Data


def make_jpegs(folder: Path, count: int) -> list[Path]:
    """``count`` distinct 12 MP camera-like JPEGs (smooth light, texture, sensor noise)."""
    folder.mkdir(parents=True, exist_ok=True)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    paths = []
    for i in range(count):
        path = folder / f"photo_{i:03d}.jpg"
        paths.append(path)
        if path.exists():
            continue
        rng = np.random.default_rng(i)
        tint = rng.uniform(0.5, 1.0, 3)
        base = (
            np.stack(
                [
                    xx / WIDTH * 180 * tint[0],
                    yy / HEIGHT * 160 * tint[1],
                    (xx + yy) / (WIDTH + HEIGHT) * 200 * tint[2],
                ],
                axis=-1,
            )
            + 30
        )
        texture = rng.integers(0, 255, (HEIGHT // 40, WIDTH // 40, 3)).astype(np.uint8)
        texture = cv2.resize(texture, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
        image = base * 0.7 + texture * 0.3 + rng.normal(0, 5, base.shape)
        cv2.imwrite(
            str(path), np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90]
        )
    return paths


def make_project(path: Path, files: list[Path], total: int) -> Project:
    """A project of ``total`` images cycling over ``files`` (distinct content hashes)."""
    project = Project.create(path, ["scratch", "crack"], GeometryKind.BOX)
    project.add_class("dent", GeometryKind.POLYGON)
    project.add_person("bench", Role.ANNOTATOR)
    probes = []
    for i in range(total):
        file = files[i % len(files)]
        sha = hashlib.sha256(f"{file}:{i}".encode()).hexdigest()
        probes.append(ImageProbe(file, sha, WIDTH, HEIGHT, 1, file.stat().st_size, "JPEG"))
    project.add_images(probes)
    return project


def crowded_shapes(rng: np.random.Generator) -> list[tuple[int, Geometry]]:
    """2,000 boxes and 200 polygons of 100 vertices (ellipses), in classes 1-3."""
    shapes: list[tuple[int, Geometry]] = []
    for _ in range(2000):
        w, h = rng.uniform(20, 220, 2)
        x, y = rng.uniform(0, WIDTH - w), rng.uniform(0, HEIGHT - h)
        shapes.append((int(rng.integers(1, 3)), Box(x, y, x + w, y + h)))
    angles = np.linspace(0, 2 * math.pi, 100, endpoint=False)
    for _ in range(200):
        rx, ry = rng.uniform(30, 160, 2)
        cx, cy = rng.uniform(rx, WIDTH - rx), rng.uniform(ry, HEIGHT - ry)
        points = tuple((float(cx + rx * math.cos(a)), float(cy + ry * math.sin(a))) for a in angles)
        shapes.append((3, Polygon(points)))
    return shapes


# Harness


def open_window(project: Project) -> MainWindow:
    person = project.person_by_name("bench")
    assert person is not None
    window = MainWindow(
        project, person, owns_project=False, thumbnail_dir=project.path.parent / "thumbs"
    )
    window.resize(*WINDOW_SIZE)
    window.show()
    wait_for(window.is_image_displayed, 30)
    return window


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    app = QApplication.instance()
    assert app is not None
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.0005)
    return True


def settle(seconds: float) -> None:
    app = QApplication.instance()
    assert app is not None
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def next_image_ms(window: MainWindow) -> float:
    """Press D; time until the new image's pixels are painted in the canvas."""
    viewport = window.canvas_view.viewport()
    before = window.current_image_id()
    start = time.perf_counter()
    QTest.keyClick(window.canvas_view, Qt.Key.Key_D)
    ok = wait_for(lambda: window.current_image_id() != before and window.is_image_displayed(), 10)
    viewport.repaint()
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed if ok else math.inf


def neighbours_ready(window: MainWindow) -> bool:
    loader, controller = window.loader, window.controller
    wanted = window.image_browser.neighbours()
    return all(loader.cached(r.id, controller.request_for(r).size[0]) is not None for r in wanted)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


# Benchmarks


def bench_next_image(window: MainWindow, count: int) -> tuple[list[float], list[float]]:
    with_prefetch: list[float] = []
    window.go_to_image(0)
    wait_for(window.is_image_displayed, 10)
    for _ in range(count - 1):
        wait_for(lambda: neighbours_ready(window), 10)  # the user looks at the image meanwhile
        with_prefetch.append(next_image_ms(window))
    window.controller.prefetch_enabled = False
    window.go_to_image(0)
    wait_for(window.is_image_displayed, 10)
    settle(0.5)
    window.loader.clear()
    without: list[float] = []
    for _ in range(count - 1):
        without.append(next_image_ms(window))
        settle(0.05)
    window.controller.prefetch_enabled = True
    return with_prefetch, without


def time_repaints(window: MainWindow, step: Callable[[int], None], n: int = 60) -> list[float]:
    viewport = window.canvas_view.viewport()
    times = []
    for i in range(n):
        start = time.perf_counter()
        step(i)
        viewport.repaint()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_canvas(window: MainWindow) -> dict[str, float]:
    view = window.canvas_view
    polygon = next(
        k for k in view.layer.shape_keys() if isinstance(view.layer.geometry(k), Polygon)
    )
    view.select(polygon)
    results: dict[str, float] = {}
    bar = view.horizontalScrollBar()
    center = view.viewport().rect().center()

    def pan(i: int) -> None:
        bar.setValue(bar.value() + (40 if i % 2 == 0 else -40))

    def zoom(i: int) -> None:
        view.zoom_by(1.25 if i % 2 == 0 else 0.8, QPoint(center))

    for label in ("fit", "100%"):
        if label == "fit":
            view.zoom_fit()
        else:
            view.zoom_actual()
            wait_for(lambda: view.image_item.pixel_width == WIDTH, 30)
        settle(0.2)
        results[f"pan at {label}"] = statistics.median(time_repaints(window, pan))
        results[f"zoom at {label}"] = statistics.median(time_repaints(window, zoom))
    view.zoom_fit()
    settle(0.2)
    view.shapes_item.use_raster = False
    results["baseline: QPainter per shape, zoom at fit"] = statistics.median(
        time_repaints(window, zoom)
    )
    view.shapes_item.use_raster = True
    view.select(None)
    results["baseline: empty canvas, zoom at 100%"] = _empty_canvas_zoom(window)
    return results


def _empty_canvas_zoom(window: MainWindow) -> float:
    view = window.canvas_view
    saved = [view.drawn_shape(k) for k in view.layer.shape_keys()]
    view.set_shapes([])
    center = view.viewport().rect().center()
    times = time_repaints(window, lambda i: view.zoom_by(1.25 if i % 2 == 0 else 0.8, center))
    view.set_shapes([s for s in saved if s is not None])
    return statistics.median(times)


def bench_memory(window: MainWindow, pages: int) -> list[tuple[int, float]]:
    samples = [(0, rss_mb())]
    window.go_to_image(0)
    wait_for(window.is_image_displayed, 10)
    for page in range(1, pages):
        if not window.image_browser.step(1):
            browser = window.image_browser
            print(f"   (paging stopped at row {browser.current_row()} of {browser.row_count()})")
            break
        wait_for(window.is_image_displayed, 10)
        if page % 100 == 0 or page == pages - 1:
            samples.append((page, rss_mb()))
    return samples


def bench_browser(folder: Path, file: Path, count: int) -> dict[str, float]:
    """Open the workspace on ``count`` images; jump to the last row; filter by status."""
    project = Project.create(folder / f"browser-{int(time.time())}.labeler", ["a"])
    project.add_person("bench", Role.ANNOTATOR)
    with project.transaction():
        for start in range(0, count, 10_000):
            project.add_images(
                ImageProbe(
                    file, hashlib.sha256(f"b{i}".encode()).hexdigest(), WIDTH, HEIGHT, 1, 1, "JPEG"
                )
                for i in range(start, min(count, start + 10_000))
            )
    figures: dict[str, float] = {}
    start = time.perf_counter()
    window = open_window(project)
    figures["open window, first image painted"] = (time.perf_counter() - start) * 1000
    browser = window.image_browser
    start = time.perf_counter()
    browser.set_current_row(count - 1)
    wait_for(window.is_image_displayed, 30)
    browser.list_view.viewport().repaint()
    figures[f"jump to row {count:,} and paint"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    browser.list_view.verticalScrollBar().setValue(
        browser.list_view.verticalScrollBar().maximum() // 2
    )
    browser.list_view.viewport().repaint()
    figures["scroll to the middle and paint the rows"] = (time.perf_counter() - start) * 1000
    window.close()
    project.close()
    return figures


# Report


def report_latency(with_prefetch: list[float], without: list[float]) -> None:
    print("\n1. Next-image latency, key press -> new 12 MP image painted (ms)")
    print(f"   {'':24}{'median':>9}{'p95':>9}{'max':>9}{'n':>5}")
    for name, values in (("with prefetch", with_prefetch), ("without prefetch", without)):
        print(
            f"   {name:24}{statistics.median(values):9.1f}{percentile(values, 0.95):9.1f}"
            f"{max(values):9.1f}{len(values):5d}"
        )
    ratio = percentile(without, 0.95) / max(percentile(with_prefetch, 0.95), 1e-9)
    verdict = "PASS" if percentile(with_prefetch, 0.95) <= 50 else "FAIL"
    print(f"   p95 with prefetch <= 50 ms: {verdict}; prefetch is {ratio:.1f}x faster at p95")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=24, help="distinct 12 MP JPEGs")
    parser.add_argument("--pages", type=int, default=1000, help="images paged for memory")
    parser.add_argument("--browser-images", type=int, default=100_000, help="browser size")
    parser.add_argument(
        "--only", default="latency,canvas,memory,browser", help="comma-separated sections to run"
    )
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the data in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="labeler-gui-bench-"))
    application()
    print(f"Generating {args.images} 12 MP JPEGs in {folder} ...", flush=True)
    files = make_jpegs(folder / "images", args.images)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)

    stamp = int(time.time())
    sections = set(args.only.split(","))
    if "latency" in sections:
        with make_project(folder / f"latency-{stamp}.labeler", files, args.images) as project:
            window = open_window(project)
            with_prefetch, without = bench_next_image(window, args.images)
            window.close()
        report_latency(with_prefetch, without)
    if "canvas" in sections:
        report_canvas(folder, files, stamp)
    if "memory" in sections:
        report_memory(folder, files, stamp, args.pages)
    if "browser" in sections:
        browser = bench_browser(folder, files[0], args.browser_images)
        print(f"\n4. Image browser on {args.browser_images:,} images (ms)")
        for name, value in browser.items():
            print(f"   {name:44}{value:8.1f}")
    return 0


def report_canvas(folder: Path, files: list[Path], stamp: int) -> None:
    with make_project(folder / f"canvas-{stamp}.labeler", files[:1], 1) as project:
        image = project.images()[0]
        person = project.person_by_name("bench")
        assert person is not None
        shapes = crowded_shapes(np.random.default_rng(1))
        project.add_annotations(image.id, shapes, person.id, source="manual")
        window = open_window(project)
        canvas = bench_canvas(window)
        window.close()
    print("\n2. Canvas repaint, 2,000 boxes + 200 polygons x 100 vertices, 12 MP image (ms)")
    for name, value in canvas.items():
        flag = "" if name.startswith("baseline") else ("  PASS" if value <= 16 else "  FAIL")
        print(f"   median full-viewport repaint after {name:44}{value:7.1f}{flag}")


def report_memory(folder: Path, files: list[Path], stamp: int, pages: int) -> None:
    with make_project(folder / f"memory-{stamp}.labeler", files, pages) as project:
        window = open_window(project)
        samples = bench_memory(window, pages)
        cached = window.loader.cached_bytes / 1e6
        window.close()
    print(f"\n3. Resident memory while paging through {samples[-1][0] + 1} images (MB)")
    print("   " + "  ".join(f"{page}: {mb:.0f}" for page, mb in samples))
    later = [mb for page, mb in samples if page >= min(300, samples[-1][0])]
    print(
        f"   after the cache filled: min {min(later):.0f}, max {max(later):.0f} "
        f"(spread {max(later) - min(later):.0f} MB); decode cache holds {cached:.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
