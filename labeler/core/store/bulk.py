"""Bulk reads for whole-project analysis (agreement, diagnosis, reports).

Each method is one query returning light tuples, so analysing 100,000 images
does not go through one query (and one domain object) per image.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from labeler.core.domain import ImageStatus
from labeler.core.geometry import Box, Geometry, Polygon, Tag
from labeler.core.store.base import StoreBase


class ShapeRow(NamedTuple):
    """One live annotation or prediction, as analysis needs it."""

    id: int
    image_id: int
    class_id: int
    owner_id: int  # annotator id, or run id for a prediction
    geometry: Geometry
    score: float | None


def _geometry(
    kind: str, x1: float, y1: float, x2: float, y2: float, points: str | None
) -> Geometry:
    if kind == "box":
        return Box(x1, y1, x2, y2)
    if kind == "polygon":
        return Polygon(tuple((float(x), float(y)) for x, y in json.loads(points or "[]")))
    return Tag()


class BulkStore(StoreBase):
    """Whole-project reads in one query each."""

    def _tuples(self, sql: str, params: tuple = ()) -> list[tuple]:
        cursor = self._db.conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def live_annotation_rows(self) -> list[ShapeRow]:
        """Every live annotation (tags too), ordered by image, annotator and id."""
        rows = self._tuples(
            "SELECT id, image_id, class_id, annotator_id, kind, x1, y1, x2, y2, points "
            "FROM annotations WHERE deleted_at IS NULL ORDER BY image_id, annotator_id, id"
        )
        return [ShapeRow(r[0], r[1], r[2], r[3], _geometry(*r[4:10]), None) for r in rows]

    def run_prediction_rows(self, run_id: int) -> list[ShapeRow]:
        """Every prediction of a run, ordered by image and id."""
        rows = self._tuples(
            "SELECT id, image_id, class_id, run_id, kind, x1, y1, x2, y2, points, score "
            "FROM predictions WHERE run_id = ? ORDER BY image_id, id",
            (run_id,),
        )
        return [ShapeRow(r[0], r[1], r[2], r[3], _geometry(*r[4:10]), r[10]) for r in rows]

    def run_image_ids(self, run_id: int) -> set[int]:
        """Images a run covered: recorded as covered, or holding one of its predictions."""
        rows = self._tuples(
            "SELECT image_id FROM run_images WHERE run_id = ? "
            "UNION SELECT DISTINCT image_id FROM predictions WHERE run_id = ?",
            (run_id, run_id),
        )
        return {int(r[0]) for r in rows}

    def reviewed_annotation_ids(self) -> set[int]:
        """Live annotations a reviewer vouched for.

        Those whose latest review is ``accept``, and the annotations a reviewer's
        ``fix`` created, unless a later review of them was not an accept.
        """
        latest = {
            int(target): decision
            for target, decision, _ in self._tuples(
                "SELECT target_id, decision, MAX(id) FROM reviews "
                "WHERE target_kind = 'annotation' GROUP BY target_id"
            )
        }
        fixes = {
            int(r[0])
            for r in self._tuples(
                "SELECT fix_annotation_id FROM reviews WHERE fix_annotation_id IS NOT NULL"
            )
        }
        vouched = {a for a, d in latest.items() if d == "accept"}
        vouched |= {f for f in fixes if latest.get(f, "accept") == "accept"}
        live = {
            int(r[0]) for r in self._tuples("SELECT id FROM annotations WHERE deleted_at IS NULL")
        }
        return vouched & live

    def image_ids_with_status(self, statuses: Iterable[ImageStatus | str]) -> set[int]:
        """Ids of the images in any of these workflow statuses."""
        values = [ImageStatus(s).value for s in statuses]
        if not values:
            return set()
        marks = ", ".join("?" for _ in values)
        rows = self._tuples(f"SELECT id FROM images WHERE status IN ({marks})", tuple(values))
        return {int(r[0]) for r in rows}

    def image_paths(self) -> dict[int, str]:
        """Every image's stored path by id."""
        return {int(i): str(p) for i, p in self._tuples("SELECT id, path FROM images")}

    def image_times(self) -> dict[tuple[int, int], float]:
        """Seconds spent per ``(image_id, person_id)`` by the image timer."""
        rows = self._tuples("SELECT image_id, person_id, seconds FROM image_time")
        return {(int(i), int(p)): float(s) for i, p, s in rows}
