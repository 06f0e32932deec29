"""Answers: which person finished which image, with or without drawing anything.

"Nothing here" is an answer. A person has *answered* an image when they marked
it done for themselves in the workspace, when an annotation file imported in
their name lists the image (objects or not), or when a vendor package says they
finished it. Whether an answer is *empty* is not stored: it is derived when read
from what the person made on the image, so drawing after marking done never
leaves a stale flag.

*What a person made* on an image are their own annotations, live or replaced by
a reviewer's fix (a fix supersedes the annotation it replaces, but the annotator
still made the original; the reviewer who fixed it is not an annotator of the
image). Agreement compares what people made; diagnosis truth and export use the
live, fixed version, credited to the annotator whose annotation was fixed
(:meth:`AnswerStore.fix_owners`).

An image's overall status follows the people assigned to annotate it: done when
every one of them has answered (or, without assignments, when anyone has); back
in progress when an answer is withdrawn. Answering completes the person's
annotate assignment on the image.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

import numpy as np

from labeler.core.domain import ImageStatus
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.bulk import ShapeColumns, _columns
from labeler.core.store.exchange_checks import PackageError as PackageRecordError
from labeler.core.store.rows import now_iso

ANSWER_SOURCES = ("workspace", "imported", "package", "migrated")

# An annotation row ``x`` that its annotator made: not a reviewer's fix, and still live
# or replaced by a fix.
MADE = (
    "x.replaces_id IS NULL AND (x.deleted_at IS NULL OR EXISTS "
    "(SELECT 1 FROM annotations f WHERE f.replaces_id = x.id))"
)
_EMPTY = (
    "NOT EXISTS (SELECT 1 FROM annotations x WHERE x.image_id = w.image_id "
    f"AND x.annotator_id = w.person_id AND {MADE})"
)


class AnswerRecordError(PackageRecordError):
    """An answer record in a vendor package is malformed or out of the package's scope."""


@dataclass(frozen=True)
class Answer:
    """That a person finished an image: when, under which guideline, from where, empty or not."""

    image_id: int
    person_id: int
    answered_at: str
    guideline_version_id: int | None
    source: str
    empty: bool


