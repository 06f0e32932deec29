"""Roles, assignments of images to people, and what each person may see.

An assignment gives one image to one person to annotate or to review. ``overlap``
spreads each image over k annotators so their agreement can be measured. A blind
assignment hides other people's annotations on that image from the annotator (and,
with ``hide_prelabels``, the model's pre-labels), so agreement is measured without
anchoring. Reviewers and QA leads see everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from labeler.core.domain import Annotation, Assignment, AssignmentTask, Role
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.database import SqlValue
from labeler.core.store.rows import annotation_from_row, assignment_from_row, now_iso

# What each role may do; the GUI asks :meth:`AssignmentStore.can` before offering a mode.
ROLE_ACTIONS: dict[Role, frozenset[str]] = {
    Role.ANNOTATOR: frozenset({"label"}),
    Role.REVIEWER: frozenset({"label", "review"}),
    Role.QA_LEAD: frozenset({"label", "review", "audit", "adjudicate", "edit_guideline"}),
}


class RoleError(LabelerError):
    """A person tried something their role does not allow."""


class AssignmentStore(StoreBase):
    """Who works on which image, blind or not, and the role checks around it."""

    def _role(self, person_id: int) -> Role:
        value = self._db.scalar("SELECT role FROM people WHERE id = ?", (person_id,))
        if value is None:
            raise UnknownEntityError(_("no person with id {person_id}").format(person_id=person_id))
        return Role(str(value))

    def can(self, person_id: int, action: str) -> bool:
        """True when the person's role allows ``action`` (label, review, audit, ...)."""
        return action in ROLE_ACTIONS[self._role(person_id)]

    def check_can(self, person_id: int, action: str) -> None:
        """Raise :class:`RoleError` unless the person's role allows ``action``."""
        role = self._role(person_id)
        if action not in ROLE_ACTIONS[role]:
            raise RoleError(
                _("a {role.value} cannot {action_name}").format(
                    role=role, action_name=action.replace("_", " ")
                )
            )

    def assign_images(
        self,
        image_ids: Iterable[int],
        person_ids: list[int],
        task: AssignmentTask | str = AssignmentTask.ANNOTATE,
        *,
        overlap: int = 1,
        blind: bool = False,
        hide_prelabels: bool = False,
        batch: str = "",
    ) -> list[Assignment]:
        """Give each image to ``overlap`` of the people, spread evenly; returns new ones.

        An image a person already has for the same task is not assigned twice.
        """
        task = AssignmentTask(task)
        people = list(dict.fromkeys(person_ids))
        if not people:
            raise LabelerError(_("assign images to at least one person"))
        if not 1 <= overlap <= len(people):
            raise LabelerError(
                _("overlap must be between 1 and the number of people ({n_people})").format(
                    n_people=len(people)
                )
            )
        action = "label" if task is AssignmentTask.ANNOTATE else "review"
        for person_id in people:
            self.check_can(person_id, action)
        with self.transaction():
            pairs = [
                (image_id, people[(index * overlap + j) % len(people)])
                for index, image_id in enumerate(dict.fromkeys(image_ids))
                for j in range(overlap)
            ]
            created = self._insert_assignments(pairs, task, blind, hide_prelabels, batch)
            if created:
                after = {"ids": created, "task": task.value, "blind": blind, "overlap": overlap}
                self._log("create", "assignment", None, after={**after, "batch": batch})
                self._notify(Change(Entity.ASSIGNMENT, "create", tuple(created)))
        return [a for a in self.assignments() if a.id in set(created)]

    def _insert_assignments(
        self,
        pairs: list[tuple[int, int]],
        task: AssignmentTask,
        blind: bool,
        hide_prelabels: bool,
        batch: str,
    ) -> list[int]:
        created: list[int] = []
        now = now_iso()
        for image_id, person_id in pairs:
            if self._db.scalar("SELECT 1 FROM images WHERE id = ?", (image_id,)) is None:
                raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
            cur = self._db.conn.execute(
                "INSERT INTO assignments(image_id, person_id, task, blind, hide_prelabels, batch,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(image_id, person_id, task) DO NOTHING",
                (image_id, person_id, task.value, int(blind), int(hide_prelabels), batch, now),
            )
            if cur.rowcount:
                created.append(int(cur.lastrowid or 0))
        return created

    def assignments(
        self,
        image_id: int | None = None,
        person_id: int | None = None,
        task: AssignmentTask | str | None = None,
        open_only: bool = False,
    ) -> list[Assignment]:
        """Assignments, filtered by image, person, task and (optionally) not yet done."""
        sql = "SELECT * FROM assignments WHERE 1 = 1"
        params: list[SqlValue] = []
        for column, value in (("image_id", image_id), ("person_id", person_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if task is not None:
            sql += " AND task = ?"
            params.append(AssignmentTask(task).value)
        if open_only:
            sql += " AND done_at IS NULL"
        return [assignment_from_row(r) for r in self._db.query(sql + " ORDER BY id", tuple(params))]

    def assignments_for(
        self, person_id: int, task: AssignmentTask | str | None = None, open_only: bool = True
    ) -> list[Assignment]:
        """A person's work list: their open assignments (all of them with ``open_only=False``)."""
        return self.assignments(person_id=person_id, task=task, open_only=open_only)

    def complete_assignment(self, assignment_id: int, done: bool = True) -> None:
        """Mark an assignment done (or open again)."""
        with self.transaction():
            row = self._db.query_one(
                "SELECT person_id, image_id FROM assignments WHERE id = ?", (assignment_id,)
            )
            if row is None:
                raise UnknownEntityError(
                    _("no assignment with id {assignment_id}").format(assignment_id=assignment_id)
                )
            done_at = now_iso() if done else None
            self._db.conn.execute(
                "UPDATE assignments SET done_at = ? WHERE id = ?", (done_at, assignment_id)
            )
            self._log(
                "done" if done else "reopen",
                "assignment",
                assignment_id,
                person_id=row["person_id"],
            )
            self._notify(Change(Entity.ASSIGNMENT, "update", (assignment_id,), (row["image_id"],)))

    def remove_assignment(self, assignment_id: int) -> None:
        """Take an image back from a person."""
        with self.transaction():
            cur = self._db.conn.execute("DELETE FROM assignments WHERE id = ?", (assignment_id,))
            if not cur.rowcount:
                raise UnknownEntityError(
                    _("no assignment with id {assignment_id}").format(assignment_id=assignment_id)
                )
            self._log("delete", "assignment", assignment_id)
            self._notify(Change(Entity.ASSIGNMENT, "delete", (assignment_id,)))

    def _blind_flags(self, image_id: int, viewer_id: int) -> tuple[bool, bool]:
        row = self._db.query_one(
            "SELECT MAX(blind) AS blind, MAX(hide_prelabels) AS hide FROM assignments "
            "WHERE image_id = ? AND person_id = ? AND task = 'annotate'",
            (image_id, viewer_id),
        )
        if row is None or row["blind"] is None:
            return False, False
        return bool(row["blind"]), bool(row["hide"])

    def visible_annotations(self, image_id: int, viewer_id: int) -> list[Annotation]:
        """The live annotations of an image that this person may see.

        An annotator with a blind assignment on the image sees only their own work;
        reviewers and QA leads see everything.
        """
        role = self._role(viewer_id)
        sql, params = (
            "SELECT * FROM annotations WHERE deleted_at IS NULL AND image_id = ?",
            [image_id],
        )
        if role is Role.ANNOTATOR and self._blind_flags(image_id, viewer_id)[0]:
            sql += " AND annotator_id = ?"
            params.append(viewer_id)
        return [annotation_from_row(r) for r in self._db.query(sql + " ORDER BY id", tuple(params))]

    def prelabels_visible(self, image_id: int, viewer_id: int) -> bool:
        """False when this person's blind assignment on the image hides the model's pre-labels."""
        if self._role(viewer_id) is not Role.ANNOTATOR:
            return True
        return not self._blind_flags(image_id, viewer_id)[1]
