"""The long jobs the workspace starts, as plain functions of ``(..., progress)``.

Each opens its OWN project connection (a connection belongs to its thread) and
imports heavy packages (``inference``, onnxruntime) only when it runs, so the
app starts fast. :class:`~labeler.app.workers.Job` runs them off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from labeler.core.domain import ImportReport
from labeler.core.errors import LabelerError
from labeler.core.progress import Progress
from labeler.core.store import Project


def prelabel_one(project_path: Path, image_id: int, progress: Progress) -> Any:
    """Run the project's model on one image and store its predictions (a new model run)."""
    from labeler.core.prelabel import prelabel_image

    progress.start(1, QCoreApplication.translate("MainWindow", "pre-labeling this image"))
    with Project.open(project_path) as project:
        summary = prelabel_image(project, image_id)
    progress.advance()
    return summary


def prelabel_many(project_path: Path, image_ids: Sequence[int], progress: Progress) -> Any:
    """Pre-label several images as one model run (progress, ETA and Cancel in the dialog)."""
    from labeler.core.prelabel import default_model_config, prelabel_project

    with Project.open(project_path) as project:
        model = project.default_model()
        if model is None:
            raise LabelerError(
                QCoreApplication.translate(
                    "MainWindow",
                    "this project has no model yet: run `labeler prelabel PROJECT --model "
                    "MODEL.onnx` once",
                )
            )
        images = [project.image(i) for i in image_ids]
        config = default_model_config(project)  # the class map of the project's last run
        return prelabel_project(
            project, model, config_path=config, images=images, progress=progress
        )


def import_paths(project_path: Path, paths: Sequence[Path], progress: Progress) -> ImportReport:
    """Import image files and folders (skipping bad files with a reason)."""
    from labeler.core.importing import import_images

    with Project.open(project_path) as project:
        return import_images(project, list(paths), progress)


def provider_label(project_path: Path) -> str:
    """Where the project's newest model run ran ("CPU", "CUDA", "none")."""
    from labeler.core.prelabel import model_provider_label

    with Project.open(project_path) as project:
        return model_provider_label(project)


def export_project(project_path: Path, out: Path, fmt: str, progress: Progress) -> Any:
    """Export the project as a dataset folder (default cleaning options) with a manifest."""
    from labeler.core.export import ExportOptions, export_dataset

    with Project.open(project_path) as project:
        return export_dataset(project, out, ExportOptions(format=fmt), progress)
