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
import os
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

# ONNX Runtime 1.29+ keeps a usage record for Microsoft (a device id; per session the model's
# file, graph and producer names; error messages) in ~/.cache/Microsoft/DeveloperTools and
# uploads it when online. Labeler is for confidential images and models, often offline, so
# it stays off unless the user sets ORT_DISABLE_TELEMETRY=0. It must be set before ONNX
# Runtime starts, hence here: every import of onnxruntime in labeler goes through this
# package (docs/models.md, "Privacy").
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

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
