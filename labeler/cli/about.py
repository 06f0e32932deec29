"""What this installation is: ``labeler --version``, and notes a user needs to read only once.

``--version`` names labeler, Python, the ONNX Runtime package and build, and the
execution providers that build offers (CUDA listed does not mean a GPU is usable:
``labeler prelabel`` reports the provider it really ran on). ONNX Runtime and
``importlib.metadata`` are imported only when ``--version`` is asked for (every command
imports this module for the option).

:func:`first_time` remembers, per user, which long notes were shown (the "CUDA
unavailable ... running on CPU" explanation on a machine without CUDA), so later
runs say "on CPUExecutionProvider" and nothing more.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labeler import __version__
from labeler.cli.i18n import _


def version_text() -> str:
    """The lines ``labeler --version`` prints."""
    lines = [f"labeler {__version__} (Python {platform.python_version()})"]
    from inference.privacy import VARIABLE  # before onnxruntime: keeps its record off

    try:
        import onnxruntime as ort
    except ImportError:
        lines.append(_("ONNX Runtime: not installed (pip install onnxruntime-gpu)"))
        return "\n".join(lines)
    package = next(
        (name for name in ("onnxruntime-gpu", "onnxruntime") if _installed(name)), "onnxruntime"
    )
    lines.append(
        _("ONNX Runtime {version} ({package}, {device} build)").format(
            version=ort.__version__, package=package, device=ort.get_device()
        )
    )
    providers = ", ".join(ort.get_available_providers())
    lines.append(_("providers available: {providers}").format(providers=providers))
    lines.append(usage_record_text(os.environ.get(VARIABLE)))
    return "\n".join(lines)


def usage_record_text(setting: str | None) -> str:
    """Whether ONNX Runtime keeps its usage record for Microsoft (docs/models.md, Privacy)."""
    from inference.privacy import usage_record_off

    if usage_record_off(setting):
        return _("ONNX Runtime usage record: off (ORT_DISABLE_TELEMETRY={setting})").format(
            setting=setting)
    return _("ONNX Runtime usage record: on (ORT_DISABLE_TELEMETRY={setting}); it names "
             "models and errors and is sent to Microsoft when online").format(setting=setting)


def _installed(name: str) -> bool:
    from importlib import metadata  # ~30 ms: only for --version

    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


class VersionAction(argparse.Action):
    """``--version``: print :func:`version_text` and exit (imports ONNX Runtime only then)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help=_("show the version, the ONNX "
                         "Runtime build and its providers, and exit"), **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: Any) -> None:
        """Print and exit."""
        print(version_text())
        parser.exit()


def _notes_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labeler" / "notes-shown.json"


def first_time(note: str) -> bool:
    """True the first time this user is shown ``note`` (then remembered); never raises."""
    key = hashlib.sha256(note.encode("utf-8")).hexdigest()[:16]
    path = _notes_file()
    try:
        shown = set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        shown = set()
    if key in shown:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(sorted(shown | {key})), encoding="utf-8")
    except OSError:
        pass  # a read-only home: the note is shown again next time, which is harmless
    return True
