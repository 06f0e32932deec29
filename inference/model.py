"""Loading a model: validate the file, read its config, start a session, pick an adapter.

:func:`load_model` is the entry point; the returned :class:`Model` predicts on BGR images
and reports what it is (:class:`ModelInfo`), including the provider really in use.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inference.adapters import Adapter, PostParams, describe_shapes, select_adapter
from inference.config import ModelConfig, find_config, load_config
from inference.errors import ClassCountError, ModelConfigError, ModelError
from inference.modelfile import (
    Dim,
    ModelFile,
    describe_session,
    inspect_model_file,
    needs_onnx_check,
    read_model_bytes,
)
from inference.preprocess import Frame, center_crop, letterbox, to_blob
from inference.results import Detection, ImagePrediction
from inference.session import SessionFactory, create_session

DEFAULT_INPUT_SIZE = 640
DEFAULT_MAX_BATCH = 8
PAD_GREY = 114 / 255


@dataclass(frozen=True)
class ModelInfo:
    """What a loaded model is and where it runs; ``provider`` comes from the live session."""

    path: Path
    sha256: str
    task: str
    class_names: tuple[str, ...]
    input_size: tuple[int, int]  # (height, width)
    provider: str
    fallback_note: str | None
    dynamic_batch: bool
    static_batch: int | None
    output_shapes: str
    config_path: Path | None
    metadata: dict[str, str]
    threads: int


def load_model(
    path: str | Path,
    *,
    config_path: str | Path | None = None,
    device: str = "auto",
    gpu_mem_limit: int | None = None,
    threads: int | None = None,
    session_factory: SessionFactory | None = None,
    available_providers: Sequence[str] | None = None,
) -> Model:
    """Load and validate an ONNX model and its optional config (``model.json``/``.yaml``).

    ``device`` is ``"auto"`` (CUDA if it really starts, else CPU with a note in
    ``info.fallback_note``), ``"cpu"`` or ``"cuda"`` (an error if CUDA cannot start).
    ``threads`` sets ONNX Runtime's intra-op threads (default: cores - 1).
    ``session_factory`` and ``available_providers`` exist for tests. Raises a subclass of
    :class:`~inference.errors.ModelError` with a message naming the file and the problem.
    """
    path = Path(path)
    data = read_model_bytes(path)
    checked = inspect_model_file(path, data) if needs_onnx_check(data) else None
    cfg_path = Path(config_path) if config_path is not None else find_config(path)
    config = load_config(cfg_path) if cfg_path is not None else ModelConfig()
    try:
        handle = create_session(
            path,
            device=device,
            gpu_mem_limit=gpu_mem_limit,
            threads=threads,
            session_factory=session_factory,
            available_providers=available_providers,
        )
    except ModelError:
        if checked is None:  # say what is wrong with the file if onnx can tell (slow path)
            inspect_model_file(path, data)
        raise
    model_file = checked or describe_session(
        handle.session, path, hashlib.sha256(data).hexdigest()
    )
    input_size = _input_size(model_file, config)
    batch_dim = model_file.input_shape[0]
    static_batch = batch_dim if isinstance(batch_dim, int) else None
    if static_batch is None and _outputs_fix_batch_one(handle.session):
        static_batch = 1  # a dynamic input but outputs of one image: run one image at a time
    shapes, names = _warm_up(handle.session, model_file, input_size, static_batch or 1)
    adapter_cls = select_adapter(
        shapes,
        names,
        model_name=path.name,
        forced_task=config.task,
        forced_by=config.label,
        metadata_task=model_file.metadata.get("task"),
    )
    class_names = _class_names(adapter_cls, shapes, names, model_file, config)
    _check_class_map(config, class_names)
    info = ModelInfo(
        path=path,
        sha256=model_file.sha256,
        task=adapter_cls.task,
        class_names=class_names,
        input_size=input_size,
        provider=handle.provider,
        fallback_note=handle.fallback_note,
        dynamic_batch=static_batch is None,
        static_batch=static_batch,
        output_shapes=describe_shapes(names, shapes),
        config_path=cfg_path,
        metadata=dict(model_file.metadata),
        threads=handle.threads,
    )
    adapter = adapter_cls(shapes, input_size, class_names)
    return Model(info, config, handle.session, adapter, model_file)


class Model:
    """A loaded model. Thread-safe for prediction (ONNX Runtime sessions are)."""

    def __init__(
        self,
        info: ModelInfo,
        config: ModelConfig,
        session: Any,
        adapter: Adapter,
        model_file: ModelFile,
    ) -> None:
        self.info = info
        self.config = config
        self.session = session
        self.adapter = adapter
        self._input_name = model_file.input_name
        self._dtype = np.float16 if model_file.input_type == "FLOAT16" else np.float32
        # Set once a batch of several images gave outputs of one image (or failed while
        # one image at a time works): from then on every image runs on its own.
        self.one_image_at_a_time = False
        self.dropped_unmapped: Counter[str] = Counter()
        """Predictions dropped by ``class_map`` in :meth:`predict` calls, by model class."""

    def __repr__(self) -> str:
        return f"Model({self.info.path.name!r}, task={self.info.task!r}, {self.info.provider})"

    @property
    def max_batch(self) -> int:
        """Images per ``session.run``: the static batch, or a default for dynamic batch."""
        return self.info.static_batch or DEFAULT_MAX_BATCH

    def params(
        self, conf: float | None = None, iou: float | None = None, max_det: int | None = None
    ) -> PostParams:
        """Thresholds for a call: arguments, else the config's, else defaults."""
        return PostParams(
            conf=self.config.conf if conf is None else conf,
            iou=self.config.iou if iou is None else iou,
            max_det=self.config.max_det if max_det is None else max_det,
        )

    def predict(
        self,
        images_bgr: Sequence[np.ndarray],
        conf: float | None = None,
        iou: float | None = None,
        max_det: int | None = None,
    ) -> list[list[Detection]]:
        """Detections per BGR image (already EXIF-oriented), in that image's pixels.

        Predictions whose class the config's ``class_map`` drops are counted in
        :attr:`dropped_unmapped`.
        """
        results = self.predict_detailed(images_bgr, conf, iou, max_det)
        for result in results:
            self.dropped_unmapped.update(result.dropped_unmapped)
        return [r.detections for r in results]

    def predict_detailed(
        self,
        images_bgr: Sequence[np.ndarray],
        conf: float | None = None,
        iou: float | None = None,
        max_det: int | None = None,
    ) -> list[ImagePrediction]:
        """Like :meth:`predict` but returns the dropped counts per image instead of adding up."""
        params = self.params(conf, iou, max_det)
        results: list[ImagePrediction] = []
        for start in range(0, len(images_bgr), self.max_batch):
            prepared = [
                self.prepare(_check_image(img))
                for img in images_bgr[start : start + self.max_batch]
            ]
            canvases = [c for c, _ in prepared]
            frames = [f for _, f in prepared]
            results.extend(self.run_batch(canvases, frames, params)[0])
        return results

    def prepare(
        self, image_bgr: np.ndarray, scale: tuple[float, float] = (1.0, 1.0)
    ) -> tuple[np.ndarray, Frame]:
        """Resize a BGR image to the model input (letterbox; centre crop for classifiers).

        ``scale`` maps ``image_bgr`` pixels to the original image (from a reduced decode).
        Safe to call from worker threads.
        """
        if self.adapter.resize_mode == "center_crop":
            return center_crop(image_bgr, self.info.input_size, scale)
        return letterbox(image_bgr, self.info.input_size, scale)

    def run_batch(
        self, canvases: list[np.ndarray], frames: list[Frame], params: PostParams
    ) -> tuple[list[ImagePrediction], float, float]:
        """Run letterboxed BGR canvases (at most :attr:`max_batch`) through the model.

        Returns the predictions and the seconds spent in inference and in post-processing.
        """
        started = time.perf_counter()
        blob = to_blob(canvases, self._dtype)
        if self.info.static_batch and len(canvases) < self.info.static_batch:
            padding = np.zeros(
                (self.info.static_batch - len(canvases), *blob.shape[1:]), blob.dtype
            )
            blob = np.concatenate([blob, padding])
        outputs = [np.asarray(o, dtype=np.float32) for o in self._run(blob)]
        inferred = time.perf_counter()
        raw = self.adapter.postprocess(outputs, frames, params)
        results = [self._apply_class_map(dets) for dets in raw]
        return results, inferred - started, time.perf_counter() - inferred

    def _run(self, blob: np.ndarray) -> list[Any]:
        """``session.run`` on a batch, or image by image when the model holds one per run.

        Some exports take a dynamic batch but write outputs of one image (a reshape to a
        fixed batch of 1): a batch of several gives outputs of batch 1, or an error.
        """
        count = blob.shape[0]
        if count > 1 and not self.one_image_at_a_time and not self.info.static_batch:
            try:
                outputs = self.session.run(None, {self._input_name: blob})
            except Exception:  # retried one image at a time below, which says what fails
                outputs = None
            if outputs is not None and all(
                np.ndim(o) == 0 or np.shape(o)[0] == count for o in outputs
            ):
                return list(outputs)
            self.one_image_at_a_time = True
        if count == 1 or self.info.static_batch:
            return list(self._run_once(blob))
        parts = [self._run_once(blob[i : i + 1]) for i in range(count)]
        return [np.concatenate([part[k] for part in parts]) for k in range(len(parts[0]))]

    def _run_once(self, blob: np.ndarray) -> list[Any]:
        try:
            return list(self.session.run(None, {self._input_name: blob}))
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise ModelError(
                f"{self.info.path.name} failed on an input of shape {blob.shape}: {first}"
            ) from exc

    def _apply_class_map(self, detections: list[Detection]) -> ImagePrediction:
        class_map = self.config.class_map
        if not class_map:
            return ImagePrediction(detections)
        kept: list[Detection] = []
        dropped: Counter[str] = Counter()
        for det in detections:
            target = class_map.get(det.class_name)
            if target is None:
                dropped[det.class_name] += 1
            else:
                kept.append(dataclasses.replace(det, class_name=target))
        return ImagePrediction(kept, dropped)


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        shape = getattr(image, "shape", type(image).__name__)
        raise ValueError(f"expected a BGR image of shape (height, width, 3), got {shape}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 BGR image, got dtype {image.dtype}")
    return image


