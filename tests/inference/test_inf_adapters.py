"""Adapters end to end through real ONNX Runtime sessions on tiny generated graphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from inference_graphs import NAMES_META, const_model, v5_output, v8_output, write_json

from inference import load_model
from inference.adapters import select_adapter
from inference.errors import ModelLayoutError
from inference.postprocess import nms, nms_numpy
from inference.results import dropped_message


def boxes_of(dets):
    return [tuple(round(v, 3) for v in d.box) for d in dets]


def test_v8_boxes_come_back_in_original_pixels(v8_path, image_1280x720):
    model = load_model(v8_path, device="cpu")
    assert model.info.task == "detect"
    assert model.info.class_names == ("scratch", "crack")
    assert model.info.input_size == (640, 640)
    dets = model.predict([image_1280x720])[0]
    # NMS drops the same-class duplicate, keeps the other class; 0.1 is below conf.
    assert [(d.class_name, round(d.score, 2)) for d in dets] == [
        ("scratch", 0.9),
        ("crack", 0.7),
        ("crack", 0.6),
    ]
    assert boxes_of(dets) == [(540, 300, 740, 420), (540, 300, 740, 420), (0, 0, 220, 60)]
    assert all(d.polygon is None and not d.is_tag for d in dets)


def test_thresholds_override_config(v8_path, image_1280x720):
    model = load_model(v8_path, device="cpu")
    assert len(model.predict([image_1280x720], conf=0.05)[0]) == 4
    assert len(model.predict([image_1280x720], iou=0.99)[0]) == 4  # duplicate survives
    assert len(model.predict([image_1280x720], max_det=1)[0]) == 1
    assert model.predict([image_1280x720], conf=0.95)[0] == []


def test_config_thresholds_and_names(tmp_path, v8_path, image_1280x720):
    write_json(tmp_path / "v8.json", {"conf": 0.65, "names": ["dent", "rust"]})
    model = load_model(v8_path, device="cpu")
    assert model.info.config_path == tmp_path / "v8.json"
    dets = model.predict([image_1280x720])[0]
    assert [(d.class_name, d.class_index) for d in dets] == [("dent", 0), ("rust", 1)]


def test_letterbox_mapping_for_portrait_and_dynamic_batch(tmp_path):
    # 320 input, dynamic batch, imgsz from metadata; a 600x900 (w x h) portrait image
    # letterboxes at 320/900 with (320 - 213) // 2 = 53 px on the left.
    out = v8_output([(160, 160, 64, 64, 0, 0.9)], nc=1)
    path = const_model(
        tmp_path / "dyn.onnx",
        {"output0": out},
        input_shape=("batch", 3, "height", "width"),
        metadata={"imgsz": "[320, 320]", "names": "{0: 'a'}"},
    )
    model = load_model(path, device="cpu")
    assert model.info.input_size == (320, 320)
    assert model.info.dynamic_batch
    images = [np.zeros((900, 600, 3), np.uint8), np.zeros((100, 100, 3), np.uint8)] * 5
    results = model.predict(images)
    assert len(results) == 10
    x1, y1, x2, y2 = results[0][0].box
    gain = 900 / 320
    new_w = round(600 * 320 / 900)
    pad = (320 - new_w) // 2
    gx = 600 / new_w
    assert x1 == pytest.approx((128 - pad) * gx, abs=1e-3)
    assert y1 == pytest.approx(128 * gain, abs=1e-3)
    assert x2 == pytest.approx((192 - pad) * gx, abs=1e-3)
    assert y2 == pytest.approx(192 * gain, abs=1e-3)
    assert results[1][0].box == pytest.approx((40, 40, 60, 60), abs=1e-3)


def test_static_batch_two_pads_the_last_batch(tmp_path):
    out = v8_output([(160, 160, 64, 64, 0, 0.9)], nc=1)
    path = const_model(tmp_path / "b2.onnx", {"output0": out}, input_shape=(2, 3, 320, 320))
    model = load_model(path, device="cpu")
    assert model.info.static_batch == 2 and model.max_batch == 2
    results = model.predict([np.zeros((320, 320, 3), np.uint8)] * 3)
    assert [len(r) for r in results] == [1, 1, 1]
    assert results[0][0].class_name == "class_0"


def test_v5_objectness_times_class_score(tmp_path, image_1280x720):
    rows = [
        (320, 320, 100, 60, 0.9, 0.5, 1.0),  # class 1, score 0.9
        (320, 320, 100, 60, 0.3, 0.5, 0.5),  # 0.15 < conf
        (500, 400, 40, 40, 0.8, 0.5, 0.1),  # class 0, score 0.4
    ]
    path = const_model(tmp_path / "v5.onnx", {"output": v5_output(rows, nc=2)})
    model = load_model(path, device="cpu")
    assert model.info.task == "detect_v5"
    dets = model.predict([image_1280x720])[0]
    assert [(d.class_index, round(d.score, 3)) for d in dets] == [(1, 0.9), (0, 0.4)]
    assert boxes_of(dets)[0] == (540, 300, 740, 420)
    assert boxes_of(dets)[1] == (960, 480, 1040, 560)


def test_classification_softmax_and_probabilities(tmp_path, image_1280x720):
    logits = const_model(
        tmp_path / "cls.onnx",
        {"logits": np.array([[1.0, 3.0, -2.0]])},
        input_shape=(1, 3, 224, 224),
        metadata={"task": "classify", "names": "{0: 'ok', 1: 'dent', 2: 'rust'}"},
    )
    model = load_model(logits, device="cpu")
    [tag] = model.predict([image_1280x720])[0]
    expected = np.exp(3) / (np.exp(1) + np.exp(3) + np.exp(-2))
    assert tag.class_name == "dent" and tag.score == pytest.approx(expected, rel=1e-5)
    assert tag.is_tag and tag.box is None and tag.polygon is None
    assert model.predict([image_1280x720], conf=0.9)[0] == []

    probs = const_model(tmp_path / "p.onnx", {"probs": np.array([[0.2, 0.3, 0.5]])})
    model = load_model(probs, device="cpu")
    assert model.info.task == "classify"
    assert model.predict([image_1280x720])[0][0].score == pytest.approx(0.5)


def test_segmentation_polygon_in_original_pixels(tmp_path, image_1280x720):
    nc, nm = 2, 32
    pred = np.zeros((1, 4 + nc + nm, 50), np.float32)
    pred[0, :4, 0] = (240, 320, 200, 200)  # box (140, 220)-(340, 420) in input pixels
    pred[0, 4 + 1, 0] = 0.8
    pred[0, 4 + nc, 0] = 1.0  # mask = prototype 0
    protos = np.full((1, nm, 160, 160), -10.0, np.float32)
    protos[0, 0, 60:100, 40:80] = 10.0  # input pixels x 160..320, y 240..400
    path = const_model(
        tmp_path / "seg.onnx",
        {"output0": pred, "output1": protos},
        metadata={"task": "segment", "names": NAMES_META},
    )
    model = load_model(path, device="cpu")
    assert model.info.task == "segment"
    [det] = model.predict([image_1280x720])[0]
    assert det.class_name == "crack"
    assert det.box == pytest.approx((280, 160, 680, 560))
    poly = det.polygon
    assert poly is not None and poly.shape[1] == 2 and 4 <= len(poly) <= 12
    # Expected region: x 320..640, y (240-140)*2=200 .. (400-140)*2=520, within ~2 px.
    assert poly[:, 0].min() == pytest.approx(320, abs=3)
    assert poly[:, 0].max() == pytest.approx(640, abs=3)
    assert poly[:, 1].min() == pytest.approx(200, abs=3)
    assert poly[:, 1].max() == pytest.approx(520, abs=3)


def test_segmentation_mask_is_cropped_to_the_box(tmp_path, image_1280x720):
    nc, nm = 1, 32
    pred = np.zeros((1, 4 + nc + nm, 20), np.float32)
    pred[0, :4, 0] = (200, 320, 80, 80)  # box 160..240 x 280..360 in input pixels
    pred[0, 4, 0] = 0.9
    pred[0, 4 + nc, 0] = 1.0
    protos = np.full((1, nm, 160, 160), 10.0, np.float32)  # mask covers everything
    path = const_model(tmp_path / "s.onnx", {"output0": pred, "output1": protos})
    model = load_model(path, device="cpu", config_path=write_json(tmp_path / "c.json", {}))
    [det] = model.predict([image_1280x720])[0]
    xs, ys = det.polygon[:, 0], det.polygon[:, 1]
    x1, y1, x2, y2 = det.box
    assert xs.min() >= x1 and xs.max() <= x2 and ys.min() >= y1 and ys.max() <= y2
    assert xs.max() - xs.min() > 0.95 * (x2 - x1)


def test_class_map_renames_and_counts_drops(tmp_path, v8_path, image_1280x720):
    write_json(tmp_path / "v8.json", {"class_map": {"scratch": "Scratch", "crack": None}})
    model = load_model(v8_path, device="cpu")
    detailed = model.predict_detailed([image_1280x720])[0]
    assert [d.class_name for d in detailed.detections] == ["Scratch"]
    assert detailed.dropped_unmapped == {"crack": 2}
    model.predict([image_1280x720, image_1280x720])
    assert model.dropped_unmapped == {"crack": 4}
    assert dropped_message(model.dropped_unmapped) == (
        "dropped 4 predictions of unmapped classes: crack"
    )


def test_class_map_leaves_out_classes_it_does_not_name(tmp_path, v8_path, image_1280x720):
    write_json(tmp_path / "v8.json", {"class_map": {"crack": "Crack"}})
    model = load_model(v8_path, device="cpu")
    [result] = model.predict_detailed([image_1280x720])
    assert [d.class_name for d in result.detections] == ["Crack", "Crack"]
    assert result.dropped_unmapped == {"scratch": 1}


@pytest.mark.parametrize(
    ("shapes", "meta_task", "forced", "expected"),
    [
        (((1, 84, 8400),), None, None, "detect"),
        (((1, 25200, 85),), None, None, "detect_v5"),
        (((1, 25200, 85),), "detect", None, "detect"),  # Ultralytics 'detect' is v8 layout
        (((1, 84, 8400),), "detect", None, "detect"),
        (((1, 84, 8400),), None, "detect_v5", "detect_v5"),
        (((1, 116, 8400), (1, 32, 160, 160)), None, None, "segment"),
        (((1, 32, 160, 160), (1, 116, 8400)), "segment", None, "segment"),
        (((1, 1000),), None, None, "classify"),
    ],
)
def test_layout_selection(shapes, meta_task, forced, expected):
    names = tuple(f"out{i}" for i in range(len(shapes)))
    chosen = select_adapter(
        shapes, names, model_name="m.onnx", forced_task=forced, metadata_task=meta_task
    )
    assert chosen.task == expected


def test_layout_selection_errors():
    with pytest.raises(ModelLayoutError, match="'pose' model"):
        select_adapter(((1, 56, 8400),), ("o",), model_name="m.onnx", metadata_task="pose")
    with pytest.raises(ModelLayoutError, match=r"sets task 'classify'.*outputs o \(1, 84, 8400\)"):
        select_adapter(((1, 84, 8400),), ("o",), model_name="m.onnx", forced_task="classify")


def test_nms_is_class_aware_and_matches_numpy():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 500, (300, 2))
    boxes = np.hstack([xy, xy + rng.uniform(20, 80, (300, 2))]).astype(np.float32)
    scores = rng.uniform(0.3, 1, 300).astype(np.float32)
    ids = rng.integers(0, 3, 300)
    keep = nms(boxes, scores, ids, 0.5, 1000)
    assert sorted(keep.tolist()) == sorted(nms_numpy(boxes, scores, ids, 0.5).tolist())
    assert np.all(np.diff(scores[keep]) <= 0)
    same = np.array([[0, 0, 10, 10], [0, 0, 10, 10]], np.float32)
    two = np.array([0.9, 0.8], np.float32)
    assert len(nms(same, two, np.array([0, 0]), 0.5, 10)) == 1
    assert len(nms(same, two, np.array([0, 1]), 0.5, 10)) == 2


def test_model_path_as_string_and_repr(v8_path: Path):
    model = load_model(str(v8_path), device="cpu")
    assert "v8.onnx" in repr(model)
    assert len(model.info.sha256) == 64
