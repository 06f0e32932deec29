"""mypy finds no error in labeler's core, app and CLI and in inference ([tool.mypy]).

Settings are in pyproject.toml. Modules other changes of this session are still editing
are listed, with the reason, in the pyproject override; each leaves that list once it is
clean. Qt's declarative strings are typed through ``labeler.app.i18n.QT_TRANSLATE_NOOP``
(Qt's own returns ``object``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MYPY = [sys.executable, "-m", "mypy"]


def _mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MYPY, "--no-color-output", "--no-error-summary", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )


# Without a .mypy_cache, ~2 min (51 s CPU) on the loaded 2-core machine; ~5 s with one.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_core_inference_app_and_cli_have_no_type_errors() -> None:
    """The configured files (core, inference, app, CLI) type-check; the output names each error."""
    result = _mypy("--config-file", str(ROOT / "pyproject.toml"), cwd=ROOT)
    assert result.returncode == 0, "mypy found errors:\n" + result.stdout[-6000:] + result.stderr
    assert result.stdout.strip() == ""


def test_the_check_is_not_blind(tmp_path: Path) -> None:
    """With the same settings, a module with a wrong type fails (the check can fail)."""
    module = tmp_path / "wrong.py"
    module.write_text('def count() -> int:\n    return "three"\n')
    result = _mypy("--config-file", str(ROOT / "pyproject.toml"), str(module), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'wrong.py:2: error: Incompatible return value type (got "str", expected "int")' in (
        result.stdout
    )
