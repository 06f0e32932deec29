"""GUI benchmark of the AI polygon tool, offscreen, in the real main window.

Usage::

    QT_QPA_PLATFORM=offscreen python benchmarks/segment_gui.py [--encoder E --decoder D]
        [--images 8] [--clicks 40] [--size 1600x1200]

Default model: the shipped demo segmenter. Prints, each beside a baseline measured in
the same run:

1. Click to preview painted, with the image's embedding cached: mouse click on the
   canvas to the mask outline painted (decode off the GUI thread, outline, paint),
   median and p95, against the bare decoder call (``Segmenter.decode``) on the same
   embedding and prompts. Target: p95 <= 50 ms.
2. Next image ready to segment: key ``D`` to the new image's embedding ready, with
   prefetch (the annotator works on each image long enough for the encoder to finish
   the next ones) and without (prefetch off, empty cache: encode on demand), median.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from labeler.app import ai_polygon  # noqa: E402
from labeler.app.launch import application  # noqa: E402
from labeler.app.main_window import MainWindow  # noqa: E402
from labeler.app.model_choice import ModelChoice, save_choice  # noqa: E402
from labeler.core.domain import GeometryKind, Role  # noqa: E402
from labeler.core.embedding_cache import project_cache_dir  # noqa: E402
from labeler.core.importing import import_images  # noqa: E402
from labeler.core.store import Project  # noqa: E402
from labeler.demo.synth import generate_image  # noqa: E402


def _wait(app: QApplication, done: Callable[[], bool], timeout: float = 1800.0) -> float:
    """Process events until ``done()``; returns the seconds it took."""
    start = time.perf_counter()
    while not done():
        app.processEvents()
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the window did not get there in time")
        time.sleep(0.0005)
    return time.perf_counter() - start


def _project(folder: Path, count: int, size: tuple[int, int]) -> tuple[Path, list]:
    images = folder / "images"
    images.mkdir(parents=True)
    samples = []
    for index in range(count):
        sample = generate_image(np.random.default_rng(100 + index), *size)
        cv2.imwrite(
            str(images / f"phone_{index:03d}.jpg"), sample.image, [cv2.IMWRITE_JPEG_QUALITY, 92]
        )
        samples.append(sample)
    path = folder / "bench.labeler"
    with Project.create(path, ["dent"], GeometryKind.POLYGON) as project:
        project.add_person("ana", Role.ANNOTATOR)
        import_images(project, [images])
    return path, samples


def _open(app: QApplication, path: Path, folder: Path) -> MainWindow:
    project = Project.open(path)
    person = project.person_by_name("ana")
    assert person is not None
    window = MainWindow(project, person, thumbnail_dir=folder / "thumbs")
    window.resize(1400, 900)
    window.show()
    _wait(app, window.is_image_displayed)
    return window


def _prompts(samples: list, count: int) -> list[tuple[float, float]]:
    """Click points: the centres of the generated marks, cycled (else the image centre)."""
    points = [
        ((o.box[0] + o.box[2]) / 2, (o.box[1] + o.box[3]) / 2)
        for s in samples[:1]
        for o in s.objects
    ]
    h, w = samples[0].image.shape[:2]
    points = points or [(w / 2, h / 2)]
    jitter = np.random.default_rng(0).uniform(-6, 6, (count, 2))
    return [
        (points[i % len(points)][0] + dx, points[i % len(points)][1] + dy)
        for i, (dx, dy) in enumerate(jitter)
    ]


def click_latency(app: QApplication, window: MainWindow, points: list) -> list[float]:
    """Click to the mask outline painted, with the embedding cached, in ms.

    While the click is decoded the GUI thread waits in Qt's event loop, as in the app
    (no polling loop competing with the decoder thread for the CPU); the click's answer
    quits that loop, then the pending repaint is processed and the time taken.
    """
    tool = window.ai_polygon
    viewport = window.canvas_view.viewport()
    times = []
    for x, y in points:
        window.canvas_view.cancel_gesture()
        _wait(app, lambda: True)
        painted = tool.preview.paint_count
        shown: list = []
        loop = QEventLoop()

        def answer(result: object, shown: list = shown, loop: QEventLoop = loop) -> None:
            shown.append(result)
            if not result.request.tentative:  # type: ignore[attr-defined]
                loop.quit()

        tool.previewPainted.connect(answer)
        QTimer.singleShot(30_000, loop.quit)
        start = time.perf_counter()
        QTest.mouseClick(
            viewport,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            window.map_image_to_view(x, y),
        )
        if not any(not r.request.tentative for r in shown):  # not answered during the click
            loop.exec()
        while tool.preview.paint_count <= painted and time.perf_counter() - start < 30:
            app.processEvents()  # the repaint the answer asked for
        times.append((time.perf_counter() - start) * 1000)
        tool.previewPainted.disconnect(answer)
        BREAKDOWN.extend((r.decode_ms, r.outline_ms) for r in shown if not r.request.tentative)
    return times


ENCODE_MS: list[float] = []  # encoder times of the images encoded on demand
BREAKDOWN: list[tuple[float, float]] = []  # (decode ms, outline ms) of the clicks' answers


def bare_decode(window: MainWindow, points: list) -> list[float]:
    """The decoder call alone on the same embedding and prompts, in ms."""
    from inference.segmentation import Prompt

    service = window.ai_polygon.service
    record = window.controller.record
    assert record is not None and service.info is not None
    embedding = service.cache.get(record.sha256, service.info.model_sha256)
    segmenter = service.segmenter
    assert embedding is not None and segmenter is not None
    times = []
    for x, y in points:
        start = time.perf_counter()
        segmenter.decode(embedding, Prompt(points=((x, y),), labels=(1,)))
        times.append((time.perf_counter() - start) * 1000)
    return times


def next_image_ready(app: QApplication, window: MainWindow, steps: int, dwell: bool) -> list:
    """Key D to the next image's embedding ready, in ms (``dwell``: let prefetch finish)."""
    service = window.ai_polygon.service
    times = []
    for _ in range(steps):
        if dwell:
            ahead = [r.id for r in window.image_browser.neighbours()][: ai_polygon.PREFETCH_AHEAD]
            _wait(app, lambda a=ahead: all(service.has_embedding(i) for i in a))
        start = time.perf_counter()
        QTest.keyClick(window.canvas_view, Qt.Key.Key_D)
        target = window.current_image_id()
        _wait(app, lambda t=target: service.has_embedding(t))
        times.append((time.perf_counter() - start) * 1000)
        record, info = window.controller.record, service.info
        if not dwell and record is not None and info is not None:
            embedding = service.cache.get(record.sha256, info.model_sha256)
            ENCODE_MS.extend([embedding.encode_ms] if embedding is not None else [])
    return times


