"""Which models a project uses, remembered in the project itself (its meta table).

- detection: ``default_model`` (the model ``labeler prelabel`` last ran) and
  ``default_model_config`` (the config/class map that run used), shared with
  :mod:`labeler.core.prelabel`, so "Pre-label this image" maps classes as the last run did;
- segmentation: ``segment_encoder`` and ``segment_decoder``.

Paths inside the project's folder are stored relative to it, so a moved project
keeps its models. Plain functions of a :class:`~labeler.core.store.Project`; no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from labeler.core.prelabel import DEFAULT_CONFIG_META, default_model_config
from labeler.core.store import Project

SEGMENT_ENCODER_META = "segment_encoder"
SEGMENT_DECODER_META = "segment_decoder"


@dataclass(frozen=True)
class ModelChoice:
    """The project's detection model (+ config) and segmentation encoder/decoder pair."""

    detection_model: Path | None = None
    detection_config: Path | None = None
    segment_encoder: Path | None = None
    segment_decoder: Path | None = None

    @property
    def segmenter(self) -> tuple[Path, Path] | None:
        """Encoder and decoder, when both are chosen."""
        if self.segment_encoder is None or self.segment_decoder is None:
            return None
        return (self.segment_encoder, self.segment_decoder)


def _resolve(project: Project, stored: str | None) -> Path | None:
    if not stored:
        return None
    path = Path(stored)
    return path if path.is_absolute() else (project.path.parent / path).resolve()


def read_choice(project: Project) -> ModelChoice:
    """The models the project remembers (None where nothing was chosen)."""
    meta = project.meta()
    return ModelChoice(
        detection_model=project.default_model(),
        detection_config=default_model_config(project),
        segment_encoder=_resolve(project, meta.get(SEGMENT_ENCODER_META)),
        segment_decoder=_resolve(project, meta.get(SEGMENT_DECODER_META)),
    )


def save_choice(project: Project, choice: ModelChoice) -> None:
    """Remember ``choice`` in the project (each changed key is one logged meta change)."""
    meta = project.meta()
    wanted = {
        DEFAULT_CONFIG_META: choice.detection_config,
        SEGMENT_ENCODER_META: choice.segment_encoder,
        SEGMENT_DECODER_META: choice.segment_decoder,
    }
    if choice.detection_model is not None and choice.detection_model != project.default_model():
        project.set_default_model(choice.detection_model)
    for key, path in wanted.items():
        stored = project.stored_path(path) if path is not None else ""
        if meta.get(key, "") != stored:
            project.set_meta(key, stored)


FIELDS = ("detection_model", "detection_config", "segment_encoder", "segment_decoder")


def missing_files(choice: ModelChoice) -> list[tuple[str, Path]]:
    """``(field, path)`` for every chosen file that is not there (fields: :data:`FIELDS`)."""
    named = [(field, getattr(choice, field)) for field in FIELDS]
    return [(field, path) for field, path in named if path and not path.is_file()]


def found_segmenters(
    project: Project, label: Callable[[str, str], str] = lambda name, where: f"{name} ({where})"
) -> list[tuple[str, Path, Path]]:
    """Segmenters in the models folders (the project's, the user's, the shipped ones).

    ``(label, encoder, decoder)`` in search order, labelled by ``label(name, source)``
    (source: ``project``, ``user`` or ``shipped``; the app says it in the user's
    language); a malformed manifest raises
    :class:`~labeler.core.segment_models.ModelManifestError` naming the file.
    """
    from labeler.core.segment_models import list_models

    return [
        (label(entry.name, entry.source), entry.file("encoder"), entry.file("decoder"))
        for entry in list_models(project.path)
        if entry.kind == "segmenter"
    ]


def project_segmenter(project: Project) -> tuple[Path, Path] | None:
    """The segmenter the project remembers, else the first one found in the models folders."""
    chosen = read_choice(project).segmenter
    if chosen is not None:
        return chosen
    found = found_segmenters(project)
    return (found[0][1], found[0][2]) if found else None