def _outputs_fix_batch_one(session: Any) -> bool:
    """Whether an output declares a batch dimension of exactly 1 (the input's is dynamic)."""
    for output in session.get_outputs():
        shape = getattr(output, "shape", None) or []
        if len(shape) >= 2 and shape[0] == 1:
            return True
    return False


def _input_size(model_file: ModelFile, config: ModelConfig) -> tuple[int, int]:
    """Static input dims win; dynamic ones come from the config, metadata ``imgsz``, or 640."""
    fallback = config.input_size or _metadata_imgsz(model_file) or (DEFAULT_INPUT_SIZE,) * 2
    dims: tuple[Dim, Dim] = (model_file.input_shape[2], model_file.input_shape[3])
    size = (
        dims[0] if isinstance(dims[0], int) else fallback[0],
        dims[1] if isinstance(dims[1], int) else fallback[1],
    )
    if config.input_size is not None and size != config.input_size:
        raise ModelConfigError(
            f"{config.label}: input_size {list(config.input_size)} but {model_file.path.name} "
            f"has a fixed input of {size[0]}x{size[1]} (height x width); remove input_size"
        )
    return size


def _metadata_imgsz(model_file: ModelFile) -> tuple[int, int] | None:
    raw = model_file.metadata.get("imgsz")
    if raw is None:
        return None
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, int) and value > 0:
        return value, value
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    ):
        return int(value[0]), int(value[1])
    return None


