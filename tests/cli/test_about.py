"""``labeler --version`` names the ONNX Runtime build; the CUDA note is said once per user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

from labeler.cli.about import first_time
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.inference.inference_graphs import grid_detector

LABELER = [sys.executable, "-m", "labeler.cli"]


def test_version_names_onnx_runtime_and_its_providers() -> None:
    done = subprocess.run([*LABELER, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("labeler ")
    assert f"ONNX Runtime {ort.__version__}" in done.stdout
    for provider in ort.get_available_providers():
        assert provider in done.stdout


def test_version_says_whether_onnx_runtime_keeps_its_usage_record() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env["LABELER_LANG"] = "en"
    default = subprocess.run([*LABELER, "--version"], capture_output=True, text=True,
                             check=True, env=env)
    assert "ONNX Runtime usage record: off (ORT_DISABLE_TELEMETRY=1)" in default.stdout
    opted_in = subprocess.run([*LABELER, "--version"], capture_output=True, text=True,
                              check=True, env={**env, "ORT_DISABLE_TELEMETRY": "0"})
    assert "ONNX Runtime usage record: on (ORT_DISABLE_TELEMETRY=0)" in opted_in.stdout
    assert "Microsoft" in opted_in.stdout


def test_a_note_is_new_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert first_time("CUDA unavailable (x); running on CPU")
    assert not first_time("CUDA unavailable (x); running on CPU")
    assert first_time("another note")


def test_the_cuda_note_is_printed_once(tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), np.zeros((64, 64, 3), np.uint8))
    project = tmp_path / "p.labeler"
    with Project.create(project, ["red", "green"]) as created:
        import_images(created, [folder])
    model = grid_detector(tmp_path / "grid.onnx")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [*LABELER, "prelabel", str(project), "--model", str(model), "--force"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    if "CUDA unavailable" not in first.stderr:
        pytest.skip("CUDA works here (or this ONNX Runtime has no CUDA provider to explain)")
    second = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert "CUDA unavailable" not in second.stderr
    assert "CPUExecutionProvider" in second.stderr + second.stdout
