"""Shared plumbing of the project store: write transactions, the audit log, change events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeler.core.events import Change, ChangeBus
from labeler.core.store.database import Database
from labeler.core.store.rows import now_iso

if TYPE_CHECKING:
    from labeler.core.domain import (
        Annotation,
        AnnotationSource,
        Assignment,
        AssignmentTask,
        ExampleKind,
        ExampleShape,
        GuidelineExample,
        Review,
        ReviewDecision,
    )
    from labeler.core.geometry import Geometry


class StoreBase:
    """What every part of :class:`~labeler.core.store.project.Project` builds on."""

    path: Path
    _db: Database
    changes: ChangeBus

    if TYPE_CHECKING:
        # What one part of the store calls on another. Each is implemented by exactly one
        # mixin of Project (the class its docstring names); declaring it here lets mypy
        # check those calls and that the implementation keeps this signature. Nothing of
        # this exists at run time.

        def check_can(self, person_id: int, action: str) -> None:
            """See :class:`AssignmentStore`."""

        def assignments_for(
            self, person_id: int, task: AssignmentTask | str | None = None, open_only: bool = True
        ) -> list[Assignment]:
            """See :class:`AssignmentStore`."""

        def annotation(self, annotation_id: int, include_deleted: bool = False) -> Annotation:
            """See :class:`AnnotationStore`."""

        def add_annotation(
            self,
            image_id: int,
            class_id: int,
            geometry: Geometry,
            annotator_id: int,
            *,
            source: AnnotationSource | str = ...,
            seconds_spent: float = 0.0,
            prediction_id: int | None = None,
            replaces_id: int | None = None,
        ) -> Annotation:
            """See :class:`AnnotationStore`."""

        def delete_annotation(self, annotation_id: int, person_id: int | None = None) -> None:
            """See :class:`AnnotationStore`."""

        def restore_annotation(
            self, annotation_id: int, person_id: int | None = None
        ) -> None:
            """See :class:`AnnotationStore`."""

        def require_acknowledgement(self, person_id: int) -> None:
            """See :class:`GuidelineStore`."""

        def add_review(
            self,
            target_kind: str,
            target_id: int,
            reviewer_id: int,
            decision: ReviewDecision | str,
            reason: str | None = None,
            *,
            section: str | None = None,
            fix_annotation_id: int | None = None,
        ) -> Review:
            """See :class:`GuidelineStore`."""

        def add_guideline_example(
            self,
            image_id: int,
            kind: ExampleKind | str,
            shapes: list[ExampleShape] | None = None,
            class_name: str | None = None,
            note: str = "",
            added_by: int | None = None,
        ) -> GuidelineExample:
            """See :class:`GuidelineStore`."""

        def remove_guideline_example(
            self, example_id: int, person_id: int | None = None
        ) -> None:
            """See :class:`GuidelineStore`."""

        def _insert_example(
            self,
            version_id: int,
            kind: ExampleKind,
            image_id: int,
            shapes: list[ExampleShape],
            class_name: str | None,
            note: str,
            added_by: int | None,
            created_at: str,
            uid: str | None = None,
        ) -> int:
            """See :class:`GuidelineStore`."""

    def __init__(self, path: Path, database: Database) -> None:
        self.path = path
        self._db = database
        self.changes = ChangeBus()
        self._pending: list[Change] = []

    def _tuples(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a bulk read as plain tuples (no ``sqlite3.Row`` per row)."""
        cursor = self._db.conn.cursor()
        cursor.row_factory = None
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def _tuple_stream(self, sql: str, params: tuple = (), chunk: int = 10_000) -> Iterator[tuple]:
        """Rows of a bulk read as plain tuples, fetched a chunk at a time (bounded memory)."""
        cursor = self._db.conn.cursor()
        cursor.row_factory = None
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(chunk):
                yield from rows
        finally:
            cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several edits into one atomic, durable transaction.

        Nested calls join the outer transaction. Listeners hear of the changes
        only after the commit; a rollback discards them.
        """
        outermost = not self._db.in_write
        try:
            with self._db.write():
                yield
        except BaseException:
            if outermost:
                self._pending.clear()
            raise
        if outermost:
            pending, self._pending = self._pending, []
            for change in pending:
                self.changes.publish(change)

    def _notify(self, change: Change) -> None:
        self._pending.append(change)

    def _log(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        person_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Append one audit event; must run inside a write transaction."""
        self._db.conn.execute(
            "INSERT INTO events(at, person_id, action, entity, entity_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                person_id,
                action,
                entity,
                entity_id,
                json.dumps(before, sort_keys=True) if before is not None else None,
                json.dumps(after, sort_keys=True) if after is not None else None,
            ),
        )