def _warm_up(
    session: Any, model_file: ModelFile, input_size: tuple[int, int], batch: int
) -> tuple[tuple[tuple[int, ...], ...], tuple[str, ...]]:
    """One run on a grey input; returns the real output shapes (batch 1) and names."""
    dtype = np.float16 if model_file.input_type == "FLOAT16" else np.float32
    blob = np.full((batch, 3, *input_size), PAD_GREY, dtype=dtype)
    try:
        outputs = session.run(None, {model_file.input_name: blob})
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise ModelError(
            f"{model_file.path.name} failed on a test input of shape {blob.shape}: {first}"
        ) from exc
    names = tuple(o.name for o in session.get_outputs())
    shapes = tuple((1, *np.shape(o)[1:]) if np.ndim(o) else () for o in outputs)
    return shapes, names


def _class_names(
    adapter_cls: type[Adapter],
    shapes: tuple[tuple[int, ...], ...],
    output_names: tuple[str, ...],
    model_file: ModelFile,
    config: ModelConfig,
) -> tuple[str, ...]:
    """Names from the config, else metadata ``names``, else ``class_0..``; counts must agree."""
    count = adapter_cls.num_classes(shapes)
    where = f"{model_file.path.name}: output {describe_shapes(output_names, shapes)} has "
    breakdown = adapter_cls.breakdown(shapes)
    if config.names is not None:
        if len(config.names) != count:
            raise ClassCountError(
                f"{where}{breakdown}, but {config.label} lists {len(config.names)} names"
            )
        return config.names
    raw = model_file.metadata.get("names")
    if raw is None:
        return tuple(f"class_{i}" for i in range(count))
    names = _parse_metadata_names(raw, model_file.path.name)
    if len(names) != count:
        raise ClassCountError(
            f"{where}{breakdown}, but its metadata 'names' lists {len(names)}; "
            "give the right names in the model's config file"
        )
    return names


def _parse_metadata_names(raw: str, model_name: str) -> tuple[str, ...]:
    """Parse Ultralytics ``names`` ("{0: 'a', 1: 'b'}") with ``ast.literal_eval``, never eval."""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
        raise ModelError(
            f"{model_name}: metadata 'names' is not a readable list or dict ({raw[:80]!r}); "
            "list the class names in the model's config file instead"
        ) from exc
    if isinstance(value, dict) and sorted(value) == list(range(len(value))):
        value = [value[i] for i in range(len(value))]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ModelError(
            f"{model_name}: metadata 'names' must map 0..n-1 to class names, got {raw[:80]!r}; "
            "list the class names in the model's config file instead"
        )
    return tuple(value)


def _check_class_map(config: ModelConfig, class_names: tuple[str, ...]) -> None:
    if not config.class_map:
        return
    unknown = sorted(set(config.class_map) - set(class_names))
    if unknown:
        raise ModelConfigError(
            f"{config.label}: class_map names {', '.join(map(repr, unknown))}, which the model "
            f"does not have (model classes: {', '.join(class_names)})"
        )
