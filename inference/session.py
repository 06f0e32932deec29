"""ONNX Runtime session creation with device selection: ``auto``, ``cpu`` or ``cuda``.

``auto`` tries CUDA and falls back to CPU with a human-readable note when CUDA cannot start
or ONNX Runtime silently runs on CPU anyway (onnxruntime-gpu lists CUDA even without a GPU).
``cuda`` that cannot start is an error, never a silent fallback. The provider reported is
always the one the session actually uses (``session.get_providers()[0]``).

The session factory and the list of available providers are injectable so the selection
logic is testable without a GPU.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.errors import DeviceUnavailableError, ModelError
from inference.privacy import runtime_events_off

DEVICES = ("auto", "cpu", "cuda")
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"

ProviderSpec = str | tuple[str, dict[str, str]]
SessionFactory = Callable[[str, Any, list[ProviderSpec]], Any]
"""``factory(model_path, session_options, providers) -> session`` (like InferenceSession)."""


class _CudaStartError(RuntimeError):
    """CUDA cannot start; raised before ONNX Runtime tries (and logs loudly)."""


@dataclass
class SessionHandle:
    """A ready session, the provider it really uses, and why it is not CUDA if it fell back."""

    session: Any
    provider: str
    fallback_note: str | None
    threads: int


def default_threads() -> int:
    """Leave one core free for image decoding and the UI: ``max(1, cpu_count - 1)``."""
    return max(1, (os.cpu_count() or 1) - 1)


def session_options(threads: int | None = None) -> Any:
    """SessionOptions for an interactive app: no idle spinning, full graph optimisation."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only; device fallback is reported by us
    return options


def cuda_provider_options(gpu_mem_limit: int | None = None) -> dict[str, str]:
    """CUDA options: heuristic conv algorithm search (no re-benchmark per shape)."""
    options = {"cudnn_conv_algo_search": "HEURISTIC"}
    if gpu_mem_limit is not None:
        if gpu_mem_limit <= 0:
            raise DeviceUnavailableError(
                f"gpu_mem_limit must be a positive byte count, got {gpu_mem_limit}"
            )
        options["gpu_mem_limit"] = str(int(gpu_mem_limit))
    return options


def create_session(
    model_path: Path,
    *,
    device: str = "auto",
    gpu_mem_limit: int | None = None,
    threads: int | None = None,
    session_factory: SessionFactory | None = None,
    available_providers: Sequence[str] | None = None,
) -> SessionHandle:
    """Create a session on the requested device; see the module docstring for the rules."""
    if device not in DEVICES:
        raise DeviceUnavailableError(f"device {device!r} is not one of {', '.join(DEVICES)}")
    factory = session_factory or _default_factory
    if available_providers is None:
        import onnxruntime as ort

        available_providers = ort.get_available_providers()
    threads = threads or default_threads()
    note: str | None = None
    if device in ("auto", "cuda"):
        handle, reason = _try_cuda(model_path, factory, available_providers, gpu_mem_limit, threads)
        if handle is not None:
            return handle
        if device == "cuda":
            raise DeviceUnavailableError(
                f"{model_path.name}: CUDA was requested but cannot be used ({reason}); "
                "choose device 'auto' or 'cpu', or fix the CUDA installation"
            )
        note = f"CUDA unavailable ({reason}); running on CPU"
    session = _create(factory, model_path, session_options(threads), [CPU])
    return SessionHandle(session, _provider_in_use(session), note, threads)


def _try_cuda(
    model_path: Path,
    factory: SessionFactory,
    available: Sequence[str],
    gpu_mem_limit: int | None,
    threads: int,
) -> tuple[SessionHandle | None, str]:
    """A CUDA session, or None and the reason it could not be had."""
    if CUDA not in available:
        return None, "this ONNX Runtime build has no CUDA provider; install onnxruntime-gpu"
    providers: list[ProviderSpec] = [(CUDA, cuda_provider_options(gpu_mem_limit)), CPU]
    try:
        session = factory(str(model_path), session_options(threads), providers)
    except _CudaStartError as exc:
        return None, str(exc)
    except Exception as exc:
        return None, _first_line(exc)
    used = _provider_in_use(session)
    if used == CUDA:
        return SessionHandle(session, used, None, threads), ""
    return None, (
        f"ONNX Runtime started on {used}: no usable GPU, or the CUDA/cuDNN libraries "
        "it needs are missing"
    )


def _create(
    factory: SessionFactory, path: Path, options: Any, providers: list[ProviderSpec]
) -> Any:
    try:
        return factory(str(path), options, providers)
    except ModelError:
        raise
    except Exception as exc:
        hint = ""
        if "not a registered function/op" in str(exc):
            hint = (
                " (the model uses an operator ONNX Runtime lacks; "
                "custom-op libraries are never loaded)"
            )
        raise ModelError(
            f"{path.name} could not be loaded by ONNX Runtime: {_first_line(exc)}{hint}"
        ) from exc


def _provider_in_use(session: Any) -> str:
    providers = session.get_providers()
    return str(providers[0]) if providers else "unknown"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _default_factory(path: str, options: Any, providers: list[ProviderSpec]) -> Any:
    import onnxruntime as ort

    runtime_events_off(ort)
    if any((p[0] if isinstance(p, tuple) else p) == CUDA for p in providers):
        problem = _cuda_library_problem()
        if problem:
            raise _CudaStartError(problem)
    return ort.InferenceSession(path, sess_options=options, providers=providers)


def _cuda_library_problem() -> str | None:
    """On Linux, why ONNX Runtime's CUDA provider library cannot load (a missing CUDA lib).

    Checked before ONNX Runtime tries, which would log a screen of errors on every load.
    Only a missing non-ONNX-Runtime library counts; anything else is left to ONNX Runtime.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    import onnxruntime as ort

    library = Path(ort.__file__).parent / "capi" / "libonnxruntime_providers_cuda.so"
    if not library.is_file():
        return None
    try:
        ctypes.CDLL(str(library))
    except OSError as exc:
        message = str(exc)
        missing = message.split(":", 1)[0].strip()
        if "cannot open shared object file" in message and not missing.startswith("libonnxruntime"):
            return f"{missing} not found; the CUDA/cuDNN libraries are not installed"
    return None
