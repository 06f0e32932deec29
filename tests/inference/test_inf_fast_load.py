"""Loading a model without external data never imports ``onnx`` (1-4 s), same checks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from inference_graphs import NAMES_META, V8_ROWS, const_model, identity_model, v8_output

from inference import ModelLayoutError, load_model
from inference.modelfile import inspect_model_file, needs_onnx_check, read_model_bytes

ROOT = Path(__file__).resolve().parents[2]


def _load_in_fresh_process(path: Path) -> dict:
    script = textwrap.dedent(f"""
        import json, sys
        from inference import load_model
        model = load_model({str(path)!r}, device="cpu")
        print(json.dumps({{"onnx": "onnx" in sys.modules, "names": model.info.class_names,
                           "input": model.info.input_size, "sha": model.info.sha256,
                           "meta": model.info.metadata}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_plain_model_loads_without_importing_onnx(v8_path):
    loaded = _load_in_fresh_process(v8_path)
    assert loaded["onnx"] is False
    described = inspect_model_file(v8_path)  # the onnx-based description agrees
    assert loaded["sha"] == described.sha256
    assert loaded["meta"] == described.metadata
    assert loaded["names"] == ["scratch", "crack"]


def test_the_word_location_anywhere_takes_the_onnx_path_and_still_loads(tmp_path):
    path = const_model(
        tmp_path / "m.onnx",
        {"output0": v8_output(V8_ROWS, nc=2)},
        metadata={"names": NAMES_META, "location": "Seoul"},
    )
    assert needs_onnx_check(read_model_bytes(path))
    loaded = _load_in_fresh_process(path)
    assert loaded["onnx"] is True
    assert loaded["meta"]["location"] == "Seoul"


@pytest.mark.parametrize("shape", [[1, 3, 640], [1, 640, 640, 3], [1, 1, 64, 64]])
def test_layout_checks_give_the_same_message_on_both_paths(tmp_path, shape):
    path = identity_model(tmp_path / "bad.onnx", shape)
    assert not needs_onnx_check(read_model_bytes(path))
    with pytest.raises(ModelLayoutError) as fast:
        load_model(path, device="cpu")
    with pytest.raises(ModelLayoutError) as slow:
        inspect_model_file(path)
    assert str(fast.value) == str(slow.value)
