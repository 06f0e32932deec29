"""Exporting cleaned datasets: COCO, YOLO, Pascal VOC and CSV, with a manifest.

See :func:`export_dataset` (in :mod:`labeler.core.export.pipeline`).
"""

from labeler.core.export.pipeline import (
    FORMATS,
    IMAGE_MODES,
    ExportOptions,
    ExportResult,
    export_dataset,
)
from labeler.core.export.selection import ONLY_MODES, UNRESOLVED_POLICIES
from labeler.core.export.writer import DatasetWriter, ExportError

__all__ = [
    "FORMATS",
    "IMAGE_MODES",
    "ONLY_MODES",
    "UNRESOLVED_POLICIES",
    "DatasetWriter",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "export_dataset",
]
