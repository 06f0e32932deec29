"""Gold images: reviewed images whose reference labels score everyone who answers them later.

A QA lead marks an image as gold. Its *reference* is a snapshot of the image's reviewed
labels at that moment: the live annotations a reviewer vouched for (accepted, or made by a
reviewer's fix), and, when the image itself was accepted as a whole (its latest image
review is ``accept``), every live annotation on it whose latest review is not a
rejection. An image accepted with nothing on it has an empty reference: a legal gold
answer, "nothing here". An image with no reviewed labels and no accepted image review
cannot be gold (there is nothing to score against).

The snapshot, not the live labels, is the reference: vendors' answers on the image come
back as annotations of their own (and may themselves be reviewed), which must never move
the target they are scored against. Marking an image again refreshes the snapshot (after
a QA lead corrected it) and keeps the time it first became gold.

*Gold answers* are the work people did on a gold image after it became gold: an answer
given after ``marked_at`` (or, before they finish, annotations made after it), and every
annotation on the image that is not part of the reference. They are scored
(:mod:`labeler.core.gold`) and never enter exports, consensus, agreement or diagnosis
truth as labels; answers given before the image became gold are the work the reference
was reviewed from and stay what they were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box, Geometry, Polygon, Tag
from labeler.core.i18n import _
from labeler.core.store.answers import MADE
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import now_iso


class GoldError(LabelerError):
    """An image cannot be marked (or unmarked) as gold as asked."""


@dataclass(frozen=True)
class GoldImage:
    """An image marked as gold: by whom, when, and how many reference labels it holds."""

    image_id: int
    marked_by: int
    marked_at: str
    reference_at: str
    guideline_version_id: int | None
    reference_count: int


@dataclass(frozen=True)
class ReferenceLabel:
    """One label of a gold image's reference (a snapshot of a reviewed annotation)."""

    annotation_id: int
    class_id: int
    geometry: Geometry


@dataclass(frozen=True)
class GoldAnswerSide:
    """One person's work on a gold image since it became gold (``answered_at`` None: unfinished)."""

    image_id: int
    person_id: int
    answered_at: str | None
    guideline_version_id: int | None


def _geometry(
    kind: str, x1: float, y1: float, x2: float, y2: float, points: str | None
) -> Geometry:
    if kind == "box":
        return Box(x1, y1, x2, y2)
    if kind == "polygon" and points:
        return Polygon(tuple((float(x), float(y)) for x, y in json.loads(points)))
    return Tag()


