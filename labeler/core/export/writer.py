"""Writing a dataset folder all-or-nothing: into a temporary folder, then renamed.

Every file goes through :class:`DatasetWriter`, which records its SHA-256 for the
manifest. On success the temporary folder is renamed to the destination in one
step; on any error (or cancel) it is removed, so a failed export never leaves a
half-written dataset in place and never touches an existing one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType

from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.scratch import discard, scratch_dir, scratch_name, sweep_stale


class ExportError(LabelerError):
    """An export cannot be written where asked."""


def _check_destination(out: Path, overwrite: bool) -> None:
    if not out.parent.is_dir():
        raise ExportError(
            _("{out}: folder {folder} does not exist").format(out=out, folder=out.parent)
        )
    if out.exists() and not out.is_dir():
        raise ExportError(
            _("{out}: a file is in the way; choose another output folder").format(out=out)
        )
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ExportError(
            _("{out}: the folder is not empty; choose a new folder or allow overwriting").format(
                out=out
            )
        )


def _remove(folder: Path) -> None:
    """Delete a folder of ours, in the background when it is big."""
    try:
        discard(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


class DatasetWriter:
    """A context manager that builds a dataset folder and moves it into place on success."""

    def __init__(self, out: Path, overwrite: bool = False) -> None:
        self.out = Path(out)
        self.overwrite = overwrite
        self.checksums: dict[str, str] = {}
        self._tmp: Path | None = None
        self._folders: set[Path] = set()  # made already: a million label files share a few

    def __enter__(self) -> DatasetWriter:
        _check_destination(self.out, self.overwrite)
        try:
            sweep_stale(self.out.parent)
            self._tmp = scratch_dir(self.out.parent, "export")
        except OSError as exc:
            raise ExportError(
                _("{out}: cannot write there ({error})").format(
                    out=self.out, error=exc.strerror or exc
                )
            ) from exc
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._tmp is not None
        if exc_type is not None:
            _remove(self._tmp)  # a cancelled export returns at once, however big
            return
        try:
            self._move_into_place(self._tmp)
        except OSError as error:
            _remove(self._tmp)
            raise ExportError(
                _("{out}: cannot move the export into place ({error})").format(
                    out=self.out, error=error
                )
            ) from error

    def _move_into_place(self, tmp: Path) -> None:
        old: Path | None = None
        if self.out.is_dir():
            old = scratch_name(self.out.parent, "export_old")  # a crash leaves it sweepable
            self.out.rename(old)
        try:
            tmp.rename(self.out)
        except OSError:
            if old is not None:
                old.rename(self.out)
            raise
        if old is not None:
            _remove(old)  # the replaced export: deleted in the background

    @property
    def root(self) -> Path:
        """The temporary folder being written."""
        assert self._tmp is not None, "use DatasetWriter as a context manager"
        return self._tmp

    def _target(self, relative: str) -> Path:
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts:
            raise ExportError(
                _("refusing to write outside the export: {path}").format(path=relative)
            )
        target = self.root.joinpath(*rel.parts)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write a file and record its checksum."""
        try:
            handle = os.open(self._target(relative), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
        except OSError as exc:  # a full disk: nothing of the export is kept (see __exit__)
            raise self._write_failed(relative, exc) from exc
        self.checksums[relative] = hashlib.sha256(data).hexdigest()

    def _write_failed(self, relative: str, exc: OSError) -> ExportError:
        return ExportError(
            _("{out}: cannot write {path} ({error}); nothing was exported").format(
                out=self.out, path=relative, error=exc.strerror or exc
            )
        )

    def write_text(self, relative: str, text: str) -> None:
        """Write text as UTF-8."""
        self.write_bytes(relative, text.encode("utf-8"))

    def write_chunks(self, relative: str, chunks: Iterable[str]) -> None:
        """Write text as UTF-8 piece by piece (hashing on the way): never held whole."""
        digest = hashlib.sha256()
        try:
            with self._target(relative).open("wb") as out:
                for chunk in chunks:
                    data = chunk.encode("utf-8")
                    digest.update(data)
                    out.write(data)
        except OSError as exc:  # a full disk: nothing of the export is kept (see __exit__)
            raise self._write_failed(relative, exc) from exc
        self.checksums[relative] = digest.hexdigest()

    def copy_file(self, relative: str, source: Path) -> None:
        """Copy a file, hashing it on the way."""
        digest = hashlib.sha256()
        try:
            with source.open("rb") as src, self._target(relative).open("wb") as dst:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    dst.write(chunk)
        except OSError as exc:
            raise ExportError(
                _(
                    "{source}: cannot copy the image into {out} ({error}); nothing was exported"
                ).format(source=source, out=self.out, error=exc.strerror or exc)
            ) from exc
        self.checksums[relative] = digest.hexdigest()

    def link_file(self, relative: str, source: Path, sha256: str) -> None:
        """Symlink to a file (its checksum is the content hash the project knows)."""
        if not source.is_file():
            raise ExportError(
                _("{source}: image file is missing; cannot link it").format(source=source)
            )
        try:
            self._target(relative).symlink_to(source.resolve())
        except OSError as exc:
            raise ExportError(
                _("{source}: cannot link image ({error})").format(
                    source=source, error=exc.strerror or exc
                )
            ) from exc
        self.checksums[relative] = sha256
