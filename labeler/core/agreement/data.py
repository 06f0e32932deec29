"""The labels of a project arranged for comparison: per image, per annotator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from labeler.core.domain import Annotation, GeometryKind, ImageStatus, LabelClass, Person
from labeler.core.geometry import Tag
from labeler.core.matching import Shape
from labeler.core.store import Project

# Images a person has finished: labeled with nothing on them, they still count as covered.
FINISHED = {ImageStatus.DONE, ImageStatus.NEEDS_REVIEW, ImageStatus.REJECTED}


@dataclass
class ProjectLabels:
    """Every live annotation of a project, grouped by image and annotator.

    An annotator *covers* an image when they made at least one annotation on it
    (object or tag): the store does not record who looked at an image and left
    it empty.
    """

    classes: dict[int, LabelClass]
    people: dict[int, Person]
    annotations: list[Annotation]
    shapes: dict[int, dict[int, list[Shape]]] = field(default_factory=dict)
    tags: dict[int, dict[int, set[int]]] = field(default_factory=dict)
    finished_images: set[int] = field(default_factory=set)
    facts: dict[tuple[int, int], tuple[int | None, str]] = field(default_factory=dict)
    guidelines: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project) -> ProjectLabels:
        """Read the project's classes, people and live annotations."""
        labels = cls(
            classes={c.id: c for c in project.classes()},
            people={p.id: p for p in project.people()},
            annotations=project.annotations(),
            finished_images={i.id for i in project.images() if i.status in FINISHED},
            guidelines={g.id: f"v{g.number}" for g in project.guideline_versions()},
        )
        shapes: dict[int, dict[int, list[Shape]]] = defaultdict(dict)
        tags: dict[int, dict[int, set[int]]] = defaultdict(dict)
        own: dict[tuple[int, int], list[Annotation]] = defaultdict(list)
        for annotation in labels.annotations:
            image, person = annotation.image_id, annotation.annotator_id
            own[image, person].append(annotation)
            shapes[image].setdefault(person, [])  # a tag alone still covers the image
            tags[image].setdefault(person, set())
            if isinstance(annotation.geometry, Tag):
                tags[image][person].add(annotation.class_id)
            else:
                shapes[image][person].append(Shape.from_annotation(annotation))
        labels.shapes = {i: dict(sorted(by.items())) for i, by in shapes.items()}
        labels.tags = {i: dict(sorted(by.items())) for i, by in tags.items()}
        labels.facts = {key: _side_facts(group) for key, group in own.items()}
        return labels

    @property
    def has_tag_classes(self) -> bool:
        """True when the schema has image-level tag classes."""
        return any(c.kind == GeometryKind.TAG for c in self.classes.values())

    @property
    def has_object_classes(self) -> bool:
        """True when the schema has box or polygon classes."""
        return any(c.kind != GeometryKind.TAG for c in self.classes.values())

    def image_ids(self) -> list[int]:
        """Images with at least one annotation, in id order."""
        return sorted(self.shapes)

    def coders(self, image_id: int) -> list[int]:
        """Annotators who covered the image, in id order."""
        return list(self.shapes.get(image_id, {}))

    def annotators(self) -> list[int]:
        """Everyone who made an annotation, in id order."""
        return sorted({a.annotator_id for a in self.annotations})

    def class_name(self, class_id: object) -> str:
        """A class id's name (or the value itself as text when unknown)."""
        found = self.classes.get(class_id) if isinstance(class_id, int) else None
        return found.name if found is not None else str(class_id)

    def person_name(self, person_id: object) -> str:
        """A person id's name (or the value itself as text when unknown)."""
        found = self.people.get(person_id) if isinstance(person_id, int) else None
        return found.name if found is not None else str(person_id)

    def guideline_name(self, version_id: int | None) -> str:
        """``v3`` for a guideline version id; ``none`` before the first was published."""
        if version_id is None:
            return "none"
        return self.guidelines.get(version_id, f"id {version_id}")

    def side_facts(self, image_id: int, annotator_id: int) -> tuple[int | None, str]:
        """The guideline version most of a side's annotations were made under, and their week."""
        return self.facts.get((image_id, annotator_id), (None, "unknown"))


def _side_facts(own: list[Annotation]) -> tuple[int | None, str]:
    if not own:
        return None, "unknown"
    versions = [a.guideline_version_id for a in own]
    version = max(set(versions), key=lambda v: (versions.count(v), v or 0))
    latest = max(a.created_at for a in own)
    return version, iso_week(latest)


def iso_week(timestamp: str) -> str:
    """The ISO week (``2026-W07``) of an ISO 8601 timestamp; ``unknown`` if unparsable."""
    try:
        year, week, _ = datetime.fromisoformat(timestamp).isocalendar()
    except ValueError:
        return "unknown"
    return f"{year}-W{week:02d}"
