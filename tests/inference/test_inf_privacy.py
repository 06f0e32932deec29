"""ONNX Runtime's usage record stays off: real processes, a real home folder to look in.

ONNX Runtime 1.29+ writes a device id and a queue of usage events (model file names, error
messages) under the user's cache folder for upload to Microsoft. Each test runs a fresh
interpreter with ``HOME`` and ``XDG_CACHE_HOME`` in a temporary folder and looks at what
appeared there. A plain ONNX Runtime process is the control: where this build keeps no
record (an older version, or one that recognises a CI machine from its variables, which
are removed here), the tests say so and skip rather than pass on nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inference.privacy import usage_record_off

ROOT = Path(__file__).resolve().parents[2]
DEMO_MODEL = ROOT / "labeler" / "data" / "models" / "demo_damage.onnx"
# Variables by which ONNX Runtime takes a machine for CI and records nothing itself.
_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "JENKINS_URL", "BUILDKITE")

PLAIN_SESSION = (
    "import sys, onnxruntime as ort\n"
    "ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
)
LABELER_MODEL = (
    "import sys\nfrom inference import load_model\nload_model(sys.argv[1], device='cpu')\n"
)


def _files_left(home: Path, args: list[str], **extra: str) -> list[str]:
    """Run a fresh interpreter with ``home`` as its home; the files it left there."""
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in _CI_VARIABLES}
    env.pop("ORT_DISABLE_TELEMETRY", None)
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), **extra)
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())


@pytest.fixture
def runtime_keeps_a_record(tmp_path: Path) -> list[str]:
    """What a plain ONNX Runtime session leaves behind (skip the test if nothing)."""
    left = _files_left(tmp_path / "control", ["-c", PLAIN_SESSION, str(DEMO_MODEL)])
    if not left:
        pytest.skip("this ONNX Runtime build keeps no usage record on this machine")
    return left


def test_loading_a_model_leaves_no_usage_record(
    tmp_path: Path, runtime_keeps_a_record: list[str]
) -> None:
    assert any("onnxruntime" in path for path in runtime_keeps_a_record)
    assert _files_left(tmp_path / "ours", ["-c", LABELER_MODEL, str(DEMO_MODEL)]) == []


def test_version_command_leaves_no_usage_record(
    tmp_path: Path, runtime_keeps_a_record: list[str]
) -> None:
    # ``labeler --version`` imports onnxruntime for its version and providers
    assert _files_left(tmp_path / "ours", ["-m", "labeler", "--version"]) == []


def test_a_user_who_opts_in_is_respected(tmp_path: Path, runtime_keeps_a_record: list[str]) -> None:
    left = _files_left(
        tmp_path / "ours", ["-c", LABELER_MODEL, str(DEMO_MODEL)], ORT_DISABLE_TELEMETRY="0"
    )
    assert left == runtime_keeps_a_record


@pytest.mark.parametrize("value", ["1", "True", " on ", "yes", "0", "false", "", "2"])
def test_usage_record_off_reads_the_variable_as_onnx_runtime_does(
    tmp_path: Path, runtime_keeps_a_record: list[str], value: str
) -> None:
    left = _files_left(
        tmp_path / "plain", ["-c", PLAIN_SESSION, str(DEMO_MODEL)], ORT_DISABLE_TELEMETRY=value
    )
    assert usage_record_off(value) == (left == [])


def test_usage_record_off_without_the_variable() -> None:
    assert not usage_record_off(None)
