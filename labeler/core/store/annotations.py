"""Annotations: labels people make, stamped with the guideline version in force.

Deletion is soft (``deleted_at``) so an undo restores the same record and the
audit log keeps every state an annotation went through.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from labeler.core.domain import Annotation, AnnotationSource, GeometryKind, ImageStatus
from labeler.core.errors import GeometryError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Geometry, Tag, geometry_to_dict, validate_geometry
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import annotation_from_row, geometry_columns, now_iso

_INSERT = (
    "INSERT INTO annotations(image_id, class_id, kind, x1, y1, x2, y2, points, annotator_id, "
    "guideline_version_id, source, created_at, updated_at, seconds_spent, prediction_id, "
    "replaces_id) VALUES (:image_id, :class_id, :kind, :x1, :y1, :x2, :y2, :points, "
    ":annotator_id, :guideline_version_id, :source, :created_at, :updated_at, :seconds_spent, "
    ":prediction_id, :replaces_id)"
)


def _snapshot(annotation: Annotation) -> dict[str, Any]:
    return {
        "class_id": annotation.class_id,
        "geometry": geometry_to_dict(annotation.geometry),
        "source": annotation.source.value,
    }


class AnnotationStore(StoreBase):
    """Creating, editing, deleting and reading annotations."""

    def current_guideline_id(self) -> int | None:
        """Id of the newest published guideline version, or None before the first."""
        value = self._db.scalar(
            "SELECT id FROM guideline_versions WHERE published_at IS NOT NULL "
            "ORDER BY number DESC LIMIT 1"
        )
        return int(value) if value is not None else None

    def _checked_geometry(self, image_id: int, class_id: int, geometry: Geometry) -> Geometry:
        row = self._db.query_one("SELECT width, height FROM images WHERE id = ?", (image_id,))
        if row is None:
            raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
        kind_value = self._db.scalar("SELECT kind FROM classes WHERE id = ?", (class_id,))
        if kind_value is None:
            raise UnknownEntityError(_("no class with id {class_id}").format(class_id=class_id))
        kind = str(kind_value)
        if (kind == GeometryKind.TAG) != isinstance(geometry, Tag):
            raise GeometryError(
                _("a {geometry.kind} cannot carry a {kind} class").format(
                    geometry=geometry, kind=kind
                )
            )
        return validate_geometry(geometry, (row["width"], row["height"]))

    def add_annotation(
        self,
        image_id: int,
        class_id: int,
        geometry: Geometry,
        annotator_id: int,
        *,
        source: AnnotationSource | str = AnnotationSource.MANUAL,
        seconds_spent: float = 0.0,
        prediction_id: int | None = None,
        replaces_id: int | None = None,
    ) -> Annotation:
        """Store a new annotation, validated against its image, in one transaction."""
        with self.transaction():
            annotation = self._insert_annotation(
                image_id,
                class_id,
                geometry,
                annotator_id,
                AnnotationSource(source),
                seconds_spent,
                prediction_id,
                replaces_id,
            )
            self._log(
                "create",
                "annotation",
                annotation.id,
                person_id=annotator_id,
                after=_snapshot(annotation),
            )
            self._advance_status(image_id)
            self._notify(Change(Entity.ANNOTATION, "create", (annotation.id,), (image_id,)))
        return annotation

    def add_annotations(
        self,
        image_id: int,
        shapes: list[tuple[int, Geometry]],
        annotator_id: int,
        source: AnnotationSource | str = AnnotationSource.IMPORTED,
    ) -> list[Annotation]:
        """Store several ``(class_id, geometry)`` on one image in one transaction."""
        with self.transaction():
            created = [
                self._insert_annotation(
                    image_id,
                    class_id,
                    geometry,
                    annotator_id,
                    AnnotationSource(source),
                    0.0,
                    None,
                    None,
                )
                for class_id, geometry in shapes
            ]
            if created:
                self._log(
                    "create",
                    "annotation",
                    None,
                    person_id=annotator_id,
                    after={"ids": [a.id for a in created], "image_id": image_id},
                )
                self._advance_status(image_id)
                ids = tuple(a.id for a in created)
                self._notify(Change(Entity.ANNOTATION, "create", ids, (image_id,)))
        return created

    def _insert_annotation(
        self,
        image_id: int,
        class_id: int,
        geometry: Geometry,
        annotator_id: int,
        source: AnnotationSource,
        seconds_spent: float,
        prediction_id: int | None,
        replaces_id: int | None,
    ) -> Annotation:
        geometry = self._checked_geometry(image_id, class_id, geometry)
        now = now_iso()
        values = {
            "image_id": image_id,
            "class_id": class_id,
            **geometry_columns(geometry),
            "annotator_id": annotator_id,
            "guideline_version_id": self.current_guideline_id(),
            "source": source.value,
            "created_at": now,
            "updated_at": now,
            "seconds_spent": seconds_spent,
            "prediction_id": prediction_id,
            "replaces_id": replaces_id,
        }
        cur = self._db.conn.execute(_INSERT, values)
        return Annotation(
            id=int(cur.lastrowid or 0),
            image_id=image_id,
            class_id=class_id,
            geometry=geometry,
            annotator_id=annotator_id,
            guideline_version_id=values["guideline_version_id"],
            source=source,
            created_at=now,
            updated_at=now,
            seconds_spent=seconds_spent,
            prediction_id=prediction_id,
            replaces_id=replaces_id,
        )

    def _advance_status(self, image_id: int) -> None:
        self._db.conn.execute(
            "UPDATE images SET status = ? WHERE id = ? AND status IN (?, ?)",
            (
                ImageStatus.IN_PROGRESS.value,
                image_id,
                ImageStatus.NEW.value,
                ImageStatus.PRELABELED.value,
            ),
        )

    def update_annotation(
        self,
        annotation_id: int,
        *,
        geometry: Geometry | None = None,
        class_id: int | None = None,
        source: AnnotationSource | str | None = None,
        person_id: int | None = None,
    ) -> Annotation:
        """Change an annotation's shape, class or source; returns the new state."""
        with self.transaction():
            old = self.annotation(annotation_id)
            new_class = class_id if class_id is not None else old.class_id
            new_geometry = self._checked_geometry(
                old.image_id, new_class, geometry if geometry is not None else old.geometry
            )
            new = replace(
                old,
                class_id=new_class,
                geometry=new_geometry,
                source=AnnotationSource(source) if source is not None else old.source,
                updated_at=now_iso(),
            )
            self._db.conn.execute(
                "UPDATE annotations SET class_id = :class_id, kind = :kind, x1 = :x1, y1 = :y1, "
                "x2 = :x2, y2 = :y2, points = :points, source = :source, updated_at = :updated_at"
                " WHERE id = :id",
                {
                    "id": annotation_id,
                    "class_id": new.class_id,
                    **geometry_columns(new.geometry),
                    "source": new.source.value,
                    "updated_at": new.updated_at,
                },
            )
            self._log(
                "update",
                "annotation",
                annotation_id,
                person_id=person_id,
                before=_snapshot(old),
                after=_snapshot(new),
            )
            self._notify(Change(Entity.ANNOTATION, "update", (annotation_id,), (old.image_id,)))
        return new

    def delete_annotation(self, annotation_id: int, person_id: int | None = None) -> None:
        """Remove an annotation from view (kept on file for the audit log and undo)."""
        self._set_deleted(annotation_id, now_iso(), person_id, "delete")

    def restore_annotation(self, annotation_id: int, person_id: int | None = None) -> None:
        """Bring back a deleted annotation (the inverse of :meth:`delete_annotation`)."""
        self._set_deleted(annotation_id, None, person_id, "restore")

    def _set_deleted(
        self, annotation_id: int, deleted_at: str | None, person_id: int | None, action: str
    ) -> None:
        with self.transaction():
            row = self._db.query_one(
                "SELECT image_id, deleted_at FROM annotations WHERE id = ?", (annotation_id,)
            )
            if row is None:
                raise UnknownEntityError(
                    _("no annotation with id {annotation_id}").format(annotation_id=annotation_id)
                )
            self._db.conn.execute(
                "UPDATE annotations SET deleted_at = ? WHERE id = ?", (deleted_at, annotation_id)
            )
            self._log(
                action,
                "annotation",
                annotation_id,
                person_id=person_id,
                before={"deleted_at": row["deleted_at"]},
                after={"deleted_at": deleted_at},
            )
            self._notify(Change(Entity.ANNOTATION, action, (annotation_id,), (row["image_id"],)))

    def annotation(self, annotation_id: int, include_deleted: bool = False) -> Annotation:
        """One annotation by id (deleted ones only when asked)."""
        sql = "SELECT * FROM annotations WHERE id = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        row = self._db.query_one(sql, (annotation_id,))
        if row is None:
            raise UnknownEntityError(
                _("no annotation with id {annotation_id}").format(annotation_id=annotation_id)
            )
        return annotation_from_row(row)

    def annotations(
        self, image_id: int | None = None, annotator_id: int | None = None
    ) -> list[Annotation]:
        """Live annotations, optionally of one image and/or one annotator."""
        sql, params = "SELECT * FROM annotations WHERE deleted_at IS NULL", []
        if image_id is not None:
            sql += " AND image_id = ?"
            params.append(image_id)
        if annotator_id is not None:
            sql += " AND annotator_id = ?"
            params.append(annotator_id)
        rows = self._db.query(sql + " ORDER BY id", tuple(params))
        return [annotation_from_row(r) for r in rows]

    def annotations_of_images(self, first_id: int, last_id: int) -> list[Annotation]:
        """Live annotations of the images with ids ``first_id..last_id``, by image, then by id.

        A whole-project pass reads the annotations a range of images at a time, so a
        million images' annotations are never all in memory at once. The order is the
        image index's own (no sort of the run's rows).
        """
        rows = self._db.query(
            "SELECT * FROM annotations WHERE deleted_at IS NULL AND image_id BETWEEN ? AND ? "
            "ORDER BY image_id, id",
            (first_id, last_id),
        )
        return [annotation_from_row(r) for r in rows]

    def labeled_image_ids(self) -> set[int]:
        """Ids of images that have at least one live annotation."""
        rows = self._db.conn.execute(
            "SELECT DISTINCT image_id FROM annotations WHERE deleted_at IS NULL")
        return {int(r[0]) for r in rows}

    def annotation_counts(self) -> list[dict[str, Any]]:
        """Live annotation counts per annotator and class."""
        rows = self._db.query(
            "SELECT p.name AS annotator, c.name AS class, COUNT(*) AS n FROM annotations a "
            "JOIN people p ON p.id = a.annotator_id JOIN classes c ON c.id = a.class_id "
            "WHERE a.deleted_at IS NULL GROUP BY p.name, c.name ORDER BY p.name, c.name"
        )
        return [dict(r) for r in rows]
