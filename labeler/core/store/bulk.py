"""Bulk reads for whole-project analysis (agreement, diagnosis, reports).

Each method is one query returning light tuples, so analysing 100,000 images
does not go through one query (and one domain object) per image.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

import numpy as np

from labeler.core.domain import ImageStatus
from labeler.core.geometry import Box, Geometry, Polygon, Tag
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import now_iso


class AnnotationRow(NamedTuple):
    """One live annotation, as whole-project analysis needs it."""

    id: int
    image_id: int
    class_id: int
    annotator_id: int
    geometry: Geometry
    guideline_version_id: int | None
    created_at: str
    seconds_spent: float


class PredictionRow(NamedTuple):
    """One prediction of a model run."""

    id: int
    image_id: int
    class_id: int
    run_id: int
    geometry: Geometry
    score: float


def _geometry(
    kind: str, x1: float, y1: float, x2: float, y2: float, points: str | None
) -> Geometry:
    if kind == "box":
        return Box(x1, y1, x2, y2)
    if kind == "polygon":
        return Polygon(tuple((float(x), float(y)) for x, y in json.loads(points or "[]")))
    return Tag()


@dataclass
class ShapeColumns:
    """Box and polygon annotations or predictions as columns (row ``i`` is one shape).

    ``boxes`` holds ``x1, y1, x2, y2`` (a polygon's bounds); ``polygons`` maps a
    row to its polygon. ``owner`` is the annotator, or the run of a prediction.
    """

    id: np.ndarray
    image_id: np.ndarray
    class_id: np.ndarray
    owner: np.ndarray
    boxes: np.ndarray
    polygons: dict[int, Polygon] = field(default_factory=dict)
    score: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.id.size)

    def geometry(self, row: int) -> Box | Polygon:
        """The shape of one row."""
        if row in self.polygons:
            return self.polygons[row]
        x1, y1, x2, y2 = self.boxes[row].tolist()
        return Box(x1, y1, x2, y2)

    def _taken_polygons(self, rows: np.ndarray) -> dict[int, Polygon]:
        polygons: dict[int, Polygon] = {}
        if self.polygons:
            keys = np.fromiter(self.polygons, np.int64, len(self.polygons))
            positions = np.flatnonzero(np.isin(rows, keys))
            for position, row in zip(positions.tolist(), rows[positions].tolist(), strict=True):
                polygons[position] = self.polygons[row]
        return polygons

    def reorder(self, order: np.ndarray) -> None:
        """Put the rows in this order (a permutation), in place, one column at a time.

        What ``take(order)`` gives, without a second copy of every column at once.
        """
        self.polygons = self._taken_polygons(order)
        for name in ("id", "image_id", "class_id", "owner", "boxes", "score"):
            column = getattr(self, name)
            if column is not None:
                setattr(self, name, column[order])
                del column

    def take(self, rows: np.ndarray) -> ShapeColumns:
        """The columns of some rows, in that order."""
        polygons = self._taken_polygons(rows)
        return ShapeColumns(
            self.id[rows],
            self.image_id[rows],
            self.class_id[rows],
            self.owner[rows],
            self.boxes[rows],
            polygons,
            None if self.score is None else self.score[rows],
        )


def _joined(parts: list[np.ndarray], shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """The parts end to end, each dropped once copied (never two copies of them all)."""
    if not parts:
        return np.zeros(shape, dtype=dtype)
    joined: np.ndarray = np.empty((sum(len(p) for p in parts), *shape[1:]), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        joined[at : at + len(part)] = part
        at += len(part)
    return joined


def _numeric(rows: Iterable[tuple], width: int, chunk: int = 50_000) -> np.ndarray:
    """Numeric rows as a float array, converted a chunk at a time (no list of every row)."""
    parts = []
    found = iter(rows)
    while batch := list(islice(found, chunk)):
        parts.append(np.array(batch, dtype=float).reshape(len(batch), width))
    return _joined(parts, (0, width), float)


def _columns(
    rows: Iterable[tuple], polygons: list[tuple[int, str]], scored: bool, chunk: int = 50_000
) -> ShapeColumns:
    """Columns from numeric ``id, image, class, owner, x1, y1, x2, y2[, score]`` rows.

    ``polygons`` holds ``(id, points JSON)`` of the polygon rows. ``rows`` may be a
    stream (:meth:`StoreBase._tuple_stream`): a million images' objects then never sit
    in memory as Python tuples, and each column is filled a chunk at a time (about
    72 bytes a row at the peak, against 64 kept).
    """
    width = 9 if scored else 8
    ints: list[list[np.ndarray]] = [[], [], [], []]
    boxes: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    found = iter(rows)
    while batch := list(islice(found, chunk)):
        values = np.array(batch, dtype=float).reshape(len(batch), width)
        for column, parts in enumerate(ints):
            parts.append(values[:, column].astype(np.int64))
        boxes.append(values[:, 4:8].copy())
        if scored:
            scores.append(values[:, 8].copy())
    ids, image_id, class_id, owner = (_joined(parts, (0,), np.int64) for parts in ints)
    shapes = {}
    if polygons:
        where = dict(zip(ids.tolist(), range(ids.size), strict=True))
        shapes = {
            where[i]: Polygon(tuple((float(x), float(y)) for x, y in json.loads(points)))
            for i, points in polygons
            if i in where
        }
    score = _joined(scores, (0,), float) if scored else None
    return ShapeColumns(
        ids, image_id, class_id, owner, _joined(boxes, (0, 4), float), shapes, score
    )


class BulkStore(StoreBase):
    """Whole-project reads in one query each."""

    def live_annotation_rows(self) -> list[AnnotationRow]:
        """Every live annotation (tags too), ordered by id."""
        rows = self._tuples(
            "SELECT id, image_id, class_id, annotator_id, kind, x1, y1, x2, y2, points, "
            "guideline_version_id, created_at, seconds_spent "
            "FROM annotations WHERE deleted_at IS NULL ORDER BY id"
        )
        return [
            AnnotationRow(r[0], r[1], r[2], r[3], _geometry(*r[4:10]), r[10], r[11], r[12])
            for r in rows
        ]

    def run_prediction_rows(self, run_id: int) -> list[PredictionRow]:
        """Every prediction of a run, ordered by image and id."""
        rows = self._tuples(
            "SELECT id, image_id, class_id, run_id, kind, x1, y1, x2, y2, points, score "
            "FROM predictions WHERE run_id = ? ORDER BY image_id, id",
            (run_id,),
        )
        return [PredictionRow(r[0], r[1], r[2], r[3], _geometry(*r[4:10]), r[10]) for r in rows]

    def object_columns(self) -> ShapeColumns:
        """Every live box and polygon annotation as columns, ordered by id."""
        live = "FROM annotations WHERE deleted_at IS NULL"
        rows = self._tuple_stream(
            f"SELECT id, image_id, class_id, annotator_id, x1, y1, x2, y2 {live} "
            "AND kind != 'tag' ORDER BY id"
        )
        polygons = self._tuples(f"SELECT id, points {live} AND kind = 'polygon'")
        return _columns(rows, polygons, scored=False)

    def prediction_columns(self, run_id: int) -> ShapeColumns:
        """Every box and polygon prediction of a run as columns, ordered by image and id."""
        rows = self._tuple_stream(
            "SELECT id, image_id, class_id, run_id, x1, y1, x2, y2, score FROM predictions "
            "WHERE run_id = ? AND kind != 'tag' ORDER BY image_id, id",
            (run_id,),
        )
        polygons = self._tuples(
            "SELECT id, points FROM predictions WHERE run_id = ? AND kind = 'polygon'", (run_id,)
        )
        return _columns(rows, polygons, scored=True)

    def coverage(self) -> list[tuple[int, int]]:
        """Every ``(image_id, annotator_id)`` with a live annotation (tags too), sorted."""
        rows = self._tuples(
            "SELECT DISTINCT image_id, annotator_id FROM annotations WHERE deleted_at IS NULL "
            "ORDER BY image_id, annotator_id"
        )
        return [(int(i), int(p)) for i, p in rows]

    def annotation_groups(self) -> list[tuple[int, int, int | None, int, str, float]]:
        """Live annotations grouped by image, annotator and guideline version.

        Each row: ``(image_id, annotator_id, guideline_version_id, count, latest
        created_at, seconds spent in total)``.
        """
        rows = self._tuples(
            "SELECT image_id, annotator_id, guideline_version_id, COUNT(*), MAX(created_at), "
            "TOTAL(seconds_spent) FROM annotations WHERE deleted_at IS NULL "
            "GROUP BY image_id, annotator_id, guideline_version_id"
        )
        return [(int(i), int(p), v, int(n), str(t), float(s)) for i, p, v, n, t, s in rows]

    def object_seconds(self, with_image: bool = False) -> list[tuple[int, ...]]:
        """``(annotator_id, seconds)`` of every live box or polygon timed above zero.

        ``with_image``: ``(annotator_id, seconds, image_id)`` rows (to keep a slice's).
        """
        rows = self._tuples(
            "SELECT annotator_id, seconds_spent, image_id FROM annotations WHERE "
            "deleted_at IS NULL AND kind != 'tag' AND seconds_spent > 0 ORDER BY id"
        )
        if with_image:
            return [(int(p), float(s), int(i)) for p, s, i in rows]  # type: ignore[misc]
        return [(int(p), float(s)) for p, s, _i in rows]  # type: ignore[misc]

    def object_seconds_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`object_seconds` with images as columns: annotator, seconds, image.

        Streamed into arrays (24 bytes an object), never a list of tuples.
        """
        found = _numeric(
            self._tuple_stream(
                "SELECT annotator_id, seconds_spent, image_id FROM annotations WHERE "
                "deleted_at IS NULL AND kind != 'tag' AND seconds_spent > 0 ORDER BY id"
            ),
            3,
        )
        return found[:, 0].astype(np.int64), found[:, 1].copy(), found[:, 2].astype(np.int64)

    def tag_rows(self) -> list[tuple[int, int, int]]:
        """``(image_id, annotator_id, class_id)`` of every live tag."""
        rows = self._tuples(
            "SELECT image_id, annotator_id, class_id FROM annotations "
            "WHERE deleted_at IS NULL AND kind = 'tag' ORDER BY id"
        )
        return [(int(i), int(p), int(c)) for i, p, c in rows]

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
            int(r[0])
            for r in self._tuples(
                "SELECT id FROM annotations WHERE deleted_at IS NULL AND id IN ("
                "SELECT target_id FROM reviews WHERE target_kind = 'annotation' UNION "
                "SELECT fix_annotation_id FROM reviews WHERE fix_annotation_id IS NOT NULL)"
            )
        }
        return vouched & live

    def rejected_annotation_ids(self) -> set[int]:
        """Live annotations whose latest review is ``reject`` (a reviewer said they are wrong)."""
        rows = self._tuples(
            "SELECT r.target_id FROM reviews AS r JOIN annotations AS a ON a.id = r.target_id "
            "WHERE r.target_kind = 'annotation' AND a.deleted_at IS NULL AND r.id = ("
            "SELECT MAX(id) FROM reviews WHERE target_kind = 'annotation' "
            "AND target_id = r.target_id) AND r.decision = 'reject'"
        )
        return {int(r[0]) for r in rows}

    def image_ids_with_status(self, statuses: Iterable[ImageStatus | str]) -> set[int]:
        """Ids of the images in any of these workflow statuses."""
        values = [ImageStatus(s).value for s in statuses]
        if not values:
            return set()
        marks = ", ".join("?" for _ in values)
        rows = self._tuples(f"SELECT id FROM images WHERE status IN ({marks})", tuple(values))
        return {int(r[0]) for r in rows}

    def live_class_counts(self) -> dict[int, int]:
        """Live annotations per class id (from the counts triggers keep: no table scan)."""
        rows = self._tuples(
            "SELECT class_id, SUM(n) FROM annotation_counts GROUP BY class_id HAVING SUM(n) > 0"
        )
        return {int(c): int(n) for c, n in rows}

    def live_annotation_count(self) -> int:
        """How many live annotations the project holds (kept by triggers: no table scan)."""
        return int(self._db.scalar("SELECT TOTAL(n) FROM annotation_counts") or 0)

    def live_annotation_counts(self) -> list[dict[str, object]]:
        """Live annotations per annotator and class name, sorted, from the kept counts."""
        rows = self._db.query(
            "SELECT p.name AS annotator, c.name AS class, SUM(k.n) AS n FROM annotation_counts k "
            "JOIN people p ON p.id = k.annotator_id JOIN classes c ON c.id = k.class_id "
            "GROUP BY p.name, c.name HAVING SUM(k.n) > 0 ORDER BY p.name, c.name"
        )
        return [dict(r) for r in rows]

    def image_file_rows(self) -> list[tuple[int, str, str, int, int]]:
        """``(id, stored path, sha256, width, height)`` of every image, in id order.

        What a pass over every image's pixels needs, without building a million
        :class:`~labeler.core.domain.ImageRecord` values.
        """
        rows = self._tuples("SELECT id, path, sha256, width, height FROM images ORDER BY id")
        return [(int(i), str(p), str(s), int(w), int(h)) for i, p, s, w, h in rows]

    def image_paths(self) -> dict[int, str]:
        """Every image's stored path by id."""
        return {int(i): str(p) for i, p in self._tuples("SELECT id, path FROM images")}

    def image_time_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`image_times` as columns: image, person, seconds (streamed)."""
        found = _numeric(
            self._tuple_stream("SELECT image_id, person_id, seconds FROM image_time"), 3
        )
        return found[:, 0].astype(np.int64), found[:, 1].astype(np.int64), found[:, 2].copy()

    def image_times(self) -> dict[tuple[int, int], float]:
        """Seconds spent per ``(image_id, person_id)`` by the image timer."""
        rows = self._tuples("SELECT image_id, person_id, seconds FROM image_time")
        return {(int(i), int(p)): float(s) for i, p, s in rows}


class BulkLoadStore(StoreBase):
    """Bulk inserts for building very large projects (benchmarks, synthetic data sets).

    Each method inserts plain rows with one ``executemany`` inside the caller's
    transaction (or its own), without per-row events, audit log entries or change
    notices: use it only to create data, never for edits people make.
    """

    def load_image_rows(self, rows: Iterable[tuple[str, str, int, int, int, str]]) -> None:
        """Insert ``(sha256, stored path, width, height, file size, status)`` image rows."""
        stamp = now_iso()
        with self.transaction():
            self._db.conn.executemany(
                "INSERT INTO images(sha256, path, width, height, file_size, status, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((*row, stamp) for row in rows),
            )

    def load_box_annotation_rows(
        self,
        rows: Iterable[tuple[int, int, float, float, float, float, int, int | None, str]],
    ) -> None:
        """Insert manual box annotations.

        Each row: ``(image_id, class_id, x1, y1, x2, y2, annotator_id,
        guideline_version_id, created_at)``; ``updated_at`` equals ``created_at``.
        """
        with self.transaction():
            self._db.conn.executemany(
                "INSERT INTO annotations(image_id, class_id, kind, x1, y1, x2, y2, annotator_id, "
                "guideline_version_id, source, created_at, updated_at, uid) VALUES "
                "(?1, ?2, 'box', ?3, ?4, ?5, ?6, ?7, ?8, 'manual', ?9, ?9, "
                "lower(hex(randomblob(16))))",
                rows,
            )

    def load_box_prediction_rows(
        self,
        run_id: int,
        covered: Iterable[int],
        rows: Iterable[tuple[int, int, float, float, float, float, float]],
    ) -> None:
        """Insert a run's box predictions ``(image_id, class_id, x1, y1, x2, y2, score)``.

        ``covered`` lists every image the run covered (with or without detections).
        """
        with self.transaction():
            self._db.conn.executemany(
                "INSERT INTO run_images(run_id, image_id) VALUES (?, ?)",
                ((run_id, i) for i in covered),
            )
            self._db.conn.executemany(
                "INSERT INTO predictions(run_id, image_id, class_id, kind, x1, y1, x2, y2, score)"
                f" VALUES ({int(run_id)}, ?, ?, 'box', ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.conn.execute(
                "UPDATE model_runs SET image_count = (SELECT COUNT(*) FROM run_images "
                "WHERE run_id = ?1), finished_at = COALESCE(finished_at, ?2) WHERE id = ?1",
                (run_id, now_iso()),
            )

    def load_review_rows(
        self, rows: Iterable[tuple[int, int, str, str | None, str | None, int | None, str]]
    ) -> None:
        """Insert annotation reviews.

        Each row: ``(annotation_id, reviewer_id, decision, reason, section,
        guideline_version_id, created_at)``.
        """
        with self.transaction():
            self._db.conn.executemany(
                "INSERT INTO reviews(target_kind, target_id, reviewer_id, decision, reason, "
                "section, guideline_version_id, created_at, uid) VALUES ('annotation', ?, ?, ?, "
                "?, ?, ?, ?, lower(hex(randomblob(16))))",
                rows,
            )
