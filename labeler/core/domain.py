"""The records a project holds, as plain immutable values.

These are what the store returns and what the GUI, the CLI and the tests see;
none of them knows about SQL or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from labeler.core.geometry import Geometry

if TYPE_CHECKING:
    from labeler.core.formats.records import ShapeIssue


class Role(StrEnum):
    """What a person does in a project."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    QA_LEAD = "qa_lead"


class GeometryKind(StrEnum):
    """What shape a label class is drawn with."""

    TAG = "tag"
    BOX = "box"
    POLYGON = "polygon"


class AnnotationSource(StrEnum):
    """Where an annotation came from."""

    MANUAL = "manual"
    PRELABEL_ACCEPTED = "prelabel_accepted"
    PRELABEL_EDITED = "prelabel_edited"
    IMPORTED = "imported"
    AI_ASSISTED = "ai_assisted"


class ReviewDecision(StrEnum):
    """A reviewer's verdict on an annotation or an image."""

    ACCEPT = "accept"
    REJECT = "reject"
    FIX = "fix"


class ImageStatus(StrEnum):
    """Where an image stands in the labeling workflow."""

    NEW = "new"
    PRELABELED = "prelabeled"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Person:
    """Someone who labels, reviews or audits, possibly for a vendor."""

    id: int
    name: str
    role: Role
    organization: str | None = None


@dataclass(frozen=True)
class LabelClass:
    """A class of the project's label schema."""

    id: int
    name: str
    color: str
    kind: GeometryKind


@dataclass(frozen=True)
class ImageRecord:
    """An image referenced by the project (never copied), identified by content hash."""

    id: int
    sha256: str
    path: str
    width: int
    height: int
    orientation: int
    file_size: int
    added_at: str
    status: ImageStatus = ImageStatus.NEW


@dataclass(frozen=True)
class GuidelineVersion:
    """One version of the labeling guideline; immutable once published."""

    id: int
    number: int | None
    text: str
    changelog: str
    author_id: int | None
    created_at: str
    published_at: str | None
    content_hash: str | None

    @property
    def is_published(self) -> bool:
        """True once published (then it never changes)."""
        return self.published_at is not None


@dataclass(frozen=True)
class Annotation:
    """A label made by a person, stamped with the guideline version in force."""

    id: int
    image_id: int
    class_id: int
    geometry: Geometry
    annotator_id: int
    guideline_version_id: int | None
    source: AnnotationSource
    created_at: str
    updated_at: str
    seconds_spent: float = 0.0
    prediction_id: int | None = None
    replaces_id: int | None = None


@dataclass(frozen=True)
class ModelRun:
    """One run of a model over some images, with everything needed to reproduce it."""

    id: int
    model_sha256: str
    model_name: str
    settings: dict[str, Any]
    provider: str
    started_at: str
    finished_at: str | None
    image_count: int = 0
    note: str | None = None

    @property
    def complete(self) -> bool:
        """True once the run finished its images; an interrupted or running run is not."""
        return self.finished_at is not None


@dataclass(frozen=True)
class Prediction:
    """A model's proposal for one object (or tag) on one image."""

    id: int
    run_id: int
    image_id: int
    class_id: int
    geometry: Geometry
    score: float


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on an annotation or an image."""

    id: int
    target_kind: str
    target_id: int
    reviewer_id: int
    decision: ReviewDecision
    reason: str | None
    guideline_version_id: int | None
    created_at: str


@dataclass(frozen=True)
class Event:
    """One entry of the append-only audit log."""

    id: int
    at: str
    person_id: int | None
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass
class ImportReport:
    """What an import did: counts, plus every skipped file with its reason.

    ``shape_issues`` lists every shape of an imported annotation file that was
    dropped or altered, as ``(file, location, action, reason)`` with ``action``
    ``"dropped"`` or ``"altered"``.
    """

    added: int = 0
    duplicates: int = 0
    already_present: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    annotations: int = 0
    cancelled: bool = False
    shape_issues: list[tuple[str, str, str, str]] = field(default_factory=list)
    answered: int = 0  # images newly answered by the annotator (listed, objects or not)

    def add_shape_issues(self, file: str, issues: Iterable[ShapeIssue]) -> None:
        """Record a file's dropped/altered shapes (objects with location, action, reason)."""
        self.shape_issues.extend((file, i.location, i.action, i.reason) for i in issues)

    def shapes(self, action: str) -> int:
        """How many shapes were ``"dropped"`` or ``"altered"``."""
        return sum(1 for issue in self.shape_issues if issue[2] == action)

    def problem_lines(self, limit: int) -> list[str]:
        """The first ``limit`` skipped files and dropped/altered shapes, one line each."""
        lines = [f"{path}: {reason}" for path, reason in self.skipped]
        lines += [f"{f} {loc}: shape {a}: {r}" for f, loc, a, r in self.shape_issues]
        if len(lines) > limit:
            return [*lines[:limit], f"… and {len(lines) - limit} more"]
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "already_present": self.already_present,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "annotations": self.annotations,
            "answered": self.answered,
            "cancelled": self.cancelled,
            "shapes_dropped": self.shapes("dropped"),
            "shapes_altered": self.shapes("altered"),
            "shape_issues": [
                {"file": f, "location": loc, "action": a, "reason": r}
                for f, loc, a, r in self.shape_issues
            ],
        }


