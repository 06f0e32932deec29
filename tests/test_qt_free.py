"""labeler.core and inference must import and work with PySide6 absent."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import importlib, pkgutil, sys, tempfile
    from pathlib import Path

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy"}:
                raise ImportError(f"Qt is blocked in the Qt-free packages: {name}")
            return None

    sys.meta_path.insert(0, BlockQt())
    import labeler.core, inference
    names = []
    for package in (labeler.core, inference):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    # The core works end to end through the CLI (which is Qt-free but for open/demo).
    from labeler.cli import main
    import cv2, numpy as np
    folder = Path(tempfile.mkdtemp())
    cv2.imwrite(str(folder / "a.png"), np.full((30, 40, 3), 90, np.uint8))
    project = folder / "p.labeler"
    assert main(["init", str(project), "--classes", "a,b"]) == 0
    assert main(["import", str(project), str(folder), "--json"]) == 0
    assert main(["info", str(project), "--json"]) == 0
    assert not any(m.split(".")[0] in {"PySide6", "shiboken6"} for m in sys.modules)
    print("IMPORTED", len(names))
""")


@pytest.mark.slow
def test_core_and_inference_never_import_qt() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "IMPORTED" in result.stdout


def test_no_qt_import_statements_in_qt_free_packages() -> None:
    offenders = []
    for folder in (ROOT / "labeler" / "core", ROOT / "inference"):
        for path in folder.rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                stripped = line.strip()
                if stripped.startswith(("import PySide6", "from PySide6", "import shiboken6")):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
