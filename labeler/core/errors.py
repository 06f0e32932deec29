"""Errors a user can cause, each with a message a person can act on."""

from __future__ import annotations

from pathlib import Path

from labeler.core.i18n import _


class LabelerError(Exception):
    """Base class of every error labeler reports to a user instead of crashing."""


class ProjectError(LabelerError):
    """A project file cannot be opened or used."""


class ProjectVersionError(ProjectError):
    """The project file was written by a newer labeler than this one."""


class NotAProjectError(ProjectError):
    """The file is not a labeler project."""


class ProjectReadOnlyError(ProjectError):
    """The project (or its folder) cannot be written: it was opened for viewing only."""


class GeometryError(LabelerError):
    """A shape is degenerate, invalid beyond repair, or outside its image."""


class UnknownEntityError(LabelerError):
    """A person, class, image or other record named by the user does not exist."""


class BadImageError(LabelerError):
    """An image file is unreadable, truncated, not an image, or too large."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class AnnotationFormatError(LabelerError):
    """An annotation file from another tool is malformed.

    ``location`` names the line, field or element at fault (``"line 12"``,
    ``"annotations[3].bbox"``), so the user can find and fix it.
    """

    def __init__(self, path: Path | str, location: str, reason: str) -> None:
        self.path = Path(path)
        self.location = location
        self.reason = reason
        where = f"{path} ({location})" if location else f"{path}"
        super().__init__(f"{where}: {reason}")


class OperationCancelled(LabelerError):
    """A long operation was cancelled by the user; finished work is kept."""


class AcknowledgementRequiredError(LabelerError):
    """A person must acknowledge the guideline version in force before labeling under it.

    Raised by the core for every label change (see ``Project.check_labeling``) and for
    every review; ``number`` and ``version_id`` name the version, so a view can offer it.
    """

    def __init__(self, number: int | None, version_id: int) -> None:
        self.number = number
        self.version_id = version_id
        super().__init__(
            _(
                "acknowledge guideline version {number} before labeling or reviewing under it"
            ).format(number=number)
        )
