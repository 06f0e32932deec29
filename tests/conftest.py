"""Test-wide setup: Qt renders offscreen (unless ``--headed``) with settings and caches isolated.

GUI tests never touch the user's QSettings or thumbnail cache: ``XDG_CONFIG_HOME``
and ``XDG_CACHE_HOME`` point into a temporary folder for the whole run, set here
before any QApplication exists.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_TEMP_HOME: Path | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--headed",
        action="store_true",
        default=False,
        help="show GUI test windows on the real display instead of rendering offscreen",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _TEMP_HOME
    if not config.getoption("--headed"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _TEMP_HOME = Path(tempfile.mkdtemp(prefix="labeler-tests-"))
    os.environ["XDG_CONFIG_HOME"] = str(_TEMP_HOME / "config")
    os.environ["XDG_CACHE_HOME"] = str(_TEMP_HOME / "cache")
    os.environ["XDG_DATA_HOME"] = str(_TEMP_HOME / "data")
    # Tests read English text unless they switch the language themselves (a Korean
    # developer's locale would otherwise translate the app under every GUI test).
    os.environ["LABELER_LANG"] = "en"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_TEMP_HOME / "runtime"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _TEMP_HOME is not None:
        shutil.rmtree(_TEMP_HOME, ignore_errors=True)
