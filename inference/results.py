"""Plain result types returned by models and the batch engine (no Qt, no ONNX Runtime)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Detection:
    """One prediction in the coordinates of the original, EXIF-oriented image.

    ``class_index`` is the model's class index; ``class_name`` is the project class name
    after the config's ``class_map`` (the model's own name when there is no map).
    ``box`` is ``(x1, y1, x2, y2)`` in original oriented image pixels, clipped to the image;
    ``polygon`` is a ``(K, 2)`` float array of ``x, y`` points for segmentation models.
    Classification gives ``box=None`` and ``polygon=None``: an image-level tag.
    """

    class_index: int
    class_name: str
    score: float
    box: tuple[float, float, float, float] | None = None
    polygon: np.ndarray | None = field(default=None, compare=False)

    @property
    def is_tag(self) -> bool:
        """True for an image-level tag (classification), which has no geometry."""
        return self.box is None and self.polygon is None


@dataclass(frozen=True)
class ImagePrediction:
    """Detections for one image plus predictions dropped because their class is unmapped."""

    detections: list[Detection]
    dropped_unmapped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Timing:
    """Milliseconds spent on one image in each stage (inference is shared across a batch)."""

    decode_ms: float
    inference_ms: float
    postprocess_ms: float

    @property
    def total_ms(self) -> float:
        """Sum of all stages."""
        return self.decode_ms + self.inference_ms + self.postprocess_ms


@dataclass(frozen=True)
class PrelabelResult:
    """What the batch engine yields for each work item, in input order.

    ``error`` is a message naming the file when the image could not be decoded; then
    ``detections`` is empty. The run goes on with the next image.
    """

    key: Hashable
    detections: list[Detection]
    timing: Timing
    dropped_unmapped: Counter[str] = field(default_factory=Counter)
    error: str | None = None


@dataclass(frozen=True)
class RunStats:
    """Totals of one batch run, available as ``PrelabelEngine.last_stats`` afterwards."""

    images: int
    failed: int
    seconds: float
    cancelled: bool
    dropped_unmapped: Counter[str]
    decode_factor: int = 1
    """The JPEG decode reduction the run used (1: full decode), chosen on its first image."""

    @property
    def images_per_second(self) -> float:
        """Throughput over the whole run, decode included."""
        return self.images / self.seconds if self.seconds > 0 else 0.0

    def dropped_message(self) -> str | None:
        """E.g. ``"dropped 12 predictions of unmapped classes: person, car"``, or None."""
        return dropped_message(self.dropped_unmapped)


def dropped_message(dropped: Counter[str]) -> str | None:
    """Human-readable summary of predictions dropped because their class is unmapped."""
    total = sum(dropped.values())
    if total == 0:
        return None
    names = ", ".join(name for name, _ in dropped.most_common())
    noun = "prediction" if total == 1 else "predictions"
    return f"dropped {total} {noun} of unmapped classes: {names}"