class GoldStore(StoreBase):
    """Marking gold images, their reference snapshots, and who answered them since."""

    def _reference_rows(self, image_id: int) -> list[tuple]:
        """The image's reviewed labels now (see the module doc), as annotation rows."""
        image_review = self._db.scalar(
            "SELECT decision FROM reviews WHERE target_kind = 'image' AND target_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (image_id,),
        )
        rows = self._tuples(
            "SELECT a.id, a.class_id, a.kind, a.x1, a.y1, a.x2, a.y2, a.points, "
            "(SELECT r.decision FROM reviews r WHERE r.target_kind = 'annotation' "
            "AND r.target_id = a.id ORDER BY r.id DESC LIMIT 1) AS latest, "
            "EXISTS (SELECT 1 FROM reviews f WHERE f.fix_annotation_id = a.id) AS is_fix "
            "FROM annotations a WHERE a.image_id = ? AND a.deleted_at IS NULL ORDER BY a.id",
            (image_id,),
        )
        vouched = [r for r in rows if r[8] == "accept" or (r[9] and r[8] in (None, "accept"))]
        if image_review == "accept":
            return [r for r in rows if r[8] != "reject"]
        if not vouched:
            raise GoldError(
                _(
                    "image {image_id} has no reviewed labels: accept its labels (or accept "
                    "the image, empty if nothing is there) before marking it gold"
                ).format(image_id=image_id)
            )
        return vouched

    def mark_gold(self, image_id: int, person_id: int) -> GoldImage:
        """Mark an image as gold with its reviewed labels as the reference (QA leads only).

        Marking a gold image again refreshes its reference and keeps when it became gold.
        Raises :class:`GoldError` when the image has no reviewed labels.
        """
        self.check_can(person_id, "audit")  # type: ignore[attr-defined]
        if self._db.scalar("SELECT 1 FROM images WHERE id = ?", (image_id,)) is None:
            raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
        with self.transaction():
            rows = self._reference_rows(image_id)
            now = now_iso()
            version = self.current_guideline_id()  # type: ignore[attr-defined]
            self._db.conn.execute(
                "INSERT INTO gold_images(image_id, marked_by, marked_at, reference_at, "
                "guideline_version_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT(image_id) DO UPDATE "
                "SET marked_by = excluded.marked_by, reference_at = excluded.reference_at, "
                "guideline_version_id = excluded.guideline_version_id",
                (image_id, person_id, now, now, version),
            )
            self._db.conn.execute("DELETE FROM gold_reference WHERE image_id = ?", (image_id,))
            self._db.conn.executemany(
                "INSERT INTO gold_reference(image_id, annotation_id, class_id, kind, x1, y1, "
                "x2, y2, points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(image_id, *r[:8]) for r in rows],
            )
            self._log(
                "mark",
                "gold",
                image_id,
                person_id=person_id,
                after={"reference": [int(r[0]) for r in rows]},
            )
            self._notify(Change(Entity.GOLD, "mark", (image_id,), (image_id,)))
        found = self.gold_image(image_id)
        assert found is not None
        return found

    def unmark_gold(self, image_id: int, person_id: int) -> None:
        """Make a gold image ordinary again (QA leads only); its gold answers become labels."""
        self.check_can(person_id, "audit")  # type: ignore[attr-defined]
        with self.transaction():
            if self._db.scalar("SELECT 1 FROM gold_images WHERE image_id = ?", (image_id,)) is None:
                raise GoldError(_("image {image_id} is not a gold image").format(image_id=image_id))
            self._db.conn.execute("DELETE FROM gold_reference WHERE image_id = ?", (image_id,))
            self._db.conn.execute("DELETE FROM gold_images WHERE image_id = ?", (image_id,))
            self._log("unmark", "gold", image_id, person_id=person_id)
            self._notify(Change(Entity.GOLD, "unmark", (image_id,), (image_id,)))

    # Reading

    _GOLD_ROWS = (
        "SELECT g.image_id, g.marked_by, g.marked_at, g.reference_at, g.guideline_version_id, "
        "(SELECT COUNT(*) FROM gold_reference r WHERE r.image_id = g.image_id) FROM gold_images g"
    )

    def gold_images(self) -> list[GoldImage]:
        """Every gold image, by image id."""
        rows = self._tuples(self._GOLD_ROWS + " ORDER BY g.image_id")
        return [GoldImage(int(i), int(p), str(m), str(r), v, int(n)) for i, p, m, r, v, n in rows]

    def gold_image(self, image_id: int) -> GoldImage | None:
        """One gold image, or None when the image is not gold (one indexed lookup)."""
        rows = self._tuples(self._GOLD_ROWS + " WHERE g.image_id = ?", (image_id,))
        return next(
            (GoldImage(int(i), int(p), str(m), str(r), v, int(n)) for i, p, m, r, v, n in rows),
            None,
        )

    def gold_image_ids(self) -> set[int]:
        """The ids of the gold images."""
        return {int(r[0]) for r in self._tuples("SELECT image_id FROM gold_images")}

    def gold_references(self) -> dict[int, list[ReferenceLabel]]:
        """Gold image id -> its reference labels (an empty list: "nothing here")."""
        found: dict[int, list[ReferenceLabel]] = {i: [] for i in self.gold_image_ids()}
        for image, annotation, class_id, kind, x1, y1, x2, y2, points in self._tuples(
            "SELECT image_id, annotation_id, class_id, kind, x1, y1, x2, y2, points "
            "FROM gold_reference ORDER BY image_id, annotation_id"
        ):
            found[int(image)].append(
                ReferenceLabel(
                    int(annotation), int(class_id), _geometry(kind, x1, y1, x2, y2, points)
                )
            )
        return found

    def gold_reference_ids(self) -> set[int]:
        """The annotation ids that make up gold references."""
        return {int(r[0]) for r in self._tuples("SELECT annotation_id FROM gold_reference")}

    def gold_answer_annotation_ids(self) -> set[int]:
        """Annotations on gold images that are not part of their reference (gold answers)."""
        rows = self._tuples(
            "SELECT a.id FROM gold_images g CROSS JOIN annotations a ON a.image_id = g.image_id "
            "WHERE NOT EXISTS (SELECT 1 FROM gold_reference r WHERE r.image_id = a.image_id "
            "AND r.annotation_id = a.id)"
        )
        return {int(r[0]) for r in rows}

    def gold_answer_sides(self) -> list[GoldAnswerSide]:
        """Who worked on which gold image since it became gold (answered, or labels made since).

        A person who answered is listed with the time and guideline of their answer; one
        who only has labels made since (work in progress) with ``answered_at`` None.
        """
        rows = self._tuples(
            "SELECT w.image_id, w.person_id, w.answered_at, w.guideline_version_id "
            "FROM gold_images g CROSS JOIN answers w ON w.image_id = g.image_id "
            "WHERE w.answered_at > g.marked_at "
            "UNION SELECT x.image_id, x.annotator_id, NULL, MAX(x.guideline_version_id) "
            "FROM gold_images g CROSS JOIN annotations x ON x.image_id = g.image_id "
            f"WHERE x.created_at > g.marked_at AND {MADE} AND NOT EXISTS (SELECT 1 FROM answers w "
            "WHERE w.image_id = x.image_id AND w.person_id = x.annotator_id AND "
            "w.answered_at <= g.marked_at) AND NOT EXISTS (SELECT 1 FROM gold_reference r "
            "WHERE r.image_id = x.image_id AND r.annotation_id = x.id) "
            "GROUP BY x.image_id, x.annotator_id "
            "ORDER BY 1, 2"
        )
        sides: dict[tuple[int, int], GoldAnswerSide] = {}
        for image, person, at, version in rows:
            key = (int(image), int(person))
            if key not in sides or (sides[key].answered_at is None and at is not None):
                sides[key] = GoldAnswerSide(key[0], key[1], at, version)
        return [sides[k] for k in sorted(sides)]

    def gold_answer_labels(self) -> list[tuple[int, int, int, int, Geometry]]:
        """What people made on gold images, outside the reference.

        ``(annotation_id, image_id, annotator_id, class_id, geometry)``: their own
        annotations, live or replaced by a reviewer's fix (what they answered).
        """
        rows = self._tuples(
            "SELECT x.id, x.image_id, x.annotator_id, x.class_id, x.kind, x.x1, x.y1, x.x2, "
            "x.y2, x.points FROM gold_images g CROSS JOIN annotations x "
            f"ON x.image_id = g.image_id WHERE {MADE} AND NOT EXISTS (SELECT 1 FROM "
            "gold_reference r WHERE r.image_id = x.image_id AND r.annotation_id = x.id) "
            "ORDER BY x.id"
        )
        return [
            (int(i), int(im), int(p), int(c), _geometry(k, x1, y1, x2, y2, pts))
            for i, im, p, c, k, x1, y1, x2, y2, pts in rows
        ]

    def assign_like(
        self, image_ids: list[int], person_id: int, like_assignment_id: int
    ) -> list[int]:
        """Give images to a person exactly as one of their assignments was given; returns ids.

        Task, blind flags, batch and creation time are copied, so the new assignments
        cannot be told from the one they copy (how gold images join a batch unseen).
        Images the person already has for that task are skipped.
        """
        like = self._db.query_one(
            "SELECT * FROM assignments WHERE id = ? AND person_id = ?",
            (like_assignment_id, person_id),
        )
        if like is None:
            raise UnknownEntityError(
                _("person {person_id} has no assignment {like_assignment_id}").format(
                    person_id=person_id, like_assignment_id=like_assignment_id
                )
            )
        created: list[int] = []
        with self.transaction():
            for image_id in image_ids:
                cur = self._db.conn.execute(
                    "INSERT INTO assignments(image_id, person_id, task, blind, hide_prelabels, "
                    "batch, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(image_id, person_id, task) DO NOTHING",
                    (
                        image_id,
                        person_id,
                        like["task"],
                        like["blind"],
                        like["hide_prelabels"],
                        like["batch"],
                        like["created_at"],
                    ),
                )
                if cur.rowcount:
                    created.append(int(cur.lastrowid or 0))
            if created:
                self._log(
                    "create",
                    "assignment",
                    None,
                    after={"ids": created, "like": like_assignment_id, "batch": like["batch"]},
                )
                self._notify(Change(Entity.ASSIGNMENT, "create", tuple(created)))
        return created

    # Undo: a gold image's whole record, taken and put back exactly

    def gold_snapshot(self, image_id: int) -> GoldSnapshot | None:
        """The image's gold record and reference rows as they are now (None: not gold)."""
        row = self._tuples(
            "SELECT marked_by, marked_at, reference_at, guideline_version_id FROM gold_images "
            "WHERE image_id = ?",
            (image_id,),
        )
        if not row:
            return None
        references = self._tuples(
            "SELECT annotation_id, class_id, kind, x1, y1, x2, y2, points FROM gold_reference "
            "WHERE image_id = ? ORDER BY annotation_id",
            (image_id,),
        )
        return GoldSnapshot(image_id, tuple(row[0]), tuple(tuple(r) for r in references))

    def restore_gold(self, image_id: int, snapshot: GoldSnapshot | None, person_id: int) -> None:
        """Put an image's gold record back as a snapshot had it (None: not gold); logged."""
        self.check_can(person_id, "audit")  # type: ignore[attr-defined]
        with self.transaction():
            self._db.conn.execute("DELETE FROM gold_reference WHERE image_id = ?", (image_id,))
            self._db.conn.execute("DELETE FROM gold_images WHERE image_id = ?", (image_id,))
            if snapshot is not None:
                self._db.conn.execute(
                    "INSERT INTO gold_images(image_id, marked_by, marked_at, reference_at, "
                    "guideline_version_id) VALUES (?, ?, ?, ?, ?)",
                    (image_id, *snapshot.record),
                )
                self._db.conn.executemany(
                    "INSERT INTO gold_reference(image_id, annotation_id, class_id, kind, x1, y1, "
                    "x2, y2, points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(image_id, *r) for r in snapshot.references],
                )
            self._log(
                "restore",
                "gold",
                image_id,
                person_id=person_id,
                after={"gold": snapshot is not None},
            )
            self._notify(Change(Entity.GOLD, "restore", (image_id,), (image_id,)))


@dataclass(frozen=True)
class GoldSnapshot:
    """A gold image's record (marked_by, marked_at, reference_at, version) and reference rows."""

    image_id: int
    record: tuple
    references: tuple[tuple, ...]
