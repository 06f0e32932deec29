"""The shipped demo detector: Ultralytics YOLOv8 layout, metadata, config, real detections."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

from labeler.demo.synth import CLASSES, generate_image

MODELS = Path(__file__).resolve().parents[2] / "labeler" / "data" / "models"
ONNX = MODELS / "demo_damage.onnx"
CONFIG = MODELS / "demo_damage.json"

pytestmark = pytest.mark.skipif(not ONNX.exists(), reason="demo model not built")


@pytest.fixture(scope="module")
def session() -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(str(ONNX), opts, providers=["CPUExecutionProvider"])


def _size(session: ort.InferenceSession) -> int:
    meta = session.get_modelmeta().custom_metadata_map
    return int(ast.literal_eval(meta["imgsz"])[0])


def test_metadata_and_config(session: ort.InferenceSession) -> None:
    meta = session.get_modelmeta().custom_metadata_map
    assert ast.literal_eval(meta["names"]) == dict(enumerate(CLASSES))
    assert meta["task"] == "detect"
    size = _size(session)
    assert ast.literal_eval(meta["imgsz"]) == [size, size]
    assert int(meta["stride"]) == 32
    config = json.loads(CONFIG.read_text())
    assert config["task"] == "detect"
    assert config["names"] == list(CLASSES)
    assert config["input_size"] == [size, size]
    assert 0 < config["conf"] < 1 and 0 < config["iou"] < 1
    assert ONNX.stat().st_size < 5_000_000


def test_io_layout(session: ort.InferenceSession) -> None:
    (inp,) = session.get_inputs()
    (out,) = session.get_outputs()
    assert inp.name == "images" and out.name == "output0"
    size = _size(session)
    assert inp.shape[1:] == [3, size, size]
    n = sum((size // s) ** 2 for s in (8, 16, 32))
    for batch in (1, 2):
        x = np.full((batch, 3, size, size), 114 / 255, dtype=np.float32)
        y = session.run(None, {"images": x})[0]
        assert y.shape == (batch, 4 + len(CLASSES), n)
        assert np.all((y[:, 4:] >= 0) & (y[:, 4:] <= 1))
        assert np.all(y[:, 2:4] > 0)


def _letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, int, int]:
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nw, nh = round(w * r), round(h * r)
    left, top = (size - nw) // 2, (size - nh) // 2
    canvas = np.full((size, size, 3), 114, dtype=np.uint8)
    canvas[top : top + nh, left : left + nw] = cv2.resize(image, (nw, nh))
    return canvas, r, left, top


def test_finds_generated_damage(session: ort.InferenceSession) -> None:
    size = _size(session)
    found = total = 0
    for i in range(8):
        sample = generate_image(np.random.default_rng([4242, i]), 640, 480)
        canvas, r, left, top = _letterbox(sample.image, size)
        x = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255
        y = session.run(None, {"images": x})[0][0]
        scores = y[4:].max(0)
        keep = scores > 0.25
        cls = y[4:, keep].argmax(0)
        cx, cy, w, h = y[:4, keep]
        boxes = np.stack([cx - w / 2 - left, cy - h / 2 - top, cx + w / 2 - left, cy + h / 2 - top])
        boxes = boxes.T / r
        for obj in sample.objects:
            total += 1
            gx1, gy1, gx2, gy2 = obj.box
            ix = np.clip(np.minimum(boxes[:, 2], gx2) - np.maximum(boxes[:, 0], gx1), 0, None)
            iy = np.clip(np.minimum(boxes[:, 3], gy2) - np.maximum(boxes[:, 1], gy1), 0, None)
            inter = ix * iy
            union = (
                (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
                + (gx2 - gx1) * (gy2 - gy1)
                - inter
            )
            hit = (inter / union >= 0.5) & (cls == CLASSES.index(obj.class_name))
            found += bool(hit.any())
    assert total > 10
    assert found / total >= 0.4, (found, total)
