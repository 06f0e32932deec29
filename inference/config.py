"""The optional model config file beside a model: ``model.onnx`` + ``model.json``/``model.yaml``.

JSON is always supported; YAML when PyYAML is importable (``yaml.safe_load`` only).
Unknown fields are refused so a typo (``confidence`` for ``conf``) is not silently ignored.
See ``docs/models.md`` for the format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference.errors import ModelConfigError

TASKS = ("detect", "detect_v5", "segment", "classify")
CONFIG_SUFFIXES = (".json", ".yaml", ".yml")

DEFAULT_CONF = 0.25
DEFAULT_IOU = 0.45
DEFAULT_MAX_DET = 300


@dataclass(frozen=True)
class ModelConfig:
    """Settings from a model's config file; ``None`` means "use the model's own or default"."""

    task: str | None = None
    names: tuple[str, ...] | None = None
    conf: float = DEFAULT_CONF
    iou: float = DEFAULT_IOU
    max_det: int = DEFAULT_MAX_DET
    input_size: tuple[int, int] | None = None  # (height, width)
    class_map: Mapping[str, str | None] | None = None
    source: Path | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """How to name this config in messages."""
        return self.source.name if self.source else "the config"


def find_config(model_path: Path) -> Path | None:
    """The config file beside ``model_path`` with the same stem, if exactly one exists."""
    found = [
        model_path.with_suffix(suffix)
        for suffix in CONFIG_SUFFIXES
        if model_path.with_suffix(suffix).is_file()
    ]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise ModelConfigError(
            f"{names} both sit beside {model_path.name}; keep only one config file"
        )
    return found[0] if found else None


def load_config(path: Path) -> ModelConfig:
    """Read and validate a model config file (JSON, or YAML when PyYAML is installed)."""
    raw = _read_mapping(path)
    return parse_config(raw, source=path)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ModelConfigError(f"{path}: config file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelConfigError(f"{path}: cannot read config file ({exc})") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelConfigError(
                f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
    elif path.suffix.lower() in (".yaml", ".yml"):
        data = _load_yaml(path, text)
    else:
        raise ModelConfigError(f"{path.name}: config files must end in .json, .yaml or .yml")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ModelConfigError(f"{path.name}: the top level must be a mapping of field: value")
    return data


def _load_yaml(path: Path, text: str) -> Any:
    try:
        import yaml
    except ImportError as exc:
        raise ModelConfigError(
            f"{path.name}: reading YAML needs PyYAML, which is not installed; "
            f"write the config as {path.with_suffix('.json').name} or run `pip install pyyaml`"
        ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelConfigError(f"{path.name}: not valid YAML ({exc})") from exc


def parse_config(raw: Mapping[str, Any], source: Path | None = None) -> ModelConfig:
    """Validate a config mapping; every message names the file and the field."""
    label = source.name if source else "model config"
    known = {"task", "names", "conf", "iou", "max_det", "input_size", "class_map"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ModelConfigError(
            f"{label}: unknown field {', '.join(map(repr, unknown))} "
            f"(known fields: {', '.join(sorted(known))})"
        )
    return ModelConfig(
        task=_task(raw.get("task"), label),
        names=_names(raw.get("names"), label),
        conf=_fraction(raw.get("conf", DEFAULT_CONF), "conf", label),
        iou=_fraction(raw.get("iou", DEFAULT_IOU), "iou", label),
        max_det=_positive_int(raw.get("max_det", DEFAULT_MAX_DET), "max_det", label),
        input_size=_input_size(raw.get("input_size"), label),
        class_map=_class_map(raw.get("class_map"), label),
        source=source,
    )


def _task(value: Any, label: str) -> str | None:
    if value is None:
        return None
    if value not in TASKS:
        raise ModelConfigError(f"{label}: task {value!r} is not one of {', '.join(TASKS)}")
    return str(value)


def _names(value: Any, label: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, dict):  # Ultralytics-style {0: name, 1: name}
        try:
            keys = sorted(int(k) for k in value)
        except (TypeError, ValueError) as exc:
            raise ModelConfigError(f"{label}: names keys must be class indices 0..n-1") from exc
        if keys != list(range(len(keys))):
            raise ModelConfigError(f"{label}: names keys must be class indices 0..n-1")
        value = [value.get(k, value.get(str(k))) for k in keys]
    if not isinstance(value, list) or not all(isinstance(n, str) and n for n in value):
        raise ModelConfigError(f"{label}: names must be a list of non-empty class names")
    duplicates = sorted({n for n in value if value.count(n) > 1})
    if duplicates:
        raise ModelConfigError(f"{label}: names lists {', '.join(duplicates)} more than once")
    return tuple(value)


def _fraction(value: Any, name: str, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ModelConfigError(f"{label}: {name} must be a number from 0 to 1, got {value!r}")
    return float(value)


def _positive_int(value: Any, name: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelConfigError(f"{label}: {name} must be a whole number >= 1, got {value!r}")
    return value


def _input_size(value: Any, label: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 8192 for v in value)
    )
    if not ok:
        raise ModelConfigError(
            f"{label}: input_size must be a size like 640 or [height, width] "
            f"(16..8192 pixels), got {value!r}"
        )
    return int(value[0]), int(value[1])


def _class_map(value: Any, label: str) -> dict[str, str | None] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ModelConfigError(f"{label}: class_map must map model class names to project names")
    result: dict[str, str | None] = {}
    for key, target in value.items():
        if not isinstance(key, str) or not (target is None or isinstance(target, str)):
            raise ModelConfigError(
                f"{label}: class_map entry {key!r}: {target!r} must map a model class name "
                "to a project class name (or to null to drop it)"
            )
        result[key] = target or None
    return result
