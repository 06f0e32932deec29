"""The layering, as import-linter contracts (pyproject.toml) plus a scan for dynamic imports.

labeler.core never imports Qt, labeler.app or labeler.cli; inference never imports Qt
or labeler: at module level, inside functions, or through importlib.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
        "lint_imports_command()"]
FORBIDDEN = {
    "labeler/core": ("PySide6", "shiboken6", "labeler.app", "labeler.cli"),
    "inference": ("PySide6", "shiboken6", "labeler"),
}


def test_contracts_are_kept() -> None:
    result = subprocess.run([*LINT, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_the_contracts_see_imports_inside_functions(tmp_path: Path) -> None:
    """The checker is not blind: a function-level core -> app import breaks the contract."""
    for package in ("labeler", "labeler/core", "labeler/app", "labeler/cli", "inference"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "labeler" / "core" / "sneaky.py").write_text(
        "def show():\n    from labeler.app import window  # noqa\n    return window\n"
    )
    (tmp_path / "labeler" / "app" / "window.py").write_text("")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run([*LINT, "--no-cache"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "labeler.core.sneaky -> labeler.app" in result.stdout


def _dynamic_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        if name in {"import_module", "__import__"} and isinstance(first, ast.Constant):
            found.append((node.lineno, str(first.value)))
    return found


def test_no_dynamic_imports_of_forbidden_layers() -> None:
    offenders = []
    for folder, forbidden in FORBIDDEN.items():
        for path in (ROOT / folder).rglob("*.py"):
            for line, target in _dynamic_imports(path):
                if target.split(".")[0] in forbidden or target.startswith(forbidden):
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not offenders


def test_the_dynamic_scan_is_not_blind(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text(textwrap.dedent("""
        import importlib
        def f():
            return importlib.import_module("PySide6.QtWidgets"), __import__("labeler.cli")
    """))
    assert [t for _, t in _dynamic_imports(sample)] == ["PySide6.QtWidgets", "labeler.cli"]
