"""Errors a user can cause while loading a model or running it, with actionable messages.

Every message names the file at fault and says what is wrong with it, so a person can
fix the model, its config file or the image without reading a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path


class InferenceError(Exception):
    """Base class of every error the ``inference`` package reports to a user."""


class ModelError(InferenceError):
    """A model file (or its config) cannot be loaded or used."""


class ModelNotFoundError(ModelError):
    """The model file does not exist or cannot be read."""


class NotOnnxError(ModelError):
    """The file is not an ONNX model (for example a JPEG renamed to ``.onnx``)."""


class ModelLayoutError(ModelError):
    """The model's inputs or outputs are not in a layout any adapter understands."""


class ClassCountError(ModelError):
    """The number of classes in the model's output disagrees with the class names given."""


class UnsafeModelError(ModelError):
    """The model refers to files outside its folder or needs code we will not load."""


class ModelConfigError(ModelError):
    """The model's ``.json``/``.yaml`` config file is malformed or inconsistent."""


class DeviceUnavailableError(ModelError):
    """The requested device (e.g. ``cuda``) cannot run the model on this machine."""


class ImageDecodeError(InferenceError):
    """An image file is missing, unreadable or not an image."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class SegmenterLayoutError(ModelLayoutError):
    """An encoder/decoder pair is not in a promptable-segmentation layout we understand."""


class PromptError(InferenceError):
    """A segmentation prompt is malformed (no points and no box, labels not 0/1, ...)."""


class EmbeddingMismatchError(InferenceError):
    """An image embedding was made by another model than the one asked to decode it."""