class AnswerStore(StoreBase):
    """Per-person answers, the image status derived from them, and what people made."""

    # Writing

    def mark_answered(
        self,
        image_id: int,
        person_id: int,
        *,
        source: str = "workspace",
        at: str | None = None,
    ) -> bool:
        """Record that a person finished an image; returns False when they already had.

        Stamped with the guideline version in force; completes the person's
        annotate assignment on the image and updates the image's status.
        """
        return self.mark_answered_many([(image_id, person_id)], source=source, at=at) == 1

    def mark_answered_many(
        self, pairs: Iterable[tuple[int, int]], *, source: str = "imported", at: str | None = None
    ) -> int:
        """Record many ``(image_id, person_id)`` answers in one transaction; returns how many."""
        if source not in ANSWER_SOURCES:
            raise LabelerError(
                _("answer source {source!r}: expected one of {ANSWER_SOURCES}").format(
                    source=source, ANSWER_SOURCES=", ".join(ANSWER_SOURCES)
                )
            )
        at = at or now_iso()
        new: list[tuple[int, int]] = []
        with self.transaction():
            version = self._guideline_in_force()
            for image_id, person_id in dict.fromkeys(pairs):
                self._check_pair(image_id, person_id)
                cur = self._db.conn.execute(
                    "INSERT INTO answers(image_id, person_id, answered_at, guideline_version_id,"
                    " source) VALUES (?, ?, ?, ?, ?) ON CONFLICT(image_id, person_id) DO NOTHING",
                    (image_id, person_id, at, version, source),
                )
                if cur.rowcount:
                    new.append((image_id, person_id))
                    self._set_assignment_done(image_id, person_id, at)
            for image_id in sorted({i for i, _ in new}):
                self._refresh_image_status(image_id)
            for image_id, person_id in new:
                self._log(
                    "answer", "image", image_id, person_id=person_id, after={"source": source}
                )
            if new:
                images = tuple(sorted({i for i, _ in new}))
                self._notify(Change(Entity.ANSWER, "create", images, images))
        return len(new)

    def unmark_answered(self, image_id: int, person_id: int) -> bool:
        """Withdraw a person's answer (undo of "done"); returns False when there was none."""
        with self.transaction():
            cur = self._db.conn.execute(
                "DELETE FROM answers WHERE image_id = ? AND person_id = ?", (image_id, person_id)
            )
            if not cur.rowcount:
                return False
            self._set_assignment_done(image_id, person_id, None)
            self._refresh_image_status(image_id)
            self._log("unanswer", "image", image_id, person_id=person_id)
            self._notify(Change(Entity.ANSWER, "delete", (image_id,), (image_id,)))
        return True

    def _check_pair(self, image_id: int, person_id: int) -> None:
        if self._db.scalar("SELECT 1 FROM images WHERE id = ?", (image_id,)) is None:
            raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
        if self._db.scalar("SELECT 1 FROM people WHERE id = ?", (person_id,)) is None:
            raise UnknownEntityError(_("no person with id {person_id}").format(person_id=person_id))

    def _guideline_in_force(self) -> int | None:
        value = self._db.scalar(
            "SELECT id FROM guideline_versions WHERE published_at IS NOT NULL "
            "ORDER BY number DESC LIMIT 1"
        )
        return int(value) if value is not None else None

    def _set_assignment_done(self, image_id: int, person_id: int, at: str | None) -> None:
        rows = self._db.conn.execute(
            "SELECT id FROM assignments WHERE image_id = ? AND person_id = ? "
            "AND task = 'annotate' AND (done_at IS NULL) = ?",
            (image_id, person_id, at is not None),
        ).fetchall()
        for (assignment_id,) in rows:
            self._db.conn.execute(
                "UPDATE assignments SET done_at = ? WHERE id = ?", (at, assignment_id)
            )
            self._log("done" if at else "reopen", "assignment", assignment_id, person_id=person_id)
            self._notify(Change(Entity.ASSIGNMENT, "update", (assignment_id,), (image_id,)))

    def _refresh_image_status(self, image_id: int) -> None:
        """Set the image's status from its answers (see the module doc)."""
        before = ImageStatus(
            str(self._db.scalar("SELECT status FROM images WHERE id = ?", (image_id,)))
        )
        after = self.derived_status(image_id, before)
        if after == before:
            return
        self._db.conn.execute("UPDATE images SET status = ? WHERE id = ?", (after.value, image_id))
        self._log(
            "status",
            "image",
            image_id,
            before={"status": before.value},
            after={"status": after.value},
        )
        self._notify(Change(Entity.IMAGE, "status", (image_id,), (image_id,)))

    def derived_status(self, image_id: int, current: ImageStatus) -> ImageStatus:
        """The status an image's answers call for, starting from its ``current`` one.

        Done when every annotate assignee answered (anyone, without assignments);
        otherwise a done image goes back to in progress, and a new or pre-labeled
        image with some answer moves to in progress. Other statuses stay.
        """
        assigned = {
            int(r[0])
            for r in self._db.conn.execute(
                "SELECT person_id FROM assignments WHERE image_id = ? AND task = 'annotate'",
                (image_id,),
            )
        }
        answered = {
            int(r[0])
            for r in self._db.conn.execute(
                "SELECT person_id FROM answers WHERE image_id = ?", (image_id,)
            )
        }
        complete = assigned <= answered if assigned else bool(answered)
        if complete:
            return ImageStatus.DONE
        if current == ImageStatus.DONE:
            return ImageStatus.IN_PROGRESS
        if answered and current in (ImageStatus.NEW, ImageStatus.PRELABELED):
            return ImageStatus.IN_PROGRESS
        return current

    # Reading one image or person

    def _answers(self, where: str, params: tuple = ()) -> list[Answer]:
        rows = self._db.query(
            "SELECT w.image_id, w.person_id, w.answered_at, w.guideline_version_id, w.source, "
            f"{_EMPTY} AS empty FROM answers w WHERE {where} ORDER BY w.image_id, w.person_id",
            params,
        )
        return [Answer(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def answer(self, image_id: int, person_id: int) -> Answer | None:
        """A person's answer on an image, or None when they have not answered it."""
        found = self._answers("w.image_id = ? AND w.person_id = ?", (image_id, person_id))
        return found[0] if found else None

    def is_answered(self, image_id: int, person_id: int) -> bool:
        """True when the person has answered the image."""
        return (
            self._db.scalar(
                "SELECT 1 FROM answers WHERE image_id = ? AND person_id = ?", (image_id, person_id)
            )
            is not None
        )

    def answers_for_image(self, image_id: int) -> list[Answer]:
        """Everyone who answered an image, by person id."""
        return self._answers("w.image_id = ?", (image_id,))

    def answers_by(self, person_id: int) -> list[Answer]:
        """Every answer of one person, by image id."""
        return self._answers("w.person_id = ?", (person_id,))

    def answered_empty_image_ids(self, person_id: int | None = None) -> set[int]:
        """Images answered with nothing drawn (by one person, or by anyone)."""
        where, params = ("w.person_id = ?", (person_id,)) if person_id is not None else ("1", ())
        rows = self._db.conn.execute(
            f"SELECT DISTINCT w.image_id FROM answers w WHERE {where} AND {_EMPTY}", params
        )
        return {int(r[0]) for r in rows}

    # Bulk reads for whole-project consumers

    def answer_pairs(self) -> list[tuple[int, int]]:
        """Every ``(image_id, person_id)`` answer, sorted."""
        rows = self._db.conn.execute(
            "SELECT image_id, person_id FROM answers ORDER BY image_id, person_id"
        )
        return [(int(i), int(p)) for i, p in rows]

    def answer_rows(self) -> list[tuple[int, int, int | None, str]]:
        """Every answer as ``(image_id, person_id, guideline_version_id, answered_at)``."""
        rows = self._tuples(
            "SELECT image_id, person_id, guideline_version_id, answered_at FROM answers "
            "ORDER BY image_id, person_id"
        )
        return [(int(i), int(p), v, str(t)) for i, p, v, t in rows]

    def answers_by_image(self) -> dict[int, set[int]]:
        """Image id -> the people who answered it."""
        found: dict[int, set[int]] = {}
        for image_id, person_id in self.answer_pairs():
            found.setdefault(image_id, set()).add(person_id)
        return found

    def answer_counts(self) -> dict[str, object]:
        """How many answers there are, how many empty, and per person (the HTML report)."""
        rows = self._db.query(
            f"SELECT p.name AS name, COUNT(*) AS answered, TOTAL({_EMPTY}) AS empty "
            "FROM answers w JOIN people p ON p.id = w.person_id GROUP BY p.name ORDER BY p.name"
        )
        counts = [(str(r["name"]), int(r["answered"]), int(r["empty"])) for r in rows]
        people = [{"name": n, "answered": a, "empty": e} for n, a, e in counts]
        return {
            "answered": sum(a for _, a, _ in counts),
            "answered_empty": sum(e for _, _, e in counts),
            "images_answered": int(
                self._db.scalar("SELECT COUNT(DISTINCT image_id) FROM answers") or 0
            ),
            "people": people,
        }

    def fix_owners(self) -> dict[int, int]:
        """Each reviewer's fix (annotation id) -> the annotator whose annotation it replaces.

        Follows chains (a fix of a fix) back to the annotation an annotator made.
        """
        rows = self._db.conn.execute(
            "SELECT f.id, f.replaces_id, o.annotator_id FROM annotations f "
            "JOIN annotations o ON o.id = f.replaces_id WHERE f.replaces_id IS NOT NULL"
        ).fetchall()
        parent = {int(i): int(r) for i, r, _ in rows}
        direct = {int(i): int(p) for i, _, p in rows}
        owners: dict[int, int] = {}
        for fix in parent:
            step, seen = fix, {fix}
            while parent.get(step) in parent and parent[step] not in seen:
                step = parent[step]
                seen.add(step)
            owners[fix] = direct[step]
        return owners

    def made_object_columns(self) -> ShapeColumns:
        """Every box and polygon annotators made (see the module doc) as columns, by id."""
        made = f"FROM annotations x WHERE {MADE}"
        rows = self._tuple_stream(
            f"SELECT x.id, x.image_id, x.class_id, x.annotator_id, x.x1, x.y1, x.x2, x.y2 "
            f"{made} AND x.kind != 'tag' ORDER BY x.id"
        )
        polygons = self._tuples(f"SELECT x.id, x.points {made} AND x.kind = 'polygon'")
        return _columns(rows, polygons, scored=False)

    def made_tag_rows(self) -> list[tuple[int, int, int]]:
        """``(image_id, annotator_id, class_id)`` of every tag annotators made."""
        rows = self._tuples(
            f"SELECT x.image_id, x.annotator_id, x.class_id FROM annotations x WHERE {MADE} "
            "AND x.kind = 'tag' ORDER BY x.id"
        )
        return [(int(i), int(p), int(c)) for i, p, c in rows]

    def made_annotation_groups(self) -> list[tuple[int, int, int | None, int, str, float]]:
        """What annotators made, grouped by image, annotator and guideline version.

        Rows as :meth:`BulkStore.annotation_groups`: ``(image_id, annotator_id,
        guideline_version_id, count, latest created_at, seconds spent)``.
        """
        rows = self._tuples(
            "SELECT x.image_id, x.annotator_id, x.guideline_version_id, COUNT(*), "
            f"MAX(x.created_at), TOTAL(x.seconds_spent) FROM annotations x WHERE {MADE} "
            "GROUP BY x.image_id, x.annotator_id, x.guideline_version_id"
        )
        return [(int(i), int(p), v, int(n), str(t), float(s)) for i, p, v, n, t, s in rows]

    def made_annotation_group_stream(
        self,
    ) -> Iterator[tuple[int, int, int | None, int, str, float]]:
        """:meth:`made_annotation_groups`, row by row (for a million images: no list)."""
        return self._tuple_stream(
            "SELECT x.image_id, x.annotator_id, x.guideline_version_id, COUNT(*), "
            f"MAX(x.created_at), TOTAL(x.seconds_spent) FROM annotations x WHERE {MADE} "
            "GROUP BY x.image_id, x.annotator_id, x.guideline_version_id"
        )

    def answer_row_stream(self) -> Iterator[tuple[int, int, int | None, str]]:
        """:meth:`answer_rows`, row by row."""
        return self._tuple_stream(
            "SELECT image_id, person_id, guideline_version_id, answered_at FROM answers "
            "ORDER BY image_id, person_id"
        )

    def answered_coverage_array(self) -> np.ndarray:
        """:meth:`answered_coverage` as an ``n x 2`` int64 array, built without a row list."""
        rows = self._tuple_stream(
            f"SELECT x.image_id, x.annotator_id FROM annotations x WHERE {MADE} "
            "UNION SELECT image_id, person_id FROM answers ORDER BY 1, 2"
        )
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64)
        return flat.reshape(-1, 2)

    def answered_coverage(self) -> list[tuple[int, int]]:
        """Every ``(image_id, person_id)`` who answered the image or made a label on it, sorted.

        Work in progress counts as what the person has so far; an empty side is
        only there when the person answered.
        """
        rows = self._tuples(
            f"SELECT x.image_id, x.annotator_id FROM annotations x WHERE {MADE} "
            "UNION SELECT image_id, person_id FROM answers ORDER BY 1, 2"
        )
        return [(int(i), int(p)) for i, p in rows]

    # Vendor packages: answers travel by image SHA-256 and person name

    def exchange_answers(
        self, image_ids: set[int] | None = None, people: set[str] | None = None
    ) -> list[dict[str, str]]:
        """Answers as package records (``image`` SHA-256, ``person`` name, ``answered_at``)."""
        rows = self._db.query(
            "SELECT w.image_id, i.sha256, p.name, w.answered_at FROM answers w "
            "JOIN images i ON i.id = w.image_id JOIN people p ON p.id = w.person_id "
            "ORDER BY w.image_id, w.person_id"
        )
        return [
            {"image": r["sha256"], "person": r["name"], "answered_at": r["answered_at"]}
            for r in rows
            if (image_ids is None or r["image_id"] in image_ids)
            and (people is None or r["name"] in people)
        ]

    def check_vendor_answers(
        self, rows: object, people: set[str], image_ids: frozenset[int]
    ) -> list[tuple[str, str, str]]:
        """Untrusted answer records, checked: ``(sha256, person, answered_at)`` of each.

        Only ``people`` (the vendor's) answering ``image_ids`` (the package's images)
        are allowed; anything else raises :class:`AnswerRecordError`, nothing written.
        """
        if not isinstance(rows, list):
            raise AnswerRecordError(_("answers: expected a list"))
        images = {
            str(r[0]): int(r[1]) for r in self._db.conn.execute("SELECT sha256, id FROM images")
        }
        checked = []
        for n, row in enumerate(rows):
            where = f"answers[{n}]"
            if not isinstance(row, dict) or set(row) != {"image", "person", "answered_at"}:
                raise AnswerRecordError(
                    _("{where}: expected image, person and answered_at").format(where=where)
                )
            sha, person, at = row["image"], row["person"], row["answered_at"]
            if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in (sha, person, at)):
                raise AnswerRecordError(
                    _("{where}: image, person and answered_at are short texts").format(where=where)
                )
            if images.get(sha) not in image_ids:
                raise AnswerRecordError(
                    _("{where}: an image the package did not carry").format(where=where)
                )
            if person not in people:
                raise AnswerRecordError(
                    _("{where}: {person!r} is not one of the vendor's people").format(
                        where=where, person=person
                    )
                )
            try:
                datetime.fromisoformat(at)
            except ValueError as exc:
                raise AnswerRecordError(
                    _("{where}: answered_at {at!r} is not a time").format(where=where, at=at)
                ) from exc
            checked.append((sha, person, at))
        return checked

    def merge_vendor_answers(self, rows: list[tuple[str, str, str]]) -> int:
        """Add checked vendor answers (source ``package``); returns how many were new.

        Answers already here are kept; each new one completes its assignment.
        """
        added = 0
        with self.transaction():
            for sha, person, at in rows:
                ids = self._db.conn.execute(
                    "SELECT i.id, p.id FROM images i, people p WHERE i.sha256 = ? AND p.name = ?",
                    (sha, person),
                ).fetchone()
                if ids is not None:
                    added += self.mark_answered_many([(ids[0], ids[1])], source="package", at=at)
        return added