def _start_tool(app: QApplication, window: MainWindow) -> None:
    window.trigger("tool.ai_polygon")
    image_id = window.current_image_id()
    _wait(app, lambda: window.ai_polygon.service.has_embedding(image_id))


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", type=Path)
    parser.add_argument("--decoder", type=Path)
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--clicks", type=int, default=40)
    parser.add_argument("--size", default="1600x1200")
    args = parser.parse_args()
    if args.encoder is None or args.decoder is None:
        from labeler.core.segment_models import segmenter_files

        found = segmenter_files("demo_segmenter")
        args.encoder, args.decoder = found.encoder, found.decoder
    size = tuple(int(v) for v in args.size.lower().split("x"))
    app = application()
    print(
        f"model: {args.encoder.parent.name}/{args.encoder.name}, images {size[0]}x{size[1]} "
        f"JPEG, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="labeler-segment-gui-") as tmp:
        folder = Path(tmp)
        path, samples = _project(folder, args.images, size)
        with Project.open(path) as project:
            save_choice(
                project, ModelChoice(segment_encoder=args.encoder, segment_decoder=args.decoder)
            )
        window = _open(app, path, folder)
        _start_tool(app, window)
        points = _prompts(samples, args.clicks)
        busy = click_latency(app, window, points[: max(5, args.clicks // 4)])
        ahead = [r.id for r in window.image_browser.neighbours()][: ai_polygon.PREFETCH_AHEAD]
        _wait(app, lambda: all(window.ai_polygon.service.has_embedding(i) for i in ahead), 900)
        click_latency(app, window, points[:3])  # warm-up
        BREAKDOWN.clear()
        gui = click_latency(app, window, points)
        decode_ms = statistics.median(d for d, _o in BREAKDOWN)
        outline_ms = statistics.median(o for _d, o in BREAKDOWN)
        bare = bare_decode(window, points)
        print("\n1. click to preview painted (embedding cached)")
        print(
            f"   GUI, encoder idle:  median {statistics.median(gui):6.1f} ms  "
            f"p95 {_p95(gui):6.1f} ms (target p95 <= 50 ms)"
        )
        print(
            f"   of which decoder {decode_ms:.1f} ms, mask to polygon {outline_ms:.1f} ms (medians)"
        )
        print(
            f"   bare decoder:       median {statistics.median(bare):6.1f} ms  "
            f"p95 {_p95(bare):6.1f} ms  -> GUI/bare p95 {_p95(gui) / _p95(bare):.2f}x"
        )
        print(
            f"   GUI, while the next images are encoded ahead: median "
            f"{statistics.median(busy):6.1f} ms  p95 {_p95(busy):6.1f} ms ({len(busy)} clicks)"
        )
        steps = max(1, args.images // 2 - 1)
        with_prefetch = next_image_ready(app, window, steps, dwell=True)
        window.close()
        ai_polygon.PREFETCH_AHEAD = 0
        shutil.rmtree(project_cache_dir(path))  # encode on demand: nothing cached
        window = _open(app, path, folder)
        _start_tool(app, window)
        without = next_image_ready(app, window, steps, dwell=False)
        window.close()
        print(f"\n2. next image ready to segment ({steps} steps each)")
        print(f"   with prefetch:    median {statistics.median(with_prefetch):7.1f} ms")
        print(
            f"   without prefetch: median {statistics.median(without):7.1f} ms  -> "
            f"{statistics.median(without) / max(statistics.median(with_prefetch), 0.01):.0f}x"
        )
        print(f"   encoder alone (Segmenter.encode, median): {statistics.median(ENCODE_MS):.0f} ms")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other agents share the CPU)")


if __name__ == "__main__":
    main()
