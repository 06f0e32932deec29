"""Tiny real ONNX graphs in the SAM, SAM 2 and EfficientSAM encoder/decoder layouts.

Built with ``onnx.helper``: the input/output names and shapes are the published ones, the
arithmetic is small. The decoders paint a disk (one per output mask, radii growing with the
mask index) centred on the mean of the positive points and box corners (labels >= 1), in
the model's input frame, and render it the way each layout does (SAM: at ``orig_im_size``
through the longest-side scale; SAM 2 without ``orig_im_size``: in the 1024 x 1024 frame;
EfficientSAM: at ``orig_im_size`` in the pixels given). A wrong coordinate transform, a
missing padding point or a wrong mask choice moves or resizes the disk, which tests see.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
SIDE = 1024
RADIUS = 40.0  # model-frame pixels of mask 0; mask k has radius RADIUS * (k + 1)
SAM_IOU = (0.5, 0.9, 0.6, 0.7)  # mask 1 is the best multimask output
SAM2_IOU = (0.6, 0.95, 0.7)


class _Graph:
    def __init__(self) -> None:
        self.nodes: list = []
        self.inits: list = []
        self.count = 0

    def const(self, value: np.ndarray | float | int, dtype: type = np.float32) -> str:
        self.count += 1
        name = f"c{self.count}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    def op(self, kind: str, *inputs: str, **attrs: object) -> str:
        self.count += 1
        name = f"t{self.count}"
        self.nodes.append(helper.make_node(kind, list(inputs), [name], **attrs))
        return name

    def named(self, kind: str, out: str, *inputs: str, **attrs: object) -> str:
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def save(self, path: Path, inputs: list, outputs: list) -> Path:
        graph = helper.make_graph(self.nodes, path.stem, inputs, outputs, initializer=self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)
        return path


def _f(name: str, dims: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def _pool_conv(g: _Graph, image: str, kernel: int, channels: int, out: str) -> None:
    pooled = g.op("AveragePool", image, kernel_shape=[kernel, kernel], strides=[kernel, kernel])
    rng = np.random.default_rng(channels)
    weight = g.const(rng.normal(size=(channels, 3, 1, 1)).astype(np.float32))
    g.named("Conv", out, pooled, weight)


def sam_encoder(path: Path, input_name: str = "x", side: int = SIDE) -> Path:
    """SAM image encoder: (1, 3, S, S) -> image_embeddings (1, 256, S/16, S/16)."""
    g = _Graph()
    _pool_conv(g, input_name, 16, 256, "image_embeddings")
    grid = side // 16
    return g.save(
        path, [_f(input_name, [1, 3, side, side])], [_f("image_embeddings", [1, 256, grid, grid])]
    )


def sam2_encoder(path: Path, osam_names: bool = False) -> Path:
    """SAM 2 encoder: image (1, 3, 1024, 1024) -> high_res_feats_0/1 and image_embed."""
    names = (
        ("input", "image_embeddings", "high_res_features1", "high_res_features2")
        if osam_names
        else ("image", "image_embed", "high_res_feats_0", "high_res_feats_1")
    )
    image, embed, hr0, hr1 = names
    g = _Graph()
    _pool_conv(g, image, 4, 32, hr0)
    _pool_conv(g, image, 8, 64, hr1)
    _pool_conv(g, image, 16, 256, embed)
    outs = [_f(hr0, [1, 32, 256, 256]), _f(hr1, [1, 64, 128, 128]), _f(embed, [1, 256, 64, 64])]
    if osam_names:
        outs = [outs[2], outs[0], outs[1]]
    return g.save(path, [_f(image, [1, 3, SIDE, SIDE])], outs)


def efficientsam_encoder(path: Path) -> Path:
    """EfficientSAM encoder: batched_images (1, 3, H, W) any size -> (1, 256, 64, 64)."""
    g = _Graph()
    pooled = g.op("GlobalAveragePool", "batched_images")
    weight = g.const(np.random.default_rng(1).normal(size=(256, 3, 1, 1)).astype(np.float32))
    conv = g.op("Conv", pooled, weight)
    g.named("Expand", "image_embeddings", conv, g.const([1, 256, 64, 64], np.int64))
    return g.save(
        path,
        [_f("batched_images", [1, 3, "height", "width"])],
        [_f("image_embeddings", [1, 256, 64, 64])],
    )


def _centre(g: _Graph, coords: str, labels: str) -> tuple[str, str]:
    """Mean (cx, cy) of the points with label >= 1, each of shape (1,)."""
    coords = g.op("Reshape", coords, g.const([1, -1, 2], np.int64))
    labels = g.op("Reshape", labels, g.const([1, -1], np.int64))
    weight = g.op("Cast", g.op("GreaterOrEqual", labels, g.const(1.0)), to=TensorProto.FLOAT)
    weighted = g.op("Mul", coords, g.op("Unsqueeze", weight, g.const([2], np.int64)))
    total = g.op("ReduceSum", weighted, g.const([1], np.int64), keepdims=0)  # (1, 2)
    count = g.op("ReduceSum", weight, g.const([1], np.int64), keepdims=0)  # (1,)
    centre = g.op("Div", g.op("Reshape", total, g.const([2], np.int64)), count)
    cx = g.op("Gather", centre, g.const([0], np.int64), axis=0)
    cy = g.op("Gather", centre, g.const([1], np.int64), axis=0)
    return cx, cy


def _disks(g: _Graph, cx: str, cy: str, h: str, w: str, sx: str, sy: str, masks: int) -> str:
    """Logits (1, masks, H, W): r_k^2 - |((x + 0.5) * sx, (y + 0.5) * sy) - c|^2 over an
    H x W grid: each mask pixel is evaluated at its centre, as the real decoders' bilinear
    upsampling (``align_corners=False``) places it, so a coarse grid is not shifted."""
    half = g.const(0.5)
    xs = g.op("Mul", g.op("Add", g.op("Range", g.const(0.0), w, g.const(1.0)), half), sx)
    ys = g.op("Mul", g.op("Add", g.op("Range", g.const(0.0), h, g.const(1.0)), half), sy)
    dx = g.op("Sub", xs, cx)
    dy = g.op("Sub", ys, cy)
    dx2 = g.op("Reshape", g.op("Mul", dx, dx), g.const([1, 1, 1, -1], np.int64))
    dy2 = g.op("Reshape", g.op("Mul", dy, dy), g.const([1, 1, -1, 1], np.int64))
    radii = (RADIUS * (np.arange(masks, dtype=np.float32) + 1)) ** 2
    return g.op("Sub", g.const(radii.reshape(1, masks, 1, 1)), g.op("Add", dx2, dy2))


def _scalar(g: _Graph, vector: str, index: int) -> str:
    picked = g.op("Gather", vector, g.const(index, np.int64), axis=0)
    return g.op("Cast", picked, to=TensorProto.FLOAT)


def _zero_of(g: _Graph, *tensors: str) -> str:
    """A scalar 0 that depends on ``tensors`` (so every feature input is used)."""
    total = g.const(0.0)
    for t in tensors:
        mean = g.op("ReduceMean", t, keepdims=0)
        total = g.op("Add", total, g.op("Mul", mean, g.const(0.0)))
    return total


def _outputs(g: _Graph, logits: str, iou: tuple[float, ...], zero: str, masks_shape: list) -> list:
    masks = g.named("Add", "masks", logits, zero)
    del masks
    g.named("Add", "iou_predictions", g.const(np.array([iou], np.float32)), zero)
    low = g.const(np.zeros((1, len(iou), 256, 256), np.float32))
    g.named("Add", "low_res_masks", low, zero)
    return [
        _f("masks", masks_shape),
        _f("iou_predictions", [1, len(iou)]),
        _f("low_res_masks", [1, len(iou), 256, 256]),
    ]


def _prompt_inputs(coords: str = "point_coords", labels: str = "point_labels") -> list:
    return [
        _f(coords, [1, "num_points", 2]),
        _f(labels, [1, "num_points"]),
        _f("mask_input", [1, 1, 256, 256]),
        _f("has_mask_input", [1]),
    ]


def sam_decoder(path: Path, side: int = SIDE, single_mask: bool = False) -> Path:
    """SamOnnxModel's layout; masks at orig_im_size (float (2,) = h, w)."""
    g = _Graph()
    cx, cy = _centre(g, "point_coords", "point_labels")
    h, w = _scalar(g, "orig_im_size", 0), _scalar(g, "orig_im_size", 1)
    scale = g.op("Div", g.const(float(side)), g.op("Max", h, w))
    iou = SAM_IOU[:1] if single_mask else SAM_IOU
    logits = _disks(g, cx, cy, h, w, scale, scale, len(iou))
    zero = _zero_of(g, "image_embeddings")
    outs = _outputs(g, logits, iou, zero, [1, len(iou), "h", "w"])
    ins = [
        _f("image_embeddings", [1, 256, side // 16, side // 16]),
        *_prompt_inputs(),
        _f("orig_im_size", [2]),
    ]
    return g.save(path, ins, outs)


def sam2_decoder(path: Path, osam_names: bool = False) -> Path:
    """SAM 2 decoder. samexporter names: masks in the 1024 frame, no orig_im_size; osam
    names: orig_im_size (int64) and masks at the original size (square resize scale)."""
    g = _Graph()
    cx, cy = _centre(g, "point_coords", "point_labels")
    if osam_names:
        feats = ("image_embeddings", "high_res_features1", "high_res_features2")
        h, w = _scalar(g, "orig_im_size", 0), _scalar(g, "orig_im_size", 1)
        sx = g.op("Div", g.const(float(SIDE)), w)
        sy = g.op("Div", g.const(float(SIDE)), h)
        shape: list = [1, len(SAM2_IOU), "h", "w"]
    else:
        feats = ("image_embed", "high_res_feats_0", "high_res_feats_1")
        h = w = g.const(float(SIDE))
        sx = sy = g.const(1.0)
        shape = [1, len(SAM2_IOU), SIDE, SIDE]
    logits = _disks(g, cx, cy, h, w, sx, sy, len(SAM2_IOU))
    zero = _zero_of(g, *feats)
    outs = _outputs(g, logits, SAM2_IOU, zero, shape)
    ins = [
        _f(feats[0], [1, 256, 64, 64]),
        _f(feats[1], [1, 32, 256, 256]),
        _f(feats[2], [1, 64, 128, 128]),
        *_prompt_inputs(),
    ]
    if osam_names:
        ins.append(helper.make_tensor_value_info("orig_im_size", TensorProto.INT64, [2]))
    return g.save(path, ins, outs)


def efficientsam_decoder(path: Path) -> Path:
    """osam's EfficientSAM decoder: masks (1, 1, 3, H, W) at orig_im_size (int64)."""
    g = _Graph()
    cx, cy = _centre(g, "batched_point_coords", "batched_point_labels")
    h, w = _scalar(g, "orig_im_size", 0), _scalar(g, "orig_im_size", 1)
    one = g.const(1.0)
    logits = _disks(g, cx, cy, h, w, one, one, 3)
    zero = _zero_of(g, "image_embeddings")
    five = g.op("Unsqueeze", g.op("Add", logits, zero), g.const([0], np.int64))
    g.named("Identity", "output_masks", five)
    g.named("Add", "iou_predictions", g.const(np.array([[SAM2_IOU]], np.float32)), zero)
    g.named("Add", "low_res_masks", g.const(np.zeros((1, 1, 3, 256, 256), np.float32)), zero)
    ins = [
        _f("image_embeddings", [1, 256, 64, 64]),
        _f("batched_point_coords", [1, 1, "num_points", 2]),
        _f("batched_point_labels", [1, 1, "num_points"]),
        helper.make_tensor_value_info("orig_im_size", TensorProto.INT64, [2]),
    ]
    outs = [
        _f("output_masks", [1, 1, 3, "h", "w"]),
        _f("iou_predictions", [1, 1, 3]),
        _f("low_res_masks", [1, 1, 3, 256, 256]),
    ]
    return g.save(path, ins, outs)


def wrong_decoder(path: Path) -> Path:
    """A graph with made-up input names: no known decoder layout."""
    g = _Graph()
    g.named("Add", "mask", "embeddings", g.const(0.0))
    return g.save(
        path,
        [_f("embeddings", [1, 256, 64, 64]), _f("clicks", [1, 2])],
        [_f("mask", [1, 256, 64, 64])],
    )


def write_pair(folder: Path, layout: str) -> tuple[Path, Path]:
    """Write the encoder and decoder of ``layout`` (sam, sam2, sam2_osam, efficientsam)."""
    folder.mkdir(parents=True, exist_ok=True)
    enc, dec = folder / f"{layout}.encoder.onnx", folder / f"{layout}.decoder.onnx"
    if layout == "sam":
        return sam_encoder(enc), sam_decoder(dec)
    if layout == "sam_single":
        return sam_encoder(enc), sam_decoder(dec, single_mask=True)
    if layout == "sam2":
        return sam2_encoder(enc), sam2_decoder(dec)
    if layout == "sam2_osam":
        return sam2_encoder(enc, osam_names=True), sam2_decoder(dec, osam_names=True)
    if layout == "efficientsam":
        return efficientsam_encoder(enc), efficientsam_decoder(dec)
    raise ValueError(layout)
