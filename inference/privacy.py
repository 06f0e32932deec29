"""ONNX Runtime's usage record for Microsoft: off unless the user opts in.

ONNX Runtime 1.29+ keeps a usage record (a device id; per session the model's file, graph
and producer names; error messages) under ``~/.cache/Microsoft/DeveloperTools`` and
uploads it when online. Labeler is for confidential images and models, often offline, so
the record stays off unless the user sets ``ORT_DISABLE_TELEMETRY=0`` (docs/models.md,
"Privacy"). The variable must be set before ONNX Runtime starts; ``inference/__init__``
does it, and every import of onnxruntime in labeler goes through that package.
"""

from __future__ import annotations

import os
from typing import Any

VARIABLE = "ORT_DISABLE_TELEMETRY"
# The values ONNX Runtime 1.31 reads as "off" (tried one by one; case and spaces ignored).
_OFF = frozenset({"1", "true", "yes", "on"})


def keep_usage_record_off() -> None:
    """Set the variable to off unless the user already set it (either way)."""
    os.environ.setdefault(VARIABLE, "1")


def usage_record_off(value: str | None) -> bool:
    """Whether ONNX Runtime reads ``value`` of the variable as "keep no record"."""
    return value is not None and value.strip().lower() in _OFF


def runtime_events_off(ort: Any) -> None:
    """Also switch off ONNX Runtime's in-process events (on Windows it reads no variable)."""
    if usage_record_off(os.environ.get(VARIABLE)):
        ort.disable_telemetry_events()
