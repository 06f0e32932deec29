"""Conversion between table rows and domain values (the only place that knows both)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from labeler.core.domain import (
    Annotation,
    AnnotationSource,
    Assignment,
    AssignmentTask,
    Event,
    ExampleKind,
    ExampleShape,
    GeometryKind,
    GuidelineExample,
    GuidelineVersion,
    ImageRecord,
    ImageStatus,
    LabelClass,
    ModelRun,
    Person,
    Prediction,
    Review,
    ReviewDecision,
    Role,
)
from labeler.core.geometry import Box, Geometry, Polygon, Tag, geometry_from_dict


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def geometry_columns(geometry: Geometry) -> dict[str, Any]:
    """Columns ``kind, x1, y1, x2, y2, points`` for a shape (bounds kept for fast queries)."""
    if isinstance(geometry, Tag):
        return {"kind": "tag", "x1": None, "y1": None, "x2": None, "y2": None, "points": None}
    x1, y1, x2, y2 = geometry.bounds()
    points = None
    if isinstance(geometry, Polygon):
        points = json.dumps([[x, y] for x, y in geometry.points], separators=(",", ":"))
    return {"kind": geometry.kind, "x1": x1, "y1": y1, "x2": x2, "y2": y2, "points": points}


def geometry_from_row(row: sqlite3.Row) -> Geometry:
    """The shape stored in a row's geometry columns."""
    kind = row["kind"]
    if kind == "box":
        return Box(row["x1"], row["y1"], row["x2"], row["y2"])
    if kind == "polygon":
        return Polygon(tuple((float(x), float(y)) for x, y in json.loads(row["points"])))
    return Tag()


def person_from_row(row: sqlite3.Row) -> Person:
    """A :class:`Person` from a ``people`` row."""
    return Person(row["id"], row["name"], Role(row["role"]), row["organization"])


def class_from_row(row: sqlite3.Row) -> LabelClass:
    """A :class:`LabelClass` from a ``classes`` row."""
    return LabelClass(row["id"], row["name"], row["color"], GeometryKind(row["kind"]))


def image_from_row(row: sqlite3.Row) -> ImageRecord:
    """An :class:`ImageRecord` from an ``images`` row."""
    return ImageRecord(
        row["id"],
        row["sha256"],
        row["path"],
        row["width"],
        row["height"],
        row["orientation"],
        row["file_size"],
        row["added_at"],
        ImageStatus(row["status"]),
    )


_SOURCES = {s.value: s for s in AnnotationSource}  # a dict lookup, not an Enum call per row


def annotation_from_row(row: sqlite3.Row) -> Annotation:
    """An :class:`Annotation` from an ``annotations`` row."""
    return Annotation(
        id=row["id"],
        image_id=row["image_id"],
        class_id=row["class_id"],
        geometry=geometry_from_row(row),
        annotator_id=row["annotator_id"],
        guideline_version_id=row["guideline_version_id"],
        source=_SOURCES[row["source"]],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        seconds_spent=row["seconds_spent"],
        prediction_id=row["prediction_id"],
        replaces_id=row["replaces_id"],
    )


def prediction_from_row(row: sqlite3.Row) -> Prediction:
    """A :class:`Prediction` from a ``predictions`` row."""
    return Prediction(
        row["id"],
        row["run_id"],
        row["image_id"],
        row["class_id"],
        geometry_from_row(row),
        row["score"],
    )


def model_run_from_row(row: sqlite3.Row) -> ModelRun:
    """A :class:`ModelRun` from a ``model_runs`` row."""
    return ModelRun(
        row["id"],
        row["model_sha256"],
        row["model_name"],
        json.loads(row["settings"]),
        row["provider"],
        row["started_at"],
        row["finished_at"],
        row["image_count"],
        row["note"],
    )


def guideline_from_row(row: sqlite3.Row) -> GuidelineVersion:
    """A :class:`GuidelineVersion` from a ``guideline_versions`` row."""
    return GuidelineVersion(
        row["id"],
        row["number"],
        row["text"],
        row["changelog"],
        row["author_id"],
        row["created_at"],
        row["published_at"],
        row["content_hash"],
    )


def review_from_row(row: sqlite3.Row) -> Review:
    """A :class:`Review` from a ``reviews`` row."""
    return Review(
        row["id"],
        row["target_kind"],
        row["target_id"],
        row["reviewer_id"],
        ReviewDecision(row["decision"]),
        row["reason"],
        row["guideline_version_id"],
        row["created_at"],
    )


def event_from_row(row: sqlite3.Row) -> Event:
    """An :class:`Event` from an ``events`` row."""
    before = json.loads(row["before"]) if row["before"] else None
    after = json.loads(row["after"]) if row["after"] else None
    return Event(
        row["id"],
        row["at"],
        row["person_id"],
        row["action"],
        row["entity"],
        row["entity_id"],
        before,
        after,
    )


def example_from_row(row: sqlite3.Row) -> GuidelineExample:
    """A :class:`GuidelineExample` from a ``guideline_examples`` row."""
    shapes = tuple(
        ExampleShape(s["class"], geometry_from_dict(s["geometry"]), s.get("annotator"))
        for s in json.loads(row["shapes"])
    )
    return GuidelineExample(
        row["id"],
        row["uid"],
        row["version_id"],
        ExampleKind(row["kind"]),
        row["class_name"],
        row["image_id"],
        shapes,
        row["note"],
        row["added_by"],
        row["created_at"],
    )


def assignment_from_row(row: sqlite3.Row) -> Assignment:
    """An :class:`Assignment` from an ``assignments`` row."""
    return Assignment(
        row["id"],
        row["image_id"],
        row["person_id"],
        AssignmentTask(row["task"]),
        bool(row["blind"]),
        bool(row["hide_prelabels"]),
        row["batch"],
        row["created_at"],
        row["done_at"],
    )
