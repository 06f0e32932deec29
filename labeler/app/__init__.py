"""The desktop app (Qt): the labeling workspace and its panels.

Everything here is a view over :mod:`labeler.core`: state and edits live in the
core; views subscribe to its change events. The one entry point the CLI uses is
:func:`run_app`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["run_app"]


def run_app(
    project_path: Path | None,
    *,
    screenshot: Path | None = None,
    person: str | None = None,
    package: Path | None = None,
) -> int:
    """Open the labeling workspace on ``project_path`` (None: a start screen); return an exit code.

    With ``screenshot``, the real main window is rendered offscreen once the
    image and its shapes are painted, saved as PNG, and the function returns 0
    without showing any dialog (signing in as ``person``, else the project's
    first person, else a new "demo annotator"). ``project_path`` may be a
    ``.lbpkg`` package (extracted beside it, saved back when its window closes);
    ``package`` names the package an already extracted ``project_path`` came from.
    """
    from labeler.app.launch import run

    return run(project_path, screenshot=screenshot, person=person, package=package)
