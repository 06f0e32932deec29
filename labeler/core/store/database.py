"""The SQLite connection of a project file: durability settings and write transactions.

Every write runs in ``BEGIN IMMEDIATE`` so a second process (the GUI and a CLI
pre-labeling run, say) waits for the lock up front instead of failing halfway
with "database is locked". WAL with ``synchronous=FULL`` makes each committed
transaction survive a crash or power loss.

POSIX file locks belong to the process, not to the descriptor: closing *any*
descriptor of a project file drops every SQLite lock this process holds on it,
and another process may then delete the write-ahead log under a live connection
(sqlite.org/howtocorrupt.html, 2.2). So a project file is only ever touched
through SQLite, and this module keeps a process-wide registry of the files it
has open; :func:`refuse_raw_access` is the guard for the few places that must
handle a project file as bytes (copies that are not live, renames).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from labeler.core.errors import NotAProjectError, ProjectError, ProjectReadOnlyError
from labeler.core.i18n import _

if TYPE_CHECKING:
    import sqlite_utils

# What one SQLite column of a row can hold (the storage classes INTEGER, REAL, TEXT, BLOB, NULL).
SqlValue: TypeAlias = int | float | str | bytes | None
# The parameters of a query: ``?`` ones by position or ``:name`` ones by name, as sqlite3 takes.
SqlParams: TypeAlias = Sequence[object] | Mapping[str, object]

BUSY_TIMEOUT_MS = 5000
# After busy_timeout, BEGIN IMMEDIATE is tried again; past this the user is told.
LOCK_WAIT_LIMIT_S = 60.0


_OPEN_FILES: Counter[tuple[int, int]] = Counter()
_OPEN_FILES_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    """The (device, inode) POSIX locks are keyed by; None when the file does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def is_open_in_process(path: Path | str) -> bool:
    """True while this process holds a SQLite connection to the file at ``path``."""
    key = _file_key(Path(path))
    with _OPEN_FILES_LOCK:
        return key is not None and _OPEN_FILES[key] > 0


def refuse_raw_access(path: Path | str, what: str) -> None:
    """Raise before ordinary file I/O (``what``: "copy", "rename", ...) on a live project file.

    Reading, copying or replacing a database file this process has open would drop
    SQLite's locks on it (see the module docstring); callers use SQLite (``VACUUM
    INTO``, the backup API) instead.
    """
    if is_open_in_process(path):
        raise ProjectError(
            _(
                "{path}: refusing to {what} a project file that is open in this program (it "
                "would break SQLite's locks); close it first"
            ).format(path=path, what=what)
        )


def read_only_uri(path: Path, immutable: bool = False) -> str:
    """The ``file:`` URI that opens ``path`` read-only (``immutable``: no locks, no -shm)."""
    uri = f"{path.absolute().as_uri()}?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _register(path: Path) -> tuple[int, int] | None:
    key = _file_key(path)
    if key is not None:
        with _OPEN_FILES_LOCK:
            _OPEN_FILES[key] += 1
    return key


def _unregister(key: tuple[int, int] | None) -> None:
    if key is None:
        return
    with _OPEN_FILES_LOCK:
        _OPEN_FILES[key] -= 1
        if _OPEN_FILES[key] <= 0:
            del _OPEN_FILES[key]


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` with labeler's durability settings, in explicit-transaction mode.

    ``read_only`` opens through a ``mode=ro`` URI: nothing is written, the journal
    mode is left as the file has it, and writes fail (see :class:`Database`).
    """
    if read_only:
        return connect_read_only(path)
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise ProjectError(
            _("{path}: cannot open project file ({exc})").format(path=path, exc=exc)
        ) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotAProjectError(
            _("{path}: not a labeler project ({exc})").format(path=path, exc=exc)
        ) from exc
    if str(mode).lower() != "wal":
        conn.close()
        raise ProjectError(
            _(
                "{path}: cannot switch the project to write-ahead logging (journal mode "
                "{mode}); project files must be on a local disk, not a network share"
            ).format(path=path, mode=mode)
        )
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A ``mode=ro`` connection; in a folder nobody can write, an immutable one.

    A WAL file needs its ``-shm`` index; where that cannot exist (a read-only folder
    without one) SQLite can still read the file as immutable, which is exact as long
    as nothing writes it, and nothing can write there.
    """
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        try:
            conn = sqlite3.connect(
                read_only_uri(path, immutable),
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
                uri=True,
            )
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            last = exc
            if "unable to open" not in str(exc):
                break
    raise ProjectError(
        _("{path}: cannot read the project file ({last})").format(path=path, last=last)
    )


class Database:
    """One connection plus nestable ``BEGIN IMMEDIATE`` write transactions."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.conn = connect(path, read_only)
        self._key = _register(path)
        self._utils: sqlite_utils.Database | None = None
        self._depth = 0

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils' table API on the same connection (imported on first use).

        Inside :meth:`write` its writes nest as savepoints, so they commit with the
        transaction. Hot paths (bulk inserts) use ``executemany`` instead: it ran
        3-4x faster here than ``insert_all``.
        """
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def close(self) -> None:
        """Close the connection (any open transaction is rolled back)."""
        key, self._key = self._key, None
        self.conn.close()
        _unregister(key)

    @property
    def in_write(self) -> bool:
        """True inside :meth:`write`."""
        return self._depth > 0

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        if self.read_only:
            raise ProjectReadOnlyError(self.read_only_message())
        self._begin_immediate()
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    def read_only_message(self) -> str:
        """The one line a user sees when a write is refused on a read-only project."""
        return _(
            "{path}: the project is read-only here (the file or its folder cannot be "
            "written); nothing was changed. Copy it somewhere writable to edit it"
        ).format(path=self.path)

    def _begin_immediate(self) -> None:
        deadline = time.monotonic() + LOCK_WAIT_LIMIT_S
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "readonly" in str(exc) or "read-only" in str(exc):
                    raise ProjectReadOnlyError(self.read_only_message()) from exc
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise ProjectError(
                        _(
                            "{self.path}: another program has held the project locked for "
                            "over {LOCK_WAIT_LIMIT_S:.0f} s; close it or wait, then try again"
                        ).format(self=self, LOCK_WAIT_LIMIT_S=LOCK_WAIT_LIMIT_S)
                    ) from exc

    def query(self, sql: str, params: SqlParams = ()) -> list[sqlite3.Row]:
        """Rows of a read query, as ``sqlite3.Row`` objects."""
        cursor = self.conn.execute(sql, params)
        cursor.row_factory = sqlite3.Row
        return cursor.fetchall()

    def query_one(self, sql: str, params: SqlParams = ()) -> sqlite3.Row | None:
        """The first row of a read query, or None."""
        cursor = self.conn.execute(sql, params)
        cursor.row_factory = sqlite3.Row
        return cursor.fetchone()

    def scalar(self, sql: str, params: SqlParams = ()) -> SqlValue:
        """The single value of a read query (None when no row)."""
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None
