"""Decoding for the model: reduced-resolution JPEG decode, EXIF orientation, scale back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from inference_graphs import exif_jpeg, grid_detector

from inference import ImageDecodeError, PrelabelEngine, decode_for_model, load_model
from inference.preprocess import jpeg_oriented_size, letterbox


def _stored_image() -> np.ndarray:
    """1280x720 as stored; a pure red 128x128 block at x 512..640, y 104..232."""
    image = np.zeros((720, 1280, 3), np.uint8)
    image[104:232, 512:640] = (0, 0, 255)
    return image


def _red_bbox(image: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero((image[..., 2] > 128) & (image[..., 1] < 100))
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_reduced_decode_keeps_the_model_size_and_reports_the_scale(tmp_path):
    path = tmp_path / "plain.jpg"
    cv2.imwrite(str(path), _stored_image())
    # The decode keeps at least DECODE_MARGIN (2x) the model input's long side.
    image, scale = decode_for_model(path, 160)
    assert image.shape[:2] == (180, 320)  # 1/4: long side 320 >= 2 x 160; 1/8 would be 160
    assert scale == (4.0, 4.0)
    image, scale = decode_for_model(path, (320, 320))
    assert image.shape[:2] == (360, 640) and scale == (2.0, 2.0)
    image, scale = decode_for_model(path, 640)
    assert image.shape[:2] == (720, 1280) and scale == (1.0, 1.0)


def test_exif_rotated_jpeg_decodes_in_the_oriented_frame(tmp_path):
    # Orientation 6: rotate 90 degrees clockwise to display; stored (x, y) -> (719 - y, x).
    path = exif_jpeg(tmp_path / "rotated.jpg", _stored_image(), orientation=6)
    assert jpeg_oriented_size(path.read_bytes()) == (720, 1280)
    full, scale = decode_for_model(path, 2000)
    assert full.shape[:2] == (1280, 720) and scale == (1.0, 1.0)
    assert _red_bbox(full) == pytest.approx((720 - 232, 512, 720 - 104, 640), abs=2)
    small, scale = decode_for_model(path, 160)
    assert small.shape[:2] == (320, 180) and scale == (4.0, 4.0)
    x1, y1, x2, y2 = _red_bbox(small)
    assert (x1 * 4, y1 * 4, x2 * 4, y2 * 4) == pytest.approx((488, 512, 616, 640), abs=6)


def test_known_oriented_size_is_used_and_checked(tmp_path):
    path = exif_jpeg(tmp_path / "rotated.jpg", _stored_image(), orientation=6)
    image, scale = decode_for_model(path, 160, oriented_size=(720, 1280))
    assert image.shape[:2] == (320, 180) and scale == (4.0, 4.0)
    # A JPEG whose header no longer says the known size is refused before it is decoded.
    with pytest.raises(ImageDecodeError, match=r"rotated\.jpg: its header says 720x1280 but"):
        decode_for_model(path, 160, oriented_size=(1280, 720))
    png = tmp_path / "plain.png"
    cv2.imwrite(str(png), _stored_image())
    with pytest.raises(ImageDecodeError, match=r"plain\.png: decoded as 1280x720 but its"):
        decode_for_model(png, 160, oriented_size=(720, 1280))


def test_engine_boxes_on_an_exif_rotated_photo_are_in_the_oriented_frame(tmp_path):
    path = exif_jpeg(tmp_path / "rotated.jpg", _stored_image(), orientation=6)
    engine = PrelabelEngine(load_model(grid_detector(tmp_path / "grid.onnx"), device="cpu"))
    result = engine.predict_path(path, conf=0.5)
    # Oriented 720x1280 decoded at 1/2, letterboxed to 180x320 padded 70 px left: the red block at
    # oriented x 488..616, y 512..640 is exactly grid cell (col 6, row 4).
    best = max(result.detections, key=lambda d: d.score)
    assert best.class_name == "red" and best.score > 0.9
    assert best.box == pytest.approx((488, 512, 616, 640), abs=0.5)


def test_png_is_decoded_full_size(tmp_path):
    path = tmp_path / "a.png"
    cv2.imwrite(str(path), _stored_image())
    image, scale = decode_for_model(path, 320)
    assert image.shape[:2] == (720, 1280) and scale == (1.0, 1.0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "file not found"),
        (b"", "empty file"),
        (b"not an image at all", "not an image OpenCV can decode"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "not an image OpenCV can decode"),
    ],
)
def test_unreadable_images_name_the_file(tmp_path, content, reason):
    path = tmp_path / "bad.jpg"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImageDecodeError) as info:
        decode_for_model(path, 640)
    assert str(info.value).startswith(str(path))
    assert reason in str(info.value)


def test_letterbox_grey_padding_and_frame():
    image = np.full((100, 200, 3), 255, np.uint8)
    canvas, frame = letterbox(image, (64, 64), scale=(3.0, 3.0))
    assert canvas.shape == (64, 64, 3)
    assert (canvas[0, 0] == 114).all() and (canvas[32, 32] == 255).all()
    assert (frame.width, frame.height) == (600, 300)
    assert frame.pad_y == 16 and frame.gain_x == pytest.approx(200 / 64 * 3)
    back = frame.boxes_to_original(np.array([[0.0, 16.0, 64.0, 48.0]]))
    assert back[0] == pytest.approx((0, 0, 600, 300))


def test_center_crop_for_classifiers():
    from inference.preprocess import center_crop

    image = np.zeros((100, 300, 3), np.uint8)
    image[:, 100:200] = 255
    canvas, frame = center_crop(image, (64, 64))
    assert canvas.shape == (64, 64, 3)
    assert (canvas[:, 10:54] == 255).all()  # the middle third fills the crop
    assert (frame.width, frame.height) == (300, 100)


def test_dropped_message_wording():
    from collections import Counter

    from inference import dropped_message

    assert dropped_message(Counter()) is None
    assert dropped_message(Counter({"car": 1})) == "dropped 1 prediction of unmapped classes: car"
    assert dropped_message(Counter({"car": 2, "person": 10})) == (
        "dropped 12 predictions of unmapped classes: person, car"
    )


def _jpeg(path, image: np.ndarray):
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return path


def _smooth(h: int = 1200, w: int = 1600) -> np.ndarray:
    """A soft photo-like image: shading and a few blurred shapes, no pixel noise."""
    ys, xs = np.mgrid[0:h, 0:w]
    image = np.dstack([xs * 200 // w, ys * 200 // h, (xs + ys) * 100 // (w + h) + 50])
    image = image.astype(np.uint8)
    cv2.circle(image, (w // 3, h // 2), h // 5, (30, 30, 220), -1)
    cv2.rectangle(image, (w // 2, h // 4), (w // 2 + w // 4, h // 2), (220, 220, 40), -1)
    return cv2.GaussianBlur(image, (0, 0), 2.0)


def _noisy(h: int = 1200, w: int = 1600) -> np.ndarray:
    """The same picture with strong pixel noise, as a high-ISO sensor gives."""
    noise = np.random.default_rng(0).normal(0, 25, (h, w, 3))
    return (_smooth(h, w) + noise).clip(0, 255).astype(np.uint8)


def test_decode_factor_is_reduced_only_when_input_and_detections_stay_the_same(tmp_path):
    from inference.decode_choice import image_decode_factor
    from inference.preprocess import DECODE_TOLERANCE

    model = load_model(grid_detector(tmp_path / "grid.onnx", size=160), device="cpu")
    params = model.params(conf=0.3)
    smooth = _jpeg(tmp_path / "smooth.jpg", _smooth())
    noisy = _jpeg(tmp_path / "noisy.jpg", _noisy())
    assert image_decode_factor(model, smooth, None, params) == 4  # 1/8: < 2x the input
    assert image_decode_factor(model, noisy, None, params) == 1  # reductions average noise
    # With detections to compare, the model decides; with none, only identical pixels pass.
    assert image_decode_factor(model, smooth, None, params, tolerance=0.0) == 4
    nothing = model.params(conf=0.999)
    assert image_decode_factor(model, smooth, None, nothing) == 4
    assert image_decode_factor(model, smooth, None, nothing, tolerance=0.0) == 1
    # The chosen reduction really keeps the model input within the tolerance ...
    image, scale = decode_for_model(smooth, 160, max_factor=1)
    full = letterbox(image, (160, 160), scale)[0]
    image, scale = decode_for_model(smooth, 160, max_factor=4)
    assert scale == (4.0, 4.0)
    assert np.abs(full.astype(int) - letterbox(image, (160, 160), scale)[0]).mean() <= (
        DECODE_TOLERANCE
    )
    # ... and the model's detections.
    engine = PrelabelEngine(model, decode_threads=1, decode_factor=1)
    reduced = PrelabelEngine(model, decode_threads=1, decode_factor=4)
    [first] = list(engine.run([(0, smooth)], conf=0.3))
    [second] = list(reduced.run([(0, smooth)], conf=0.3))
    assert first.detections and len(first.detections) == len(second.detections)


def test_detections_agree_pairs_same_class_boxes_one_to_one():
    from inference import Detection
    from inference.decode_choice import detections_agree

    a = [Detection(0, "a", 0.9, (0, 0, 100, 100)), Detection(1, "b", 0.8, (50, 50, 90, 90))]
    shifted = [Detection(0, "a", 0.7, (2, 2, 102, 102)), Detection(1, "b", 0.8, (50, 50, 90, 90))]
    assert detections_agree(a, shifted)
    assert not detections_agree(a, a[:1])
    assert not detections_agree(a, [a[0], Detection(0, "a", 0.8, (50, 50, 90, 90))])
    assert not detections_agree(a, [Detection(0, "a", 0.9, (30, 30, 130, 130)), a[1]])


def test_a_run_decodes_at_the_factor_its_first_image_allows(tmp_path):
    model = load_model(grid_detector(tmp_path / "grid.onnx", size=160), device="cpu")
    smooth = [_jpeg(tmp_path / f"s{i}.jpg", _smooth()) for i in range(3)]
    noisy = [_jpeg(tmp_path / f"n{i}.jpg", _noisy()) for i in range(3)]
    engine = PrelabelEngine(model, decode_threads=1)
    list(engine.run([(i, p) for i, p in enumerate(smooth)]))
    assert engine.last_stats is not None and engine.last_stats.decode_factor == 4
    list(engine.run([(i, p) for i, p in enumerate(noisy)]))
    assert engine.last_stats.decode_factor == 1
    mixed = [smooth[0], noisy[0], smooth[1], smooth[2]]  # one noisy image among the first
    results = list(engine.run([(i, p) for i, p in enumerate(mixed)]))
    assert engine.last_stats.decode_factor == 1 and len(results) == 4
    fixed = PrelabelEngine(model, decode_threads=1, decode_factor=2)
    list(fixed.run([(i, p) for i, p in enumerate(noisy)]))
    assert fixed.last_stats is not None and fixed.last_stats.decode_factor == 2
    with pytest.raises(ValueError, match="decode_factor"):
        PrelabelEngine(model, decode_factor=3)


def test_the_first_images_choose_while_the_next_decode_in_full(tmp_path, monkeypatch):
    import threading
    from pathlib import Path

    import inference.pipeline as pipeline

    model = load_model(grid_detector(tmp_path / "grid.onnx", size=160), device="cpu")
    smooth = [_jpeg(tmp_path / f"s{i}.jpg", _smooth()) for i in range(10)]
    factors: dict[str, int] = {}
    fourth_started = threading.Event()
    real_decode, real_choice = pipeline.decode_for_model, pipeline.image_decode_choice

    def recording_decode(path, size, oriented, factor, buffer=None):
        factors[Path(path).name] = factor
        if Path(path).name == "s3.jpg":
            fourth_started.set()
        return real_decode(path, size, oriented, factor, buffer)

    def first_vote_after_the_fourth_image_started(model, path, *args, **kwargs):
        if Path(path).name == "s0.jpg":
            assert fourth_started.wait(10)
        return real_choice(model, path, *args, **kwargs)

    engine = PrelabelEngine(model, decode_threads=2, queue_size=4)
    list(engine.run([(i, p) for i, p in enumerate(smooth[:3])], conf=0.3))
    assert engine.last_stats is not None and engine.last_stats.decode_factor == 4
    monkeypatch.setattr(pipeline, "decode_for_model", recording_decode)
    monkeypatch.setattr(pipeline, "image_decode_choice", first_vote_after_the_fourth_image_started)
    results = list(engine.run([(i, p) for i, p in enumerate(smooth)], conf=0.3))
    assert [r.key for r in results] == list(range(10)) and all(r.error is None for r in results)
    assert engine.last_stats is not None and engine.last_stats.decode_factor == 4
    # The three voters' own full decodes are their results: not decoded again.
    assert not {"s0.jpg", "s1.jpg", "s2.jpg"} & set(factors)
    assert factors["s3.jpg"] == 1  # decoded while the vote was open: in full
    assert factors["s9.jpg"] == 4  # submitted after it: the chosen reduction
    monkeypatch.undo()
    full = PrelabelEngine(model, decode_factor=1).run([(i, smooth[i]) for i in range(3)], conf=0.3)
    assert [r.detections for r in full] == [r.detections for r in results[:3]]


def test_an_unreadable_first_image_fails_alone_and_the_next_ones_choose(tmp_path):
    model = load_model(grid_detector(tmp_path / "grid.onnx", size=160), device="cpu")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff" + b"not a picture" * 20)
    smooth = [_jpeg(tmp_path / f"s{i}.jpg", _smooth()) for i in range(4)]
    items = [(0, bad)] + [(i + 1, p) for i, p in enumerate(smooth)]
    engine = PrelabelEngine(model, decode_threads=2)
    results = list(engine.run(items, conf=0.3))
    fixed = list(PrelabelEngine(model, decode_factor=1).run(items[:1], conf=0.3))
    assert results[0].error is not None and "bad.jpg" in results[0].error
    assert results[0].error == fixed[0].error  # the same message as any other failure
    assert [r.error for r in results[1:]] == [None] * 4
    assert engine.last_stats is not None and engine.last_stats.decode_factor == 4
    # Nothing readable among the first: a full decode, and the run goes on.
    results = list(engine.run([(0, bad), (1, bad), (2, bad), (3, smooth[0])], conf=0.3))
    assert [r.error is None for r in results] == [False, False, False, True]
    assert engine.last_stats.decode_factor == 1


def test_a_reduction_that_fails_to_decode_is_not_used(tmp_path, monkeypatch):
    import inference.preprocess as preprocess
    from inference.decode_choice import image_decode_choice

    model = load_model(grid_detector(tmp_path / "grid.onnx", size=160), device="cpu")
    smooth = _jpeg(tmp_path / "smooth.jpg", _smooth())
    params = model.params(conf=0.3)
    assert image_decode_choice(model, smooth, None, params).factor == 4
    real = preprocess._decode_data

    def failing_reductions(data, path, size, oriented, max_factor, buffer=None):
        if max_factor > 1:
            raise ImageDecodeError(path, "reduced decode failed")
        return real(data, path, size, oriented, max_factor, buffer)

    monkeypatch.setattr(preprocess, "_decode_data", failing_reductions)
    choice = image_decode_choice(model, smooth, None, params)
    assert choice.factor == 1 and choice.prediction.detections  # the full decode's answer
