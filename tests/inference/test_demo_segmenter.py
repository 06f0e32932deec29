"""The shipped demo segmenter: Segment Anything ONNX layout, manifest, real masks on dents.

Runs the two shipped graphs with ONNX Runtime directly (SAM preprocessing in numpy/OpenCV),
on freshly generated demo images, against the generator's true dent outlines.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

from labeler.demo.synth import generate_image

MODELS = Path(__file__).resolve().parents[2] / "labeler" / "data" / "models"
FOLDER = MODELS / "demo_segmenter"
MEAN = np.array([123.675, 116.28, 103.53], np.float32)
STD = np.array([58.395, 57.12, 57.375], np.float32)


def _session(name: str) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(str(FOLDER / name), opts, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def graphs() -> tuple[ort.InferenceSession, ort.InferenceSession]:
    return _session("encoder.onnx"), _session("decoder.onnx")


def _encoder_input(image_bgr: np.ndarray) -> np.ndarray:
    h, w = image_bgr.shape[:2]
    s = 1024 / max(h, w)
    nh, nw = int(h * s + 0.5), int(w * s + 0.5)
    rgb = cv2.resize(
        cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), (nw, nh), interpolation=cv2.INTER_LINEAR
    )
    out = np.zeros((1024, 1024, 3), np.float32)
    out[:nh, :nw] = (rgb.astype(np.float32) - MEAN) / STD
    return np.ascontiguousarray(out.transpose(2, 0, 1)[None])


def _decode(
    decoder: ort.InferenceSession,
    embedding: np.ndarray,
    points: list[tuple[float, ...]],
    size: tuple[int, int],
) -> list[np.ndarray]:
    s = 1024 / max(size)
    return decoder.run(
        None,
        {
            "image_embeddings": embedding,
            "point_coords": np.array([[(x * s, y * s) for x, y, _ in points]], np.float32),
            "point_labels": np.array([[lab for _, _, lab in points]], np.float32),
            "mask_input": np.zeros((1, 1, 256, 256), np.float32),
            "has_mask_input": np.zeros(1, np.float32),
            "orig_im_size": np.array(size, np.float32),
        },
    )


def _true_mask(polygon: list[tuple[float, float]], h: int, w: int) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    pts = np.round((np.asarray(polygon) - 0.5) * 16).astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, cv2.LINE_8, 4)
    return mask > 0


def _dent_images(n_dents: int) -> list[tuple[np.ndarray, list[np.ndarray], list[tuple]]]:
    """Fresh demo images (seeds training never used) until ``n_dents`` dents are found."""
    found, count = [], 0
    for i in range(40):
        sample = generate_image(np.random.default_rng([31337, i]), 960, 720)
        dents = [o for o in sample.objects if o.class_name == "dent"]
        if dents:
            masks = [_true_mask(o.polygon, 720, 960) for o in dents]
            centres = [tuple(np.asarray(o.polygon).mean(axis=0)) for o in dents]
            found.append((sample.image, masks, centres))
            count += len(dents)
        if count >= n_dents:
            break
    return found


def test_graphs_have_the_segment_anything_layout(graphs) -> None:
    encoder, decoder = graphs
    assert [(i.name, i.shape) for i in encoder.get_inputs()] == [("image", [1, 3, 1024, 1024])]
    assert [(o.name, o.shape) for o in encoder.get_outputs()] == [
        ("image_embeddings", [1, 256, 64, 64])
    ]
    assert [i.name for i in decoder.get_inputs()] == [
        "image_embeddings",
        "point_coords",
        "point_labels",
        "mask_input",
        "has_mask_input",
        "orig_im_size",
    ]
    assert decoder.get_inputs()[1].shape[1] == decoder.get_inputs()[2].shape[1]  # dynamic N
    assert isinstance(decoder.get_inputs()[1].shape[1], str)
    assert [o.name for o in decoder.get_outputs()] == ["masks", "iou_predictions", "low_res_masks"]


def test_manifest_names_both_files_with_their_sha256() -> None:
    manifest = json.loads((MODELS / "models.json").read_text(encoding="utf-8"))
    [entry] = [m for m in manifest["models"] if m["name"] == "demo_segmenter"]
    assert (entry["kind"], entry["layout"]) == ("segmenter", "sam")
    for role in ("encoder", "decoder"):
        path = MODELS / entry["files"][role]["path"]
        assert path.parent == FOLDER
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["files"][role]["sha256"]


def test_one_click_on_a_dent_gives_its_outline(graphs) -> None:
    # Seeds 31337 are the harder of the two documented held-out sets (docs/models.md: more
    # dents touching another one); the shipped graphs score 0.883 on these 22 dents (0.90
    # on the 31 dents of 30 images, 0.91 on the easier set), so the bar is the issue's
    # target, 0.85, on the harder set, not on flattering seeds.
    encoder, decoder = graphs
    ious = []
    for image, masks, centres in _dent_images(20):
        (embedding,) = encoder.run(None, {"image": _encoder_input(image)})
        for truth, (cx, cy) in zip(masks, centres, strict=True):
            masks_out, iou_pred, low = _decode(
                decoder, embedding, [(cx, cy, 1), (0, 0, -1)], (720, 960)
            )
            assert masks_out.shape == (1, 1, 720, 960) and low.shape == (1, 1, 256, 256)
            assert iou_pred.shape == (1, 1)
            pred = masks_out[0, 0] > 0
            ious.append((pred & truth).sum() / (pred | truth).sum())
    assert len(ious) >= 20
    assert float(np.mean(ious)) >= 0.85, ious


def test_padding_points_are_ignored_and_a_box_prompt_works(graphs) -> None:
    encoder, decoder = graphs
    [(image, masks, centres), *_] = _dent_images(1)
    (embedding,) = encoder.run(None, {"image": _encoder_input(image)})
    cx, cy = centres[0]
    plain = _decode(decoder, embedding, [(cx, cy, 1)], (720, 960))[0]
    padded = _decode(decoder, embedding, [(cx, cy, 1), (0, 0, -1), (500, 300, -1)], (720, 960))[0]
    np.testing.assert_allclose(plain, padded, atol=1e-4)
    ys, xs = np.nonzero(masks[0])
    box = [(xs.min(), ys.min(), 2), (xs.max() + 1, ys.max() + 1, 3)]
    pred = _decode(decoder, embedding, box, (720, 960))[0][0, 0] > 0
    assert (pred & masks[0]).sum() / (pred | masks[0]).sum() >= 0.7
