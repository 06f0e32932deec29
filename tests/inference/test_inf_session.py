"""Device selection and fallback, tested without a GPU through an injected session factory.

The injected factory builds a REAL CPU ONNX Runtime session and only pretends about which
provider it runs on, so everything after session creation is exercised for real.
"""

from __future__ import annotations

import os

import numpy as np
import onnxruntime as ort
import pytest

from inference import DeviceUnavailableError, load_model
from inference.session import CPU, CUDA, create_session, session_options


class _FakeDeviceSession:
    """A real CPU session that reports ``providers`` from get_providers()."""

    def __init__(self, path: str, options, providers: list[str]) -> None:
        self._session = ort.InferenceSession(path, options, providers=[CPU])
        self._providers = providers

    def get_providers(self) -> list[str]:
        return self._providers

    def __getattr__(self, name):
        return getattr(self._session, name)


class Factory:
    """Records calls; ``cuda`` is "works", "fails" (raises) or "silent" (falls back to CPU)."""

    def __init__(self, cuda: str) -> None:
        self.cuda = cuda
        self.calls: list[list] = []
        self.options: list = []

    def __call__(self, path, options, providers):
        self.calls.append(providers)
        self.options.append(options)
        names = [p[0] if isinstance(p, tuple) else p for p in providers]
        if CUDA in names:
            if self.cuda == "fails":
                raise RuntimeError("CUDA failure 100: no CUDA-capable device is detected\nmore")
            if self.cuda == "silent":
                return _FakeDeviceSession(path, options, [CPU])
            return _FakeDeviceSession(path, options, [CUDA, CPU])
        return _FakeDeviceSession(path, options, [CPU])


AVAILABLE = [CUDA, CPU]


def test_auto_uses_cuda_when_it_works(v8_path, image_1280x720):
    factory = Factory("works")
    model = load_model(
        v8_path,
        device="auto",
        gpu_mem_limit=2 << 30,
        session_factory=factory,
        available_providers=AVAILABLE,
    )
    assert model.info.provider == CUDA
    assert model.info.fallback_note is None
    [(name, options), cpu] = factory.calls[0]
    assert (name, cpu) == (CUDA, CPU)
    assert options == {"cudnn_conv_algo_search": "HEURISTIC", "gpu_mem_limit": str(2 << 30)}
    assert len(factory.calls) == 1
    assert len(model.predict([image_1280x720])[0]) == 3  # the session really runs


def test_auto_falls_back_to_cpu_with_a_note_when_cuda_fails(v8_path):
    factory = Factory("fails")
    model = load_model(
        v8_path, device="auto", session_factory=factory, available_providers=AVAILABLE
    )
    assert model.info.provider == CPU
    assert model.info.fallback_note == (
        "CUDA unavailable (CUDA failure 100: no CUDA-capable device is detected); running on CPU"
    )
    assert factory.calls[-1] == [CPU]


def test_auto_checks_the_provider_the_session_really_uses(v8_path):
    factory = Factory("silent")  # accepted CUDA in the request, then ran on CPU
    model = load_model(
        v8_path, device="auto", session_factory=factory, available_providers=AVAILABLE
    )
    assert model.info.provider == CPU
    assert "CUDA unavailable (ONNX Runtime started on CPUExecutionProvider" in (
        model.info.fallback_note or ""
    )


def test_auto_without_a_cuda_build(v8_path):
    factory = Factory("works")
    model = load_model(v8_path, session_factory=factory, available_providers=[CPU])
    assert model.info.provider == CPU
    assert "no CUDA provider" in (model.info.fallback_note or "")
    assert factory.calls == [[CPU]]


@pytest.mark.parametrize(
    ("cuda", "available", "reason"),
    [
        ("works", [CPU], "no CUDA provider"),
        ("fails", AVAILABLE, "no CUDA-capable device"),
        ("silent", AVAILABLE, "started on CPUExecutionProvider"),
    ],
)
def test_cuda_requested_but_unavailable_is_an_error(v8_path, cuda, available, reason):
    factory = Factory(cuda)
    with pytest.raises(DeviceUnavailableError) as info:
        load_model(v8_path, device="cuda", session_factory=factory, available_providers=available)
    assert str(info.value).startswith("v8.onnx: CUDA was requested but cannot be used (")
    assert reason in str(info.value)
    assert all(call[0] != CPU for call in factory.calls)  # never silently retried on CPU


def test_cpu_never_asks_for_cuda(v8_path):
    factory = Factory("works")
    model = load_model(
        v8_path, device="cpu", session_factory=factory, available_providers=AVAILABLE
    )
    assert factory.calls == [[CPU]]
    assert model.info.provider == CPU and model.info.fallback_note is None


def test_session_options_for_an_interactive_app():
    options = session_options()
    assert options.intra_op_num_threads == max(1, (os.cpu_count() or 1) - 1)
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.get_session_config_entry("session.inter_op.allow_spinning") == "0"
    assert session_options(3).intra_op_num_threads == 3


def test_bad_device_and_memory_limit(v8_path):
    with pytest.raises(DeviceUnavailableError, match="device 'gpu' is not one of auto, cpu, cuda"):
        create_session(v8_path, device="gpu")
    with pytest.raises(DeviceUnavailableError, match="gpu_mem_limit must be a positive"):
        create_session(v8_path, device="cuda", gpu_mem_limit=0, available_providers=AVAILABLE)


def test_real_onnxruntime_on_this_machine(v8_path, image_1280x720):
    """No injection: whatever this machine has, the provider reported is the one in use."""
    model = load_model(v8_path, device="auto")
    if model.info.provider == CPU:
        assert model.info.fallback_note and model.info.fallback_note.endswith("running on CPU")
        with pytest.raises(DeviceUnavailableError):
            load_model(v8_path, device="cuda")
    else:
        assert model.info.provider == CUDA and model.info.fallback_note is None
    assert isinstance(model.predict([image_1280x720])[0][0].box, tuple)
    assert np.isfinite(model.predict([image_1280x720])[0][0].score)
