"""Shared plumbing of the project store: write transactions, the audit log, change events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from labeler.core.events import Change, ChangeBus
from labeler.core.store.database import Database
from labeler.core.store.rows import now_iso


class StoreBase:
    """What every part of :class:`~labeler.core.store.project.Project` builds on."""

    path: Path
    _db: Database
    changes: ChangeBus

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
