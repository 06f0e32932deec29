"""Promptable segmentation (Segment Anything family): click or box -> mask, Qt-free.

Separate image-encoder and prompt-decoder ONNX graphs in the published layouts (SAM ViT-B/L/H,
SAM 2 / 2.1, EfficientSAM), detected from the graphs' inputs and outputs.

Typical use::

    from inference.segmentation import Prompt, load_segmenter

    segmenter = load_segmenter(Path("sam_vit_b.encoder.onnx"), Path("sam_vit_b.decoder.onnx"))
    embedding = segmenter.encode(image_rgb)              # once per image (slow)
    prediction = segmenter.decode(embedding, Prompt(points=((120, 80),), labels=(1,)))
    prediction.mask                                      # bool, the image's height x width

Importing this package is cheap; ONNX Runtime and OpenCV load with the first segmenter.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from inference.segmentation.types import (
    LAYOUTS,
    ImageEmbedding,
    MaskPrediction,
    Prompt,
    SegmenterInfo,
)

if TYPE_CHECKING:
    from inference.segmentation.segmenter import Segmenter, load_segmenter, model_sha256

_LAZY = {
    "Segmenter": "inference.segmentation.segmenter",
    "load_segmenter": "inference.segmentation.segmenter",
    "model_sha256": "inference.segmentation.segmenter",
}

__all__ = [
    "LAYOUTS",
    "ImageEmbedding",
    "MaskPrediction",
    "Prompt",
    "Segmenter",
    "SegmenterInfo",
    "load_segmenter",
    "model_sha256",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'inference.segmentation' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
