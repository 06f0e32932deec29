"""Real, tiny ONNX graphs for the inference tests, built with onnx.helper (no mocks)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _model(graph: onnx.GraphProto, metadata: dict[str, str] | None) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model


def _zero_dependency(nodes: list, initializers: list, rank: int, tag: str) -> str:
    """A tensor of shape (batch, 1, ..., 1) of zeros that depends on the input ``images``."""
    initializers.append(numpy_helper.from_array(np.array([-1] + [1] * (rank - 1)), f"shape_{tag}"))
    initializers.append(numpy_helper.from_array(np.zeros((), np.float32), f"zero_{tag}"))
    nodes += [
        helper.make_node("ReduceMean", ["images"], [f"mean_{tag}"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", [f"mean_{tag}", f"shape_{tag}"], [f"meanr_{tag}"]),
        helper.make_node("Mul", [f"meanr_{tag}", f"zero_{tag}"], [f"dep_{tag}"]),
    ]
    return f"dep_{tag}"


def const_model(
    path: Path,
    outputs: dict[str, np.ndarray],
    *,
    input_shape: Sequence[int | str] = (1, 3, 640, 640),
    metadata: dict[str, str] | None = None,
) -> Path:
    """A model whose outputs are the given constants (leading dim 1, broadcast to batch)."""
    nodes: list = []
    inits: list = []
    outs = []
    for n, (name, value) in enumerate(outputs.items()):
        value = np.asarray(value, np.float32)
        dep = _zero_dependency(nodes, inits, value.ndim, str(n))
        inits.append(numpy_helper.from_array(value, f"const_{n}"))
        nodes.append(helper.make_node("Add", [f"const_{n}", dep], [name]))
        dims = ["batch" if isinstance(input_shape[0], str) else input_shape[0], *value.shape[1:]]
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, dims))
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, list(input_shape))
    graph = helper.make_graph(nodes, "const", [inp], outs, initializer=inits)
    onnx.save(_model(graph, metadata), path)
    return path


def v8_output(boxes: Sequence[Sequence[float]], nc: int, n: int = 100) -> np.ndarray:
    """(1, 4 + nc, n) from rows (cx, cy, w, h, class, score); other anchors score 0."""
    out = np.zeros((1, 4 + nc, n), np.float32)
    for i, (cx, cy, w, h, cls, score) in enumerate(boxes):
        out[0, :4, i] = (cx, cy, w, h)
        out[0, 4 + int(cls), i] = score
    return out


def v5_output(rows: Sequence[Sequence[float]], nc: int, n: int = 200) -> np.ndarray:
    """(1, n, 5 + nc) from rows (cx, cy, w, h, obj, *class_scores)."""
    out = np.zeros((1, n, 5 + nc), np.float32)
    for i, row in enumerate(rows):
        out[0, i, : len(row)] = row
    return out


def grid_detector(path: Path, size: int = 320, cell: int = 32) -> Path:
    """A content-dependent detector (v8 layout, 3 classes = R, G, B).

    Each ``cell`` x ``cell`` block of the input is an anchor whose box is the block and whose
    class scores are the block's mean R, G and B (model input is RGB in [0, 1]).
    """
    g = size // cell
    ys, xs = np.mgrid[0:g, 0:g]
    boxes = np.stack(
        [(xs + 0.5) * cell, (ys + 0.5) * cell, np.full_like(xs, cell), np.full_like(xs, cell)]
    )
    boxes = boxes.reshape(1, 4, g * g).astype(np.float32)
    nodes: list = []
    inits = [
        numpy_helper.from_array(boxes, "anchors"),
        numpy_helper.from_array(np.array([0, 3, -1]), "flat"),
    ]
    dep = _zero_dependency(nodes, inits, 3, "g")
    nodes += [
        helper.make_node(
            "AveragePool", ["images"], ["pooled"], kernel_shape=[cell, cell], strides=[cell, cell]
        ),
        helper.make_node("Reshape", ["pooled", "flat"], ["scores"]),
        helper.make_node("Add", ["anchors", dep], ["boxes"]),
        helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1),
    ]
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, size, size])
    out = helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 7, g * g])
    graph = helper.make_graph(nodes, "grid", [inp], [out], initializer=inits)
    meta = {
        "task": "detect",
        "names": "{0: 'red', 1: 'green', 2: 'blue'}",
        "imgsz": f"[{size}, {size}]",
    }
    onnx.save(_model(graph, meta), path)
    return path


def identity_model(path: Path, input_shape: Sequence[int | str], domain: str = "") -> Path:
    """A single-node model (Identity, or an unknown op in ``domain``) for input checks."""
    op = "Boom" if domain else "Identity"
    node = helper.make_node(op, ["images"], ["out"], domain=domain)
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, list(input_shape))
    out = helper.make_tensor_value_info("out", TensorProto.FLOAT, None)
    graph = helper.make_graph([node], "ident", [inp], [out])
    model = _model(graph, None)
    if domain:
        model.opset_import.append(helper.make_opsetid(domain, 1))
    onnx.save(model, path)
    return path


def exif_jpeg(path: Path, image: np.ndarray, orientation: int, quality: int = 92) -> Path:
    """Write ``image`` as a JPEG carrying a minimal EXIF APP1 with the Orientation tag."""
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    data = encoded.tobytes()
    tiff = (
        b"MM\x00\x2a\x00\x00\x00\x08"  # big-endian TIFF header, IFD0 at offset 8
        + b"\x00\x01"  # one entry
        + b"\x01\x12\x00\x03\x00\x00\x00\x01"  # Orientation, SHORT, count 1
        + orientation.to_bytes(2, "big")
        + b"\x00\x00"
        + b"\x00\x00\x00\x00"  # no next IFD
    )
    payload = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    path.write_bytes(data[:2] + app1 + data[2:])
    return path


NAMES_META = "{0: 'scratch', 1: 'crack'}"

# Boxes in 640x640 letterbox pixels. A 1280x720 image letterboxes at ratio 0.5 with 140 px
# of padding on top, so original = (x * 2, (y - 140) * 2).
V8_ROWS = [
    (320, 320, 100, 60, 0, 0.9),  # -> (540, 300, 740, 420)
    (322, 321, 100, 60, 0, 0.8),  # duplicate of the first, same class: removed by NMS
    (320, 320, 100, 60, 1, 0.7),  # same box, other class: kept (class-aware NMS)
    (100, 300, 50, 50, 0, 0.1),  # below the default confidence
    (50, 150, 120, 40, 1, 0.6),  # reaches into the padding: clipped to (0, 0, 220, 60)
]


def write_json(path: Path, data: dict) -> Path:
    """Write a JSON config file."""
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
