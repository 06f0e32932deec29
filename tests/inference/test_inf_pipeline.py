"""The batch engine: order, batching, errors per image, progress, cancel, bounded memory."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from inference_graphs import const_model, grid_detector, v8_output, write_json

from inference import ImageDecodeError, PrelabelEngine, WorkItem, load_model


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("prelabel-")]


def _wait_for_threads_to_end(timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while _decode_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _decode_threads(), _decode_threads()


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> list[Path]:
    """12 JPEGs; image i has a red block in grid cell i (in 320-pixel model space)."""
    folder = tmp_path_factory.mktemp("imgs")
    paths = []
    for i in range(12):
        image = np.zeros((640, 640, 3), np.uint8)  # 1/2 decode -> 320, cells of 64 px
        x = 64 * (i % 5)
        image[128:192, x : x + 64] = (0, 0, 255)
        path = folder / f"img{i:02d}.jpg"
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def grid_model(tmp_path_factory):
    return load_model(grid_detector(tmp_path_factory.mktemp("m") / "grid.onnx"), device="cpu")


def test_results_in_order_with_boxes_from_each_image(grid_model, images):
    engine = PrelabelEngine(grid_model, batch_size=4)
    seen = []
    results = list(
        engine.run(
            [(f"k{i}", p) for i, p in enumerate(images)],
            conf=0.5,
            progress=lambda done, total: seen.append((done, total)),
        )
    )
    assert [r.key for r in results] == [f"k{i}" for i in range(12)]
    for i, result in enumerate(results):
        assert result.error is None
        [det] = result.detections
        x = 64 * (i % 5)
        assert det.class_name == "red"
        assert det.box == pytest.approx((x, 128, x + 64, 192), abs=0.5)
        assert result.timing.decode_ms > 0 and result.timing.inference_ms > 0
    assert seen == [(n, 12) for n in range(1, 13)]
    stats = engine.last_stats
    assert stats.images == 12 and stats.failed == 0 and not stats.cancelled
    assert stats.images_per_second > 0
    _wait_for_threads_to_end()


def test_workers_run_the_model_on_the_cpu_and_give_what_batches_give(
    grid_model, images, monkeypatch
):
    import inference.pipeline as pipeline

    items = [(i, p) for i, p in enumerate(images)]
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    engine = PrelabelEngine(grid_model, batch_size=4)
    assert engine.infer_in_workers  # 2 workers on 2 cores: each runs its own image
    assert not PrelabelEngine(grid_model, infer_in_workers=False).infer_in_workers
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 16)
    assert not PrelabelEngine(grid_model).infer_in_workers  # decoders keep decoding
    assert PrelabelEngine(grid_model, decode_threads=16).infer_in_workers
    by_worker = list(engine.run(items, conf=0.5))
    batched = list(PrelabelEngine(grid_model, batch_size=4, infer_in_workers=False).run(items))
    assert [r.key for r in by_worker] == list(range(12))
    for worker, batch in zip(by_worker, batched, strict=True):
        assert [(d.class_name, d.box, d.score) for d in worker.detections] == [
            (d.class_name, d.box, d.score) for d in batch.detections
        ]
        assert worker.timing.inference_ms > 0 and worker.timing.postprocess_ms >= 0
    _wait_for_threads_to_end()


def test_a_bad_image_is_reported_and_the_run_goes_on(grid_model, images, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff" + bytes(50))
    items = [WorkItem("a", images[0]), WorkItem("bad", bad), ("missing", tmp_path / "nope.jpg")]
    items.append(WorkItem("b", images[1], (640, 640)))
    results = list(PrelabelEngine(grid_model, batch_size=2).run(items, conf=0.5))
    assert [r.key for r in results] == ["a", "bad", "missing", "b"]
    assert results[1].error.startswith(str(bad)) and results[1].detections == []
    assert "file not found" in results[2].error
    assert len(results[3].detections) == 1
    assert PrelabelEngine(grid_model).last_stats is None


def test_cancel_stops_promptly_and_yields_nothing_more(grid_model, images):
    cancel = threading.Event()
    engine = PrelabelEngine(grid_model, batch_size=2)
    got = []
    for result in engine.run([(i, images[i % 12]) for i in range(200)], cancel=cancel):
        got.append(result.key)
        if len(got) == 3:
            cancel.set()
    assert got == [0, 1, 2]
    assert engine.last_stats.cancelled and engine.last_stats.images == 3
    _wait_for_threads_to_end()


def test_cancel_with_a_callable_before_the_first_result(grid_model, images):
    engine = PrelabelEngine(grid_model)
    assert list(engine.run([(0, images[0])], cancel=lambda: True)) == []
    assert engine.last_stats.cancelled
    _wait_for_threads_to_end()


def test_queue_is_bounded_for_a_lazy_input(grid_model, images):
    pulled = 0

    def endless():
        nonlocal pulled
        while True:
            pulled += 1
            yield (pulled, images[pulled % 12])

    engine = PrelabelEngine(grid_model, decode_threads=2, batch_size=2, queue_size=3)
    run = engine.run(endless())
    first = next(run)
    time.sleep(0.3)  # the feeder would run ahead here if nothing bounded it
    assert first.key == 1
    # queue (3) + the batch being processed (2) + one in the feeder's hand + slack for timing
    assert pulled <= 3 + 2 + 1 + 2
    run.close()  # like a caller breaking out of the loop
    assert engine.last_stats.images == 1
    _wait_for_threads_to_end()


def test_progress_total_is_none_for_a_lazy_input(grid_model, images):
    seen = []
    gen = ((i, p) for i, p in enumerate(images[:3]))
    list(PrelabelEngine(grid_model).run(gen, progress=lambda d, t: seen.append((d, t))))
    assert seen == [(1, None), (2, None), (3, None)]


def test_an_error_while_listing_items_reaches_the_caller(grid_model, images):
    def broken():
        yield (0, images[0])
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        list(PrelabelEngine(grid_model).run(broken()))
    with pytest.raises(TypeError, match="work items must be"):
        list(PrelabelEngine(grid_model).run(["just-a-path.jpg"]))
    _wait_for_threads_to_end()


def test_one_image_requests(grid_model, images, tmp_path):
    engine = PrelabelEngine(grid_model)
    result = engine.predict_path(images[2], conf=0.5)
    assert result.key == images[2]
    assert result.detections[0].box == pytest.approx((128, 128, 192, 192), abs=0.5)
    image = cv2.imread(str(images[2]))
    same = engine.predict_image(image, conf=0.5)
    assert same.detections[0].box == pytest.approx((128, 128, 192, 192), abs=0.5)
    with pytest.raises(ImageDecodeError, match=r"nope\.jpg: file not found"):
        engine.predict_path(tmp_path / "nope.jpg")


def test_a_fixed_batch_of_several_is_sent_whole_not_padded_per_image(tmp_path, images):
    out = v8_output([(160, 160, 64, 64, 0, 0.9)], nc=2)
    path = const_model(
        tmp_path / "b2.onnx", {"output0": np.concatenate([out, out])}, input_shape=(2, 3, 320, 320)
    )
    model = load_model(path, device="cpu")
    assert model.info.static_batch == 2
    engine = PrelabelEngine(model)
    assert engine.batch_size == 2 and not engine.infer_in_workers
    results = list(engine.run([(i, p) for i, p in enumerate(images[:3])]))
    assert [len(r.detections) for r in results] == [1, 1, 1]


def test_static_batch_model_and_unmapped_class_counts(tmp_path, images):
    out = v8_output([(160, 160, 64, 64, 0, 0.9), (60, 60, 20, 20, 1, 0.8)], nc=2)
    path = const_model(tmp_path / "s.onnx", {"output0": out}, input_shape=(1, 3, 320, 320))
    write_json(tmp_path / "s.json", {"names": ["dent", "person"], "class_map": {"dent": "Dent"}})
    engine = PrelabelEngine(load_model(path, device="cpu"), batch_size=8)
    assert engine.batch_size == 1
    results = list(engine.run([(i, p) for i, p in enumerate(images[:5])]))
    assert all([d.class_name for d in r.detections] == ["Dent"] for r in results)
    assert all(r.dropped_unmapped == {"person": 1} for r in results)
    assert engine.last_stats.dropped_message() == (
        "dropped 5 predictions of unmapped classes: person"
    )