# Versioned guidelines, review by guideline, roles and assignments (schema v3).


class ExampleKind(StrEnum):
    """What a guideline example image shows."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    EDGE_CASE = "edge_case"


class AssignmentTask(StrEnum):
    """What a person is asked to do with an assigned image."""

    ANNOTATE = "annotate"
    REVIEW = "review"


@dataclass(frozen=True)
class ExampleShape:
    """One shape of a guideline example: class name, geometry, and who drew it (if known)."""

    class_name: str
    geometry: Geometry
    annotator: str | None = None


@dataclass(frozen=True)
class GuidelineExample:
    """An example image of a guideline version, with its shapes and a note."""

    id: int
    uid: str
    version_id: int
    kind: ExampleKind
    class_name: str | None
    image_id: int
    shapes: tuple[ExampleShape, ...]
    note: str
    added_by: int | None
    created_at: str


@dataclass(frozen=True)
class Acknowledgement:
    """A person's confirmation of having read a guideline version."""

    person_id: int
    version_id: int
    at: str


@dataclass(frozen=True)
class GuidelineDiff:
    """What changed between two guideline versions (unified diff lines)."""

    old_number: int | None
    new_number: int | None
    text: tuple[str, ...]
    rules: dict[str, tuple[str, ...]]
    changed_classes: tuple[str, ...]
    examples_added: int = 0
    examples_removed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "old": self.old_number,
            "new": self.new_number,
            "changed_classes": list(self.changed_classes),
            "text": list(self.text),
            "rules": {name: list(lines) for name, lines in self.rules.items()},
            "examples_added": self.examples_added,
            "examples_removed": self.examples_removed,
        }


@dataclass(frozen=True)
class RereviewItem:
    """An annotation made under an older guideline whose class a newer version changed."""

    annotation_id: int
    image_id: int
    class_name: str
    annotator_id: int
    annotator: str
    made_under: int | None  # guideline version number the annotation was made under
    queued_by: int  # number of the version whose publication queued it
    queued_at: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "annotation_id": self.annotation_id,
            "image_id": self.image_id,
            "class": self.class_name,
            "annotator": self.annotator,
            "made_under": self.made_under,
            "queued_by": self.queued_by,
            "queued_at": self.queued_at,
        }


@dataclass(frozen=True)
class Assignment:
    """An image given to a person to annotate or review; blind hides others' labels."""

    id: int
    image_id: int
    person_id: int
    task: AssignmentTask
    blind: bool
    hide_prelabels: bool
    batch: str
    created_at: str
    done_at: str | None = None


@dataclass(frozen=True)
class ReviewQueueItem:
    """An image waiting for a reviewer, with the annotations still to decide on."""

    assignment_id: int
    image_id: int
    annotation_ids: tuple[int, ...]
    rereview_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RejectedWork:
    """A rejected annotation back in its annotator's queue, with the reviewer's reason."""

    annotation_id: int
    image_id: int
    review_id: int
    reviewer_id: int
    reason: str | None
    section: str | None
    guideline_version_id: int | None
    rejected_at: str
