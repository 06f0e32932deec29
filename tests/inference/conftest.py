from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from inference_graphs import NAMES_META, V8_ROWS, const_model, v8_output


@pytest.fixture
def v8_path(tmp_path: Path) -> Path:
    return const_model(
        tmp_path / "v8.onnx",
        {"output0": v8_output(V8_ROWS, nc=2)},
        metadata={"task": "detect", "names": NAMES_META},
    )


@pytest.fixture
def image_1280x720() -> np.ndarray:
    return np.zeros((720, 1280, 3), np.uint8)
