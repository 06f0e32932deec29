"""Qt-free model inference for labeler: load ONNX models, pre-label images in batches.

Importing this package is cheap: ONNX Runtime, ``onnx`` and OpenCV are imported only when a
model is loaded or an image decoded (names below resolve lazily on first use).

Typical use::

    from inference import load_model, PrelabelEngine

    model = load_model("labeler/data/models/demo_damage.onnx")   # device="auto"
    print(model.info.provider, model.info.fallback_note)
    engine = PrelabelEngine(model)
    for result in engine.run([(image_id, path, (w, h)) for ...], cancel=event):
        ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from inference.errors import (
    ClassCountError,
    DeviceUnavailableError,
    ImageDecodeError,
    InferenceError,
    ModelConfigError,
    ModelError,
    ModelLayoutError,
    ModelNotFoundError,
    NotOnnxError,
    UnsafeModelError,
)
from inference.privacy import keep_usage_record_off

keep_usage_record_off()  # before anything imports onnxruntime (inference/privacy.py)

if TYPE_CHECKING:
    from inference.model import Model, ModelInfo, load_model
    from inference.pipeline import PrelabelEngine, WorkItem
    from inference.preprocess import decode_for_model
    from inference.results import (
        Detection,
        ImagePrediction,
        PrelabelResult,
        RunStats,
        Timing,
        dropped_message,
    )

_LAZY = {
    "load_model": "inference.model",
    "Model": "inference.model",
    "ModelInfo": "inference.model",
    "PrelabelEngine": "inference.pipeline",
    "WorkItem": "inference.pipeline",
    "decode_for_model": "inference.preprocess",
    "Detection": "inference.results",
    "ImagePrediction": "inference.results",
    "PrelabelResult": "inference.results",
    "RunStats": "inference.results",
    "Timing": "inference.results",
    "dropped_message": "inference.results",
}

__all__ = [
    "ClassCountError",
    "Detection",
    "DeviceUnavailableError",
    "ImageDecodeError",
    "ImagePrediction",
    "InferenceError",
    "Model",
    "ModelConfigError",
    "ModelError",
    "ModelInfo",
    "ModelLayoutError",
    "ModelNotFoundError",
    "NotOnnxError",
    "PrelabelEngine",
    "PrelabelResult",
    "RunStats",
    "Timing",
    "UnsafeModelError",
    "WorkItem",
    "decode_for_model",
    "dropped_message",
    "load_model",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'inference' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
