"""What runs on a Ray worker for ``labeler prelabel --engine ray``: a shard of images per call.

Each actor of the Ray Data actor pool builds one ONNX Runtime session (``inference.load_model``)
in ``__init__`` and reuses it for every shard it is given, through the same
:class:`inference.PrelabelEngine` the local engine uses, with the run's decode reduction fixed
by the driver, so the model sees exactly what it sees locally. Nothing here touches the
project file: results go back to the driver (the only writer) as plain JSON per shard.

The model travels as bytes (written once per actor into a private temporary folder), so the
workers need no copy of it. Images are either read from a shared mount (``image_root``: the
driver sends paths) or shipped as bytes by the driver (written to the same private folder,
since the engine decodes files); error messages name the project's stored path either way.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from inference import Model, PrelabelResult


@dataclass(frozen=True)
class ModelBlob:
    """A model file and its optional config, as bytes for the workers."""

    name: str
    data: bytes
    config_name: str | None = None
    config_data: bytes | None = None

    @classmethod
    def read(cls, model_path: Path, config_path: Path | None) -> ModelBlob:
        """Read the model and its config (given, or found beside the model as load_model does)."""
        from inference.config import find_config

        config_path = config_path or find_config(model_path)
        return cls(
            model_path.name,
            model_path.read_bytes(),
            config_path.name if config_path else None,
            config_path.read_bytes() if config_path else None,
        )


@dataclass(frozen=True)
class WorkerSettings:
    """How every actor runs the model (the same for the whole run)."""

    device: str
    threads: int
    batch: int | None
    decode_factor: int
    conf: float
    iou: float


def load_worker_model(blob: ModelBlob, folder: Path, device: str, threads: int) -> Model:
    """Write the model (and config) into ``folder`` and load it; raises ``ModelError``."""
    from inference import load_model

    model_path = folder / PurePath(blob.name).name
    model_path.write_bytes(blob.data)
    config_path = None
    if blob.config_name is not None and blob.config_data is not None:
        config_path = folder / PurePath(blob.config_name).name
        config_path.write_bytes(blob.config_data)
    return load_model(model_path, config_path=config_path, device=device, threads=threads)


def probe_worker(
    blob: ModelBlob, device: str, threads: int, items: list[dict[str, Any]], payload: bytes,
    conf: float, iou: float,
) -> dict[str, Any]:
    """Load the model on a worker and choose the run's decode reduction on its first images.

    Returns ``{"provider", "fallback_note", "decode_factor"}``, or ``{"error": message}``
    when the model cannot be loaded there (a Ray task, so it is not retried forever as a
    failing actor would be).
    """
    from inference import ModelError
    from inference.decode_choice import run_decode_factor

    folder = Path(tempfile.mkdtemp(prefix="labeler-ray-probe-"))
    try:
        try:
            model = load_worker_model(blob, folder, device, threads)
        except ModelError as exc:
            return {"error": str(exc)}
        paths = _materialise(items, payload, folder)
        factor = run_decode_factor(
            model, [(path, (item["width"], item["height"])) for item, path in zip(
                items, paths, strict=True)], model.params(conf, iou))
        return {"provider": model.info.provider, "fallback_note": model.info.fallback_note,
                "decode_factor": factor}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class ShardPredictor:
    """The Ray Data callable class: one ONNX Runtime session per actor, one shard per row."""

    def __init__(self, blob: Any, settings: WorkerSettings) -> None:
        from inference import PrelabelEngine

        blob = _resolve(blob)
        self._folder = Path(tempfile.mkdtemp(prefix="labeler-ray-"))
        self.settings = settings
        self.model = load_worker_model(blob, self._folder, settings.device, settings.threads)
        self.engine = PrelabelEngine(self.model, batch_size=settings.batch,
                                     decode_factor=settings.decode_factor,
                                     decode_threads=max(1, settings.threads))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[str]]:
        """Pre-label each shard of a Ray Data batch; one JSON result per shard."""
        out: dict[str, list[str]] = {"shard": [], "result": []}
        for shard, items, payload in zip(batch["shard"], batch["items"], batch["payload"],
                                         strict=True):
            out["shard"].append(str(shard))
            out["result"].append(json.dumps(self.run_shard(str(shard), json.loads(items),
                                                           bytes(payload))))
        return out

    def run_shard(self, shard: str, items: list[dict[str, Any]], payload: bytes
                  ) -> dict[str, Any]:
        """The detections of one shard's images, in the shard's order."""
        folder = self._folder / "images"
        folder.mkdir(exist_ok=True)
        try:
            paths = _materialise(items, payload, folder)
            work = [(item["image_id"], path, (item["width"], item["height"]))
                    for item, path in zip(items, paths, strict=True)]
            results = self.engine.run(work, conf=self.settings.conf, iou=self.settings.iou)
            names = {str(path): item["name"] for item, path in zip(items, paths, strict=True)}
            images = [_result_dict(result, names) for result in results]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return {"shard": shard, "pid": os.getpid(), "provider": self.model.info.provider,
                "images": images}

    def __del__(self) -> None:
        shutil.rmtree(getattr(self, "_folder", ""), ignore_errors=True)


def _resolve(blob: Any) -> ModelBlob:
    """The model blob itself, fetched from the object store when given as a reference."""
    if isinstance(blob, ModelBlob):
        return blob
    import ray

    return ray.get(blob)


def _materialise(items: list[dict[str, Any]], payload: bytes, folder: Path) -> list[Path]:
    """Each item's readable path: on the shared mount, or its shipped bytes written to a file."""
    paths = []
    for n, item in enumerate(items):
        if item.get("path") is not None:
            paths.append(Path(item["path"]))
            continue
        start, length = item["offset"], item["length"]
        path = folder / f"{n}{PurePath(item['name']).suffix[:12]}"
        path.write_bytes(payload[start : start + length])
        paths.append(path)
    return paths


def _result_dict(result: PrelabelResult, names: dict[str, str]) -> dict[str, Any]:
    error = result.error
    if error is not None:
        for temp, name in names.items():
            error = error.replace(temp, name)
    return {
        "image_id": int(result.key),  # type: ignore[call-overload]
        "error": error,
        "detections": [
            [d.class_index, d.class_name, d.score, d.box,
             None if d.polygon is None else d.polygon.tolist()]
            for d in result.detections
        ],
        "dropped": dict(result.dropped_unmapped),
        "ms": [result.timing.decode_ms, result.timing.inference_ms,
               result.timing.postprocess_ms],
    }
