"""The project: one SQLite file holding everything about a labeling effort.

``Project`` is the only API the GUI, the CLI and the tests use; no other code
speaks SQL. Open one ``Project`` per thread (each has its own connection).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeler.core.domain import Event, GeometryKind
from labeler.core.errors import (
    NotAProjectError,
    ProjectError,
    ProjectReadOnlyError,
    ProjectVersionError,
)
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.annotations import AnnotationStore
from labeler.core.store.answers import AnswerStore
from labeler.core.store.assignments import AssignmentStore
from labeler.core.store.bulk import BulkLoadStore, BulkStore
from labeler.core.store.class_edits import ClassEditStore
from labeler.core.store.database import Database, SqlValue, connect_read_only
from labeler.core.store.exchange import ExchangeStore
from labeler.core.store.gold import GoldStore
from labeler.core.store.guidelines import GuidelineStore
from labeler.core.store.image_records import ImageStore
from labeler.core.store.provenance import ProvenanceStore
from labeler.core.store.question_exchange import QuestionExchangeStore
from labeler.core.store.questions import QuestionStore
from labeler.core.store.review_queue import ReviewStore
from labeler.core.store.rows import event_from_row, now_iso
from labeler.core.store.runs import RunStore
from labeler.core.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrate, read_schema_version
from labeler.core.store.slices import SliceStore
from labeler.core.store.vendor_batches import VendorBatchStore

PROJECT_SUFFIX = ".labeler"


class Project(
    ClassEditStore,
    ImageStore,
    AnnotationStore,
    RunStore,
    GuidelineStore,
    AssignmentStore,
    ReviewStore,
    ExchangeStore,
    BulkStore,
    BulkLoadStore,
    AnswerStore,
    GoldStore,
    VendorBatchStore,
    QuestionStore,
    QuestionExchangeStore,
    SliceStore,
    ProvenanceStore,
):
    """An open project file. Use :meth:`create` or :meth:`open`; close when done."""

    @classmethod
    def create(
        cls,
        path: Path | str,
        classes: list[str] | None = None,
        kind: GeometryKind | str = GeometryKind.BOX,
        name: str | None = None,
    ) -> Project:
        """Create a new project file with the given classes; refuses to overwrite one."""
        path = Path(path)
        if path.exists():
            raise ProjectError(
                _("{path}: a file already exists there; choose another name").format(path=path)
            )
        if not path.parent.is_dir():
            raise ProjectError(_("{path}: folder {path.parent} does not exist").format(path=path))
        database = Database(path)
        try:
            with database.write() as conn:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                migrate(conn)
                meta = {
                    "project_id": uuid.uuid4().hex,
                    "name": name or path.stem,
                    "created_at": now_iso(),
                }
                conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", meta.items())
        except BaseException:
            database.close()
            raise
        project = cls(path, database)
        with project.transaction():
            for class_name in classes or []:
                project.add_class(class_name, kind)
        return project

    @classmethod
    def open(cls, path: Path | str) -> Project:
        """Open an existing project, migrating an older file to the current schema.

        The file is first probed read-only through SQLite (:func:`probe_project`), so a
        file that is not a labeler project is never written. A project that cannot be
        written here (a read-only file or folder) opens for viewing: writes raise
        :class:`ProjectReadOnlyError`.
        """
        path = Path(path)
        probe = probe_project(path)
        if probe.schema_version > SCHEMA_VERSION:
            raise _newer_version_error(path, probe.schema_version)
        if not probe.writable and probe.schema_version < SCHEMA_VERSION:
            raise ProjectReadOnlyError(
                _(
                    "{path}: the project is read-only here and was written by an older "
                    "labeler (schema {probe.schema_version}, this version needs "
                    "{SCHEMA_VERSION}); copy it somewhere writable so it can be upgraded"
                ).format(path=path, probe=probe, SCHEMA_VERSION=SCHEMA_VERSION)
            )
        database = Database(path, read_only=not probe.writable)
        try:
            if probe.writable:
                cls._check_and_migrate(path, database)
        except BaseException:
            database.close()
            raise
        return cls(path, database)

    @staticmethod
    def _check_and_migrate(path: Path, database: Database) -> None:
        try:
            app_id = database.scalar("PRAGMA application_id")
            version = read_schema_version(database.conn)
        except sqlite3.DatabaseError as exc:
            raise NotAProjectError(
                _("{path}: not a labeler project ({exc})").format(path=path, exc=exc)
            ) from exc
        if app_id != APPLICATION_ID:
            raise NotAProjectError(
                _("{path}: a SQLite file, but not a labeler project").format(path=path)
            )
        if version > SCHEMA_VERSION:
            raise _newer_version_error(path, version)
        if version < SCHEMA_VERSION:
            with database.write() as conn:
                if read_schema_version(conn) < SCHEMA_VERSION:  # another process may have won
                    migrate(conn)

    def close(self) -> None:
        """Close the project's connection."""
        self._db.close()

    @property
    def read_only(self) -> bool:
        """True when the project was opened for viewing only (it cannot be written here)."""
        return self._db.read_only

    def require_writable(self) -> None:
        """Raise :class:`ProjectReadOnlyError` now, before a long job that would write."""
        if self._db.read_only:
            raise ProjectReadOnlyError(self._db.read_only_message())

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The file's schema version."""
        return read_schema_version(self._db.conn)

    def meta(self) -> dict[str, str]:
        """Project-level facts: id, name, creation time, schema version, settings."""
        # Plain SQL: read at start-up, where importing sqlite-utils would cost up to 0.8 s.
        return {r["key"]: r["value"] for r in self._db.query("SELECT key, value FROM meta")}

    def set_meta(self, key: str, value: str) -> None:
        """Record a project-level setting (logged)."""
        with self.transaction():
            old = self.meta().get(key)
            # Plain SQL: sqlite-utils imports pandas (~1 s), and this runs on every prelabel.
            self._db.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            self._log("set", "meta", None, before={key: old}, after={key: value})
            self._notify(Change(Entity.META, "set"))

    def default_model(self) -> Path | None:
        """The model the project pre-labels with (set by ``labeler prelabel``), if any."""
        stored = self.meta().get("default_model")
        if not stored:
            return None
        path = Path(stored)
        return path if path.is_absolute() else (self.path.parent / path).resolve()

    def set_default_model(self, model_path: Path | str) -> None:
        """Remember the model to pre-label with (relative to the project when inside it)."""
        self.set_meta("default_model", self.stored_path(Path(model_path)))

    def events(self, entity: str | None = None, entity_id: int | None = None) -> list[Event]:
        """The audit log, oldest first, optionally for one entity."""
        sql = "SELECT * FROM events WHERE 1 = 1"
        params: list[SqlValue] = []
        if entity is not None:
            sql += " AND entity = ?"
            params.append(entity)
        if entity_id is not None:
            sql += " AND entity_id = ?"
            params.append(entity_id)
        return [event_from_row(r) for r in self._db.query(sql + " ORDER BY id", tuple(params))]

    def events_after(self, event_id: int, limit: int = 1000) -> list[Event]:
        """Audit events newer than ``event_id``, oldest first (at most ``limit``)."""
        rows = self._db.query(
            "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", (event_id, limit)
        )
        return [event_from_row(r) for r in rows]

    def newest_event_time(self) -> str | None:
        """When the newest audit event happened (None when the log is empty)."""
        found = self._db.scalar("SELECT MAX(at) FROM events")
        return str(found) if found is not None else None

    def last_event_id(self) -> int:
        """The id of the newest audit event (0 when there is none)."""
        return int(self._db.scalar("SELECT COALESCE(MAX(id), 0) FROM events") or 0)

    def data_version(self) -> int:
        """SQLite's counter of commits by *other* connections (this one's do not move it)."""
        return int(self._db.scalar("PRAGMA data_version") or 0)

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file ('ok' when sound)."""
        return str(self._db.scalar("PRAGMA integrity_check"))

    def info(self) -> dict[str, Any]:
        """Counts that describe the project (what ``labeler info`` prints).

        Counts come from tables that triggers keep and from indexed counts, so a
        million-image project is described without reading its rows.
        """
        meta = self.meta()
        return {
            "project": str(self.path),
            "name": meta.get("name"),
            "schema_version": int(meta.get("schema_version", 0)),
            "images": self.image_count(),
            "image_status": self.status_counts(),
            "classes": [
                {"name": c.name, "kind": c.kind.value, "color": c.color} for c in self.classes()
            ],
            "people": [
                {"name": p.name, "role": p.role.value, "organization": p.organization}
                for p in self.people()
            ],
            "annotations": self.live_annotation_count(),
            "annotations_by_annotator_and_class": self.live_annotation_counts(),
            "guideline_versions": [
                {"number": g.number, "published_at": g.published_at}
                for g in self.guideline_versions()
            ],
            "rereview_open": self.rereview_count(),
            "assignments_open": self.open_assignment_count(),
            "model_runs": [
                {
                    "id": r.id,
                    "model": r.model_name,
                    "provider": r.provider,
                    "images": r.image_count,
                    "finished_at": r.finished_at,
                }
                for r in self.model_runs()
            ],
            "predictions": self.prediction_count(),
        }

    def backup(self, destination: Path | str) -> None:
        """Write a consistent copy of the project (safe while it is in use)."""
        destination = Path(destination)
        if destination.exists():
            raise ProjectError(
                _("{destination}: a file already exists there").format(destination=destination)
            )
        self._db.conn.execute("VACUUM INTO ?", (str(destination),))


@dataclass(frozen=True)
class ProjectProbe:
    """What a read-only look at a file found: a labeler project of this schema."""

    schema_version: int
    writable: bool


def probe_project(path: Path | str) -> ProjectProbe:
    """Check that ``path`` is a labeler project without writing to it.

    Everything goes through a read-only SQLite connection (never plain file I/O,
    which would drop this process's SQLite locks on a live project); a foreign
    SQLite file or an empty file is refused untouched. Raises :class:`ProjectError`
    (or :class:`NotAProjectError`) with a message naming the file and the problem.
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ProjectError(_("{path}: no such project file").format(path=path)) from None
    except OSError as exc:
        raise ProjectError(
            _("{path}: cannot read ({strerror})").format(path=path, strerror=exc.strerror or exc)
        ) from exc
    if not stat.S_ISREG(st.st_mode):
        raise ProjectError(_("{path}: not a file").format(path=path))
    if not os.access(path, os.R_OK):
        raise ProjectError(
            _("{path}: cannot read the project file (permission denied)").format(path=path)
        )
    if st.st_size == 0:
        raise NotAProjectError(_("{path}: an empty file, not a labeler project").format(path=path))
    try:
        conn = connect_read_only(path)
    except ProjectError as exc:
        if "not a database" in str(exc):
            raise NotAProjectError(
                _("{path}: not a labeler project (not a SQLite database)").format(path=path)
            ) from exc
        raise
    try:
        version = _probe_version(path, conn)
    finally:
        conn.close()
    return ProjectProbe(version, _writable(path))


def _probe_version(path: Path, conn: sqlite3.Connection) -> int:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise NotAProjectError(
                _("{path}: not a labeler project (not a SQLite database)").format(path=path)
            ) from exc
        raise ProjectError(
            _("{path}: cannot read the project file ({exc})").format(path=path, exc=exc)
        ) from exc
    if app_id != APPLICATION_ID:
        raise NotAProjectError(
            _("{path}: a SQLite file, but not a labeler project").format(path=path)
        )
    try:
        version = read_schema_version(conn)
        tables = int(conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0])
    except (sqlite3.DatabaseError, ValueError, TypeError) as exc:
        raise _damaged_schema_error(path, str(exc)) from exc
    if version < 0 or (version == 0 and tables > 0):
        raise _damaged_schema_error(
            path, _("schema version {version} recorded").format(version=version)
        )
    return version


def _damaged_schema_error(path: Path, detail: str) -> ProjectError:
    return ProjectError(
        _(
            "{path}: the project's schema record is damaged ({detail}); restore it from a "
            "backup (the file was not changed)"
        ).format(path=path, detail=detail)
    )


def _writable(path: Path) -> bool:
    """Whether SQLite can write the project here (the file, and its -wal/-shm beside it)."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK):
        return True
    sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    return all(p.exists() and os.access(p, os.W_OK) for p in sidecars)


def _newer_version_error(path: Path, version: int) -> ProjectVersionError:
    return ProjectVersionError(
        _(
            "{path}: written by a newer labeler (schema {version}; this version reads up to "
            "{SCHEMA_VERSION}). Update labeler to open it; the file was not changed."
        ).format(path=path, version=version, SCHEMA_VERSION=SCHEMA_VERSION)
    )
