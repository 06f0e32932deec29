"""Files labeler ships inside its package: the demo models, the demo guidelines.

They are package data, found with :mod:`importlib.resources`, so an installed wheel finds
them from any folder (not only a source checkout). labeler needs real files (ONNX Runtime
opens a model by path), so an install that is not a folder on disk (a zip import) is
refused with a message rather than half-working.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEMO_LANGUAGES = ("en", "ko")


def data_path(*parts: str) -> Path:
    """The path of a shipped file, e.g. ``data_path("models", "demo_damage.onnx")``."""
    root = files(__name__)
    if not isinstance(root, Path):
        raise RuntimeError(
            f"labeler's data files are inside {root}, not a folder: install labeler as a "
            "wheel or from a source checkout"
        )
    return root.joinpath(*parts)


def demo_guideline(version: int, language: str = "en") -> str:
    """The text of the demo guideline's ``version`` (1 or 2) in ``language`` (en or ko)."""
    if language not in DEMO_LANGUAGES:
        raise ValueError(f"the demo guideline is in {', '.join(DEMO_LANGUAGES)}, not {language!r}")
    return data_path("guides", "demo", language, f"v{version}.md").read_text(encoding="utf-8")
