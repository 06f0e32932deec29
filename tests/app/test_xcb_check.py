"""A missing libxcb-cursor gets labeler's own one-line message before Qt would abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from labeler.app.launch import (
    XCB_CURSOR_LIBRARY,
    MissingSystemLibraryError,
    check_xcb_libraries,
    uses_xcb,
)

ROOT = Path(__file__).resolve().parents[2]

# `labeler open PROJECT` in a fresh interpreter, with the probed library name made one
# that cannot exist (as on a Debian machine without libxcb-cursor0).
_LAUNCH = """
import sys
import labeler.app.launch as launch
launch.XCB_CURSOR_LIBRARY = "libxcb-cursor-not-installed.so.0"
from labeler.cli import main
sys.exit(main(["open", sys.argv[1]]))
"""


def _x11_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":93", XDG_SESSION_TYPE="x11", PYTHONPATH=str(ROOT))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux-only")
def test_open_without_libxcb_cursor_says_which_package_to_install(
    tmp_path: Path, project_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(project_path)],
        env=_x11_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert lines == [lines[0]], result.stderr  # one line, no Qt abort text, no traceback
    assert lines[0].startswith("error: Qt's X11 (xcb) plugin needs")
    assert "libxcb-cursor-not-installed.so.0" in lines[0]
    assert "apt install libxcb-cursor0" in lines[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux-only")
def test_the_missing_library_message_in_korean(tmp_path: Path, project_path: Path) -> None:
    """Printed before Qt (and its translator) starts: gettext's cli catalog speaks Korean."""
    env = _x11_env(tmp_path)
    env["LABELER_LANG"] = "ko"
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(project_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert lines == [lines[0]], result.stderr
    assert lines[0].startswith("오류: Qt의 X11(xcb) 플러그인에 필요한 시스템 라이브러리 ")
    assert "libxcb-cursor-not-installed.so.0" in lines[0]
    assert "apt install libxcb-cursor0" in lines[0]


def test_only_the_xcb_platform_is_probed() -> None:
    linux = sys.platform.startswith("linux")
    assert uses_xcb({"DISPLAY": ":0"}) is linux
    assert uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}) is linux
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not uses_xcb({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "xcb"})  # no X display: nothing to check
    check_xcb_libraries({"QT_QPA_PLATFORM": "offscreen"})  # never probes offscreen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux-only")
def test_the_probe_fails_for_a_missing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    import labeler.app.launch as launch

    assert XCB_CURSOR_LIBRARY == "libxcb-cursor.so.0"
    monkeypatch.setattr(launch, "XCB_CURSOR_LIBRARY", "libxcb-cursor-not-installed.so.0")
    with pytest.raises(MissingSystemLibraryError, match="libxcb-cursor0"):
        check_xcb_libraries({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"})
