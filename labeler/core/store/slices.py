"""Slices: named, saved subsets of images, frozen as a list of image ids with their rule.

A slice keeps the rule that made it (JSON, see :mod:`labeler.core.slices`) and the
image ids it matched when it was saved or last re-evaluated. Work sent from a
slice (in-house assignments or a vendor package) is recorded with a note of why,
so :meth:`SliceStore.slice_activity` can say what changed on its images since.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import now_iso


class SliceNameError(LabelerError):
    """A slice name is empty, or already taken."""


class UnknownSliceError(UnknownEntityError):
    """No slice has that name."""


@dataclass(frozen=True)
class SavedSlice:
    """A slice as stored: its rule, note and when it was made and last evaluated."""

    id: int
    name: str
    rule: dict[str, Any]
    note: str
    created_by: int | None
    created_at: str
    evaluated_at: str
    images: int


@dataclass(frozen=True)
class SliceWork:
    """Work sent from a slice: assignments to people, or a package for a vendor."""

    id: int
    slice_id: int
    kind: str  # "assignments" or "package"
    target: str  # the people (comma-separated) or the vendor and package file
    note: str
    images: int
    sent_by: int | None
    sent_at: str


@dataclass
class ImageActivity:
    """What happened on one image since a moment: labels, reviews, answers, its status."""

    image_id: int
    path: str
    status: str
    added: int = 0
    edited: int = 0
    deleted: int = 0
    reviews: int = 0
    answers: int = 0
    by: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        """True when anything happened on the image."""
        return bool(self.added or self.edited or self.deleted or self.reviews or self.answers)


def _slice(row: Any) -> SavedSlice:
    return SavedSlice(
        int(row["id"]),
        str(row["name"]),
        json.loads(row["rule"]),
        str(row["note"]),
        None if row["created_by"] is None else int(row["created_by"]),
        str(row["created_at"]),
        str(row["evaluated_at"]),
        int(row["images"]),
    )


_SELECT = (
    "SELECT s.*, (SELECT COUNT(*) FROM slice_images i WHERE i.slice_id = s.id) AS images "
    "FROM slices s"
)


class SliceStore(StoreBase):
    """Saving, listing, re-freezing and deleting slices, and the work sent from them."""

    def save_slice(
        self,
        name: str,
        rule: dict[str, Any],
        image_ids: Iterable[int],
        note: str = "",
        created_by: int | None = None,
    ) -> SavedSlice:
        """Save a new slice with the images its rule matched now; names are unique."""
        name = name.strip()
        if not name:
            raise SliceNameError(_("a slice needs a name"))
        if self._db.scalar("SELECT 1 FROM slices WHERE name = ?", (name,)):
            raise SliceNameError(
                _(
                    "a slice named {name!r} already exists: choose another name, or delete it first"
                ).format(name=name)
            )
        ids = sorted(set(int(i) for i in image_ids))
        with self.transaction():
            now = now_iso()
            cursor = self._db.conn.execute(
                "INSERT INTO slices(name, rule, note, created_by, created_at, evaluated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, json.dumps(rule, sort_keys=True), note, created_by, now, now),
            )
            slice_id = int(cursor.lastrowid or 0)
            self._db.conn.executemany(
                "INSERT INTO slice_images(slice_id, image_id) VALUES (?, ?)",
                [(slice_id, i) for i in ids],
            )
            self._log(
                "save",
                Entity.SLICE,
                slice_id,
                person_id=created_by,
                after={"name": name, "images": len(ids)},
            )
            self._notify(Change(Entity.SLICE, "save", (slice_id,), tuple(ids)))
        return self.slice_named(name)

    def slices(self) -> list[SavedSlice]:
        """Every slice, by name."""
        return [_slice(r) for r in self._db.query(_SELECT + " ORDER BY s.name")]

    def slice_named(self, name: str) -> SavedSlice:
        """The slice with this name; an unknown name lists the slices there are."""
        row = self._db.query_one(_SELECT + " WHERE s.name = ?", (name.strip(),))
        if row is None:
            known = ", ".join(repr(s.name) for s in self.slices()) or "none yet"
            raise UnknownSliceError(
                _("no slice named {name!r} (slices: {known})").format(name=name, known=known)
            )
        return _slice(row)

    def slice_image_ids(self, slice_id: int) -> list[int]:
        """The frozen image ids of a slice, in id order."""
        rows = self._tuples(
            "SELECT image_id FROM slice_images WHERE slice_id = ? ORDER BY image_id", (slice_id,)
        )
        return [int(r[0]) for r in rows]

    def refreeze_slice(self, slice_id: int, image_ids: Iterable[int]) -> None:
        """Replace a slice's frozen list with a fresh evaluation of its rule."""
        ids = sorted(set(int(i) for i in image_ids))
        with self.transaction():
            self._db.conn.execute("DELETE FROM slice_images WHERE slice_id = ?", (slice_id,))
            self._db.conn.executemany(
                "INSERT INTO slice_images(slice_id, image_id) VALUES (?, ?)",
                [(slice_id, i) for i in ids],
            )
            self._db.conn.execute(
                "UPDATE slices SET evaluated_at = ? WHERE id = ?", (now_iso(), slice_id)
            )
            self._log("refreeze", Entity.SLICE, slice_id, after={"images": len(ids)})
            self._notify(Change(Entity.SLICE, "refreeze", (slice_id,), tuple(ids)))

    def delete_slice(self, slice_id: int) -> None:
        """Delete a slice, its frozen list and its work records (the images stay)."""
        with self.transaction():
            for table in ("slice_images", "slice_work"):
                self._db.conn.execute(f"DELETE FROM {table} WHERE slice_id = ?", (slice_id,))
            self._db.conn.execute("DELETE FROM slices WHERE id = ?", (slice_id,))
            self._log("delete", Entity.SLICE, slice_id)
            self._notify(Change(Entity.SLICE, "delete", (slice_id,)))

    def record_slice_work(
        self,
        slice_id: int,
        kind: str,
        target: str,
        note: str,
        images: int,
        sent_by: int | None = None,
    ) -> SliceWork:
        """Record that the slice's images were sent to work (joins an open transaction)."""
        with self.transaction():
            cursor = self._db.conn.execute(
                "INSERT INTO slice_work(slice_id, kind, target, note, images, sent_by, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (slice_id, kind, target, note, images, sent_by, now_iso()),
            )
            work_id = int(cursor.lastrowid or 0)
            self._log(
                "send",
                Entity.SLICE,
                slice_id,
                person_id=sent_by,
                after={"kind": kind, "target": target, "note": note},
            )
            self._notify(Change(Entity.SLICE, "send", (slice_id,)))
        return next(w for w in self.slice_work(slice_id) if w.id == work_id)

    def image_ids_labeled(
        self,
        class_ids: Iterable[int] | None = None,
        annotator_ids: Iterable[int] | None = None,
        guideline_version_ids: Iterable[int] | None = None,
    ) -> set[int]:
        """Images holding a live annotation matching every filter given (None: any)."""
        where, params = ["deleted_at IS NULL"], []
        for column, values in (
            ("class_id", class_ids),
            ("annotator_id", annotator_ids),
            ("guideline_version_id", guideline_version_ids),
        ):
            if values is not None:
                chosen = [int(v) for v in values]
                if not chosen:
                    return set()
                where.append(f"{column} IN ({', '.join('?' * len(chosen))})")
                params += chosen
        sql = f"SELECT DISTINCT image_id FROM annotations WHERE {' AND '.join(where)}"
        return {int(r[0]) for r in self._tuples(sql, tuple(params))}

    def image_ids_answered_by(self, person_ids: Iterable[int]) -> set[int]:
        """Images these people answered (an empty answer counts)."""
        chosen = [int(p) for p in person_ids]
        if not chosen:
            return set()
        sql = (
            "SELECT DISTINCT image_id FROM answers WHERE person_id IN "
            f"({', '.join('?' * len(chosen))})"
        )
        return {int(r[0]) for r in self._tuples(sql, tuple(chosen))}

    def slice_work(self, slice_id: int) -> list[SliceWork]:
        """The work sent from a slice, oldest first."""
        rows = self._db.query(
            "SELECT * FROM slice_work WHERE slice_id = ? ORDER BY sent_at, id", (slice_id,)
        )
        return [
            SliceWork(
                int(r["id"]),
                int(r["slice_id"]),
                str(r["kind"]),
                str(r["target"]),
                str(r["note"]),
                int(r["images"]),
                None if r["sent_by"] is None else int(r["sent_by"]),
                str(r["sent_at"]),
            )
            for r in rows
        ]

    def slice_activity(self, slice_id: int, since: str) -> list[ImageActivity]:
        """Per image of the slice: labels added, edited, deleted, reviews and answers since."""
        found = {
            int(r[0]): ImageActivity(int(r[0]), str(r[1]), str(r[2]))
            for r in self._tuples(
                "SELECT i.id, i.path, i.status FROM slice_images s JOIN images i "
                "ON i.id = s.image_id WHERE s.slice_id = ? ORDER BY i.id",
                (slice_id,),
            )
        }
        annotations = self._tuples(
            "SELECT a.image_id, a.created_at > ?1, a.deleted_at IS NOT NULL AND a.deleted_at > ?1,"
            " a.updated_at > ?1, p.name FROM annotations a JOIN slice_images s "
            "ON s.image_id = a.image_id AND s.slice_id = ?2 JOIN people p ON p.id = a.annotator_id "
            "WHERE a.created_at > ?1 OR a.updated_at > ?1 OR a.deleted_at > ?1",
            (since, slice_id),
        )
        for image_id, added, deleted, updated, person in annotations:
            activity = found[int(image_id)]
            if deleted:
                activity.deleted += 1
            elif added:
                activity.added += 1
            elif updated:
                activity.edited += 1
            activity.by.add(str(person))
        reviews = self._tuples(
            "SELECT COALESCE(a.image_id, CASE WHEN r.target_kind = 'image' THEN r.target_id END),"
            " p.name FROM reviews r JOIN people p ON p.id = r.reviewer_id "
            "LEFT JOIN annotations a ON r.target_kind = 'annotation' AND a.id = r.target_id "
            "WHERE r.created_at > ?",
            (since,),
        )
        for image_id, person in reviews:
            if image_id is not None and int(image_id) in found:
                found[int(image_id)].reviews += 1
                found[int(image_id)].by.add(str(person))
        answers = self._tuples(
            "SELECT x.image_id, p.name FROM answers x JOIN slice_images s "
            "ON s.image_id = x.image_id AND s.slice_id = ? JOIN people p ON p.id = x.person_id "
            "WHERE x.answered_at > ?",
            (slice_id, since),
        )
        for image_id, person in answers:
            found[int(image_id)].answers += 1
            found[int(image_id)].by.add(str(person))
        return list(found.values())
