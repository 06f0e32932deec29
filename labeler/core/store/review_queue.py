"""Review by guideline: reviewer and QA-lead queues, fixes, rejections, re-review, audits.

A reviewer accepts, rejects or fixes each annotation with a reason code naming a
guideline section. A fix is a new annotation (by the reviewer) whose
``replaces_id`` links to the one it replaces, which is deleted from view. A
rejected annotation returns to its annotator's queue with the reason until they
edit it. Publishing a version that changes classes fills the re-review queue.
"""

from __future__ import annotations

import random
from typing import Any

from labeler.core.domain import (
    AnnotationSource,
    AssignmentTask,
    RejectedWork,
    RereviewItem,
    Review,
    ReviewDecision,
    ReviewQueueItem,
)
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Geometry
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase


class ReviewStore(StoreBase):
    """Queues and decisions of reviewers and QA leads (uses the other store parts)."""

    def review_annotation(
        self,
        annotation_id: int,
        reviewer_id: int,
        decision: ReviewDecision | str,
        *,
        reason: str | None = None,
        section: str | None = None,
        fix_geometry: Geometry | None = None,
        fix_class_id: int | None = None,
    ) -> Review:
        """Accept, reject or fix an annotation, under the guideline version in force.

        The reviewer must hold a reviewing role and have acknowledged the version in
        force. ``fix`` needs a new geometry and/or class: the fix is stored as the
        reviewer's annotation replacing the old one, and the review links to it.
        """
        decision = ReviewDecision(decision)
        self.check_can(reviewer_id, "review")
        self.require_acknowledgement(reviewer_id)
        with self.transaction():
            old = self.annotation(annotation_id)
            fix_id = None
            if decision is ReviewDecision.FIX:
                if fix_geometry is None and fix_class_id is None:
                    raise LabelerError(_("a fix needs a new shape or class"))
                fixed = self.add_annotation(
                    old.image_id,
                    fix_class_id if fix_class_id is not None else old.class_id,
                    fix_geometry if fix_geometry is not None else old.geometry,
                    reviewer_id,
                    source=AnnotationSource.MANUAL,
                    replaces_id=old.id,
                )
                self.delete_annotation(old.id, reviewer_id)
                fix_id = fixed.id
            elif fix_geometry is not None or fix_class_id is not None:
                raise LabelerError(
                    _("a shape is only given with a fix, not with {decision.value}").format(
                        decision=decision
                    )
                )
            return self.add_review(
                "annotation",
                annotation_id,
                reviewer_id,
                decision,
                reason,
                section=section,
                fix_annotation_id=fix_id,
            )

    def review_queue(self, reviewer_id: int, limit: int | None = None) -> list[ReviewQueueItem]:
        """Images assigned to a reviewer (not done), each with annotations still to decide.

        An annotation is still to decide when no review is newer than its last edit.
        ``limit``: only the first that many assignments (a page of the queue).
        """
        items: list[ReviewQueueItem] = []
        assignments = self.assignments_for(
            reviewer_id, AssignmentTask.REVIEW
        )
        for assignment in assignments[:limit]:
            rows = self._db.query(
                "SELECT a.id, EXISTS (SELECT 1 FROM rereview q WHERE q.annotation_id = a.id "
                "AND q.resolved_at IS NULL) AS rereview FROM annotations a "
                "WHERE a.image_id = ? AND a.deleted_at IS NULL AND NOT EXISTS ("
                "SELECT 1 FROM reviews r WHERE r.target_kind = 'annotation' AND "
                "r.target_id = a.id AND r.created_at >= a.updated_at) ORDER BY a.id",
                (assignment.image_id,),
            )
            items.append(
                ReviewQueueItem(
                    assignment.id,
                    assignment.image_id,
                    tuple(r["id"] for r in rows),
                    tuple(r["id"] for r in rows if r["rereview"]),
                )
            )
        return items

    def review_queue_count(self, reviewer_id: int) -> int:
        """How many open review assignments a reviewer has (one count query)."""
        return int(
            self._db.scalar(
                "SELECT COUNT(*) FROM assignments WHERE person_id = ? AND task = ? "
                "AND done_at IS NULL",
                (reviewer_id, AssignmentTask.REVIEW.value),
            )
            or 0
        )

    def open_assignment_count(self) -> int:
        """How many assignments (of anyone, any task) are not done."""
        return int(self._db.scalar("SELECT COUNT(*) FROM assignments WHERE done_at IS NULL") or 0)

    # Rejected work is read from the rejections (CROSS JOIN keeps them the outer loop,
    # through idx_reviews_decision), never by walking all of an annotator's labels.
    _REJECTED = (
        "FROM reviews r CROSS JOIN annotations a ON a.id = r.target_id "
        "WHERE r.decision = 'reject' AND r.target_kind = 'annotation' AND a.annotator_id = ? "
        "AND a.deleted_at IS NULL AND r.id = (SELECT MAX(id) FROM reviews x "
        "WHERE x.target_kind = 'annotation' AND x.target_id = a.id) "
        "AND a.updated_at <= r.created_at"
    )

    def rejected_work_count(self, annotator_id: int) -> int:
        """How many of the annotator's rejected annotations wait for an edit."""
        return int(self._db.scalar(f"SELECT COUNT(*) {self._REJECTED}", (annotator_id,)) or 0)

    def rejected_work(self, annotator_id: int, limit: int | None = None) -> list[RejectedWork]:
        """The annotator's rejected annotations not yet edited since, with the reason.

        Oldest rejection first; ``limit``: only the first that many.
        """
        rows = self._db.query(
            "SELECT a.id AS annotation_id, a.image_id, r.id AS review_id, r.reviewer_id, "
            f"r.reason, r.section, r.guideline_version_id, r.created_at {self._REJECTED} "
            "ORDER BY r.id LIMIT ?",
            (annotator_id, -1 if limit is None else limit),
        )
        return [
            RejectedWork(
                r["annotation_id"],
                r["image_id"],
                r["review_id"],
                r["reviewer_id"],
                r["reason"],
                r["section"],
                r["guideline_version_id"],
                r["created_at"],
            )
            for r in rows
        ]

    def rereview_count(self, include_resolved: bool = False) -> int:
        """How many annotations the re-review queue holds, without reading the queue.

        Counted from the queue's index, less the queued annotations since deleted
        (found through the index of deleted annotations), so no row is joined per item.
        """
        where = "" if include_resolved else " WHERE resolved_at IS NULL"
        queued = int(self._db.scalar(f"SELECT COUNT(*) FROM rereview{where}") or 0)
        resolved = "" if include_resolved else " AND q.resolved_at IS NULL"
        gone = self._db.scalar(
            "SELECT COUNT(*) FROM annotations a CROSS JOIN rereview q ON q.annotation_id = a.id "
            f"WHERE a.deleted_at IS NOT NULL{resolved}"
        )
        return queued - int(gone or 0)

    def rereview_count_for_version(self, version_id: int) -> int:
        """How many open re-review items a guideline version queued (by its row id)."""
        return int(
            self._db.scalar(
                "SELECT COUNT(*) FROM rereview q JOIN annotations a ON a.id = q.annotation_id "
                "WHERE a.deleted_at IS NULL AND q.resolved_at IS NULL AND q.version_id = ?",
                (version_id,),
            )
            or 0
        )

    def rereview_queue(
        self,
        include_resolved: bool = False,
        image_id: int | None = None,
        limit: int | None = None,
        offset: int = 0,
        after: int | None = None,
    ) -> list[RereviewItem]:
        """Annotations queued for re-review by a guideline change, oldest queued first.

        ``image_id`` limits the queue to one image (what the workspace shows);
        ``limit`` and ``offset`` read one page of it. ``after`` (an annotation id
        of the queue; no offset with it) starts the page right after that item: a
        cursor read as two index seeks, so a page deep in a million-item queue costs what its
        rows cost, where an offset walks the items before it.
        """
        where = "" if include_resolved else " AND q.resolved_at IS NULL"
        params: tuple[object, ...] = ()
        if image_id is not None:
            where += " AND a.image_id = ?"
            params = (image_id,)
        if after is None:
            return self._rereview_rows(where, params, limit, offset)
        if offset:
            raise LabelerError(_("a re-review page starts at an offset or after an item, not both"))
        mark = self._db.query_one(
            "SELECT queued_at FROM rereview WHERE annotation_id = ?", (after,)
        )
        if mark is None:
            raise LabelerError(
                _("annotation {after} is not in the re-review queue").format(after=after)
            )
        same = self._rereview_rows(
            f"{where} AND q.queued_at = ? AND q.annotation_id > ?",
            (*params, mark["queued_at"], after),
            limit,
            0,
        )
        if limit is not None and len(same) >= limit:
            return same
        rest = None if limit is None else limit - len(same)
        later = self._rereview_rows(
            f"{where} AND q.queued_at > ?", (*params, mark["queued_at"]), rest, 0
        )
        return same + later

    def _rereview_rows(
        self, where: str, params: tuple[object, ...], limit: int | None, offset: int
    ) -> list[RereviewItem]:
        rows = self._db.query(
            "SELECT q.annotation_id, a.image_id, c.name AS class_name, a.annotator_id, "
            "p.name AS annotator, g.number AS made_under, v.number AS queued_by, q.queued_at "
            "FROM rereview q JOIN annotations a ON a.id = q.annotation_id "
            "JOIN classes c ON c.id = a.class_id JOIN people p ON p.id = a.annotator_id "
            "JOIN guideline_versions v ON v.id = q.version_id "
            "LEFT JOIN guideline_versions g ON g.id = a.guideline_version_id "
            f"WHERE a.deleted_at IS NULL{where} ORDER BY q.queued_at, q.annotation_id "
            "LIMIT ? OFFSET ?",
            (*params, -1 if limit is None else limit, offset),
        )
        return [
            RereviewItem(
                r["annotation_id"],
                r["image_id"],
                r["class_name"],
                r["annotator_id"],
                r["annotator"],
                r["made_under"],
                r["queued_by"],
                r["queued_at"],
            )
            for r in rows
        ]

    def audit_sample(
        self, n: int, per: str = "annotator", seed: int | None = None
    ) -> dict[str, list[int]]:
        """Up to ``n`` random live annotation ids per annotator (or per organization/vendor).

        People without an organization are grouped under ``"(in-house)"``.
        """
        if per not in ("annotator", "organization"):
            raise LabelerError(_("audit samples are drawn per 'annotator' or per 'organization'"))
        column = "p.name" if per == "annotator" else "COALESCE(p.organization, '(in-house)')"
        rows = self._db.query(
            f"SELECT {column} AS grp, a.id FROM annotations a JOIN people p "
            "ON p.id = a.annotator_id WHERE a.deleted_at IS NULL ORDER BY a.id"
        )
        groups: dict[str, list[int]] = {}
        for row in rows:
            groups.setdefault(row["grp"], []).append(int(row["id"]))
        rng = random.Random(seed)
        return {
            name: sorted(rng.sample(ids, min(n, len(ids)))) for name, ids in sorted(groups.items())
        }

    def review_log(self, latest: int | None = None) -> list[dict[str, Any]]:
        """Every review with reviewer, decision, reason, section and guideline version number.

        Oldest first; ``latest``: only the newest that many (still oldest first).
        """
        rows = self._db.query(
            "SELECT * FROM (SELECT r.id, r.uid, r.target_kind, r.target_id, p.name AS reviewer, "
            "r.decision, r.reason, r.section, r.fix_annotation_id, g.number AS guideline, "
            "r.created_at FROM reviews r JOIN people p ON p.id = r.reviewer_id "
            "LEFT JOIN guideline_versions g ON g.id = r.guideline_version_id "
            "ORDER BY r.id DESC LIMIT ?) ORDER BY id",
            (-1 if latest is None else latest,),
        )
        return [dict(r) for r in rows]

    def review_count(self) -> int:
        """How many reviews were made."""
        return int(self._db.scalar("SELECT COUNT(*) FROM reviews") or 0)

    def withdraw_review(self, review_id: int, person_id: int | None = None) -> None:
        """Take a review decision back (its undo), logged with what the review said.

        The review row goes; a fix's annotation is deleted and the annotation it
        replaced comes back; a re-review the decision resolved is open again.
        """
        with self.transaction():
            row = self._db.query_one("SELECT * FROM reviews WHERE id = ?", (review_id,))
            if row is None:
                raise UnknownEntityError(
                    _("no review with id {review_id}").format(review_id=review_id)
                )
            review = dict(row)
            self._db.conn.execute(
                "UPDATE rereview SET resolved_at = NULL, review_id = NULL WHERE review_id = ?",
                (review_id,),
            )
            self._db.conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            if review["fix_annotation_id"] is not None:
                self.delete_annotation(review["fix_annotation_id"], person_id)
                self.restore_annotation(review["target_id"], person_id)
            self._log("withdraw", "review", review_id, person_id=person_id, before=review)
            self._notify(Change(Entity.REVIEW, "withdraw", (review_id,)))
