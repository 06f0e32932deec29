"""Loading a pre-labeling model once per process, with errors that name the file.

Kept apart from ``labeler.core.prelabel`` (which needs the whole store) so that a caller can
start building a model's session on a thread before the store is even imported: ONNX
Runtime builds a session without holding the GIL.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from labeler.core.errors import LabelerError
from labeler.core.i18n import _

if TYPE_CHECKING:
    from inference import Model


class ModelLoadError(LabelerError):
    """The model could not be loaded; the message names the file and the problem."""


_MODEL_CACHE: dict[tuple[str, float, str, str], Model] = {}
_MODEL_CACHE_LOCK = threading.Lock()


def load_project_model(
    model_path: Path, config_path: Path | None = None, device: str = "auto"
) -> Model:
    """Load (or reuse) a model; model errors become :class:`ModelLoadError`."""
    from inference import ModelError, load_model

    model_path = Path(model_path)
    try:
        key = (str(model_path.resolve()), model_path.stat().st_mtime, str(config_path), device)
    except OSError as exc:
        raise ModelLoadError(
            _("{model_path}: model file not found").format(model_path=model_path)
        ) from exc
    with _MODEL_CACHE_LOCK:
        if key not in _MODEL_CACHE:
            try:
                _MODEL_CACHE[key] = load_model(model_path, config_path=config_path, device=device)
            except ModelError as exc:
                raise ModelLoadError(str(exc)) from exc
        return _MODEL_CACHE[key]


def start_loading(
    model_path: Path, config_path: Path | None = None, device: str = "auto"
) -> Future[Model]:
    """:func:`load_project_model` on a thread of its own; ``result()`` gives the model.

    The same model is asked for again later through the cache (the lock makes a second
    caller wait for the first load rather than load twice). Errors come from ``result()``.
    """
    loader = ThreadPoolExecutor(1, thread_name_prefix="model-load")
    try:
        return loader.submit(load_project_model, model_path, config_path, device)
    finally:
        loader.shutdown(wait=False)
