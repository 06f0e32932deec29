"""Guideline versions and reviews (the versioning workflow itself grows in its own issue)."""

from __future__ import annotations

import hashlib

from labeler.core.domain import GuidelineVersion, Review, ReviewDecision
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import guideline_from_row, now_iso, review_from_row


class GuidelineStore(StoreBase):
    """Publishing guideline versions, and recording reviews under them."""

    def publish_guideline(
        self, text: str, changelog: str = "", author_id: int | None = None
    ) -> GuidelineVersion:
        """Publish a new, immutable guideline version numbered after the newest one."""
        if not text.strip():
            raise LabelerError("a guideline version needs some text")
        with self.transaction():
            number = (
                int(self._db.scalar("SELECT COALESCE(MAX(number), 0) FROM guideline_versions") or 0)
                + 1
            )
            now = now_iso()
            content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
            cur = self._db.conn.execute(
                "INSERT INTO guideline_versions(number, text, changelog, author_id, created_at, "
                "published_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number, text, changelog, author_id, now, now, content_hash),
            )
            version_id = int(cur.lastrowid or 0)
            self._log(
                "publish",
                "guideline",
                version_id,
                person_id=author_id,
                after={"number": number, "changelog": changelog, "hash": content_hash},
            )
            self._notify(Change("guideline", "publish", (version_id,)))
        return GuidelineVersion(
            version_id, number, text, changelog, author_id, now, now, content_hash
        )

    def guideline_versions(self) -> list[GuidelineVersion]:
        """Every guideline version, oldest first."""
        rows = self._db.query("SELECT * FROM guideline_versions ORDER BY number, id")
        return [guideline_from_row(r) for r in rows]

    def current_guideline(self) -> GuidelineVersion | None:
        """The newest published version, or None before the first."""
        row = self._db.query_one(
            "SELECT * FROM guideline_versions WHERE published_at IS NOT NULL "
            "ORDER BY number DESC LIMIT 1"
        )
        return guideline_from_row(row) if row else None

    def add_review(
        self,
        target_kind: str,
        target_id: int,
        reviewer_id: int,
        decision: ReviewDecision | str,
        reason: str | None = None,
    ) -> Review:
        """Record a reviewer's decision, stamped with the guideline version in force."""
        if target_kind not in ("annotation", "image"):
            raise LabelerError(f"cannot review a {target_kind!r}: use 'annotation' or 'image'")
        decision = ReviewDecision(decision)
        current = self.current_guideline()
        version_id = current.id if current else None
        with self.transaction():
            table = "annotations" if target_kind == "annotation" else "images"
            if self._db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)) is None:
                raise UnknownEntityError(f"no {target_kind} with id {target_id}")
            now = now_iso()
            cur = self._db.conn.execute(
                "INSERT INTO reviews(target_kind, target_id, reviewer_id, decision, reason, "
                "guideline_version_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (target_kind, target_id, reviewer_id, decision.value, reason, version_id, now),
            )
            review_id = int(cur.lastrowid or 0)
            self._log(
                "create",
                "review",
                review_id,
                person_id=reviewer_id,
                after={
                    "target": f"{target_kind}:{target_id}",
                    "decision": decision.value,
                    "reason": reason,
                },
            )
            self._notify(Change("review", "create", (review_id,)))
        return Review(
            review_id, target_kind, target_id, reviewer_id, decision, reason, version_id, now
        )

    def reviews(self, target_kind: str | None = None, target_id: int | None = None) -> list[Review]:
        """Reviews, optionally of one target."""
        sql, params = "SELECT * FROM reviews WHERE 1 = 1", []
        if target_kind is not None:
            sql += " AND target_kind = ?"
            params.append(target_kind)
        if target_id is not None:
            sql += " AND target_id = ?"
            params.append(target_id)
        return [review_from_row(r) for r in self._db.query(sql + " ORDER BY id", tuple(params))]
