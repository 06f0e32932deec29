"""The ``.lbpkg`` file: a zip of a manifest, a project file and the images it needs.

Layout (nothing else is accepted)::

    manifest.json                 what the package is: ids, schema, vendor, options
    project.labeler               a filtered project, built with the store API
    images/<sha256>.<ext>         each image once, named by its content hash

Packages are untrusted input. Before anything is extracted every member name is
checked against that layout (so ``../`` names, absolute names, drive letters,
backslashes, links and unexpected files are refused), member count, sizes and
compression ratios are capped, and the manifest is validated. Extraction writes
each member to a path built here, never from the name, counts the bytes actually
written, and checks each image's SHA-256 against its name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeler.core.i18n import _
from labeler.core.images import IMAGE_SUFFIXES
from labeler.core.scratch import scratch_file
from labeler.core.store.database import refuse_raw_access
from labeler.core.store.exchange import PackageError

PACKAGE_SUFFIX = ".lbpkg"
FORMAT = "labeler-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PROJECT_FILE = "project.labeler"
_IMAGE_NAME = re.compile(r"^images/([0-9a-f]{64})(\.[a-z]{3,4})$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PackageLimits:
    """Caps on what a package may hold (a zip bomb or a flood of members is refused)."""

    max_package_bytes: int = 64 << 30
    max_members: int = 100_003  # manifest, project, and up to 100,001 images
    max_total_bytes: int = 64 << 30
    max_image_bytes: int = 512 << 20
    max_project_bytes: int = 4 << 30
    max_manifest_bytes: int = 1 << 20
    max_ratio: float = 200.0  # uncompressed / compressed, per member above 1 MiB


DEFAULT_LIMITS = PackageLimits()


@dataclass(frozen=True)
class Manifest:
    """What a package says about itself (validated before anything else is read)."""

    package_id: str
    project_id: str
    project_name: str
    schema_version: int
    vendor: str
    created_at: str
    saved_at: str
    blind: bool
    with_prelabels: bool
    guideline: list[Any] | None

    def to_dict(self) -> dict[str, Any]:
        """The manifest's JSON form."""
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return _("absolute path {name!r}").format(name=name)
    if "\\" in name:
        return _("backslash in {name!r}").format(name=name)
    if ".." in name.split("/"):
        return _("path traversal in {name!r}").format(name=name)
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return _("{name!r} is a link or special file").format(name=name)
    if name in (MANIFEST, PROJECT_FILE) or name == "images/":
        return None
    match = _IMAGE_NAME.match(name)
    if match is None or match.group(2) not in IMAGE_SUFFIXES:
        return _("unexpected member {name!r}").format(name=name)
    return None


def _cap_for(name: str, limits: PackageLimits) -> int:
    if name == MANIFEST:
        return limits.max_manifest_bytes
    if name == PROJECT_FILE:
        return limits.max_project_bytes
    return limits.max_image_bytes


def check_members(archive: zipfile.ZipFile, limits: PackageLimits) -> list[zipfile.ZipInfo]:
    """Every member, after checking names, count, sizes and ratios; raises PackageError."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise PackageError(
            _("too many members ({n_infos}; at most {limits.max_members})").format(
                n_infos=len(infos), limits=limits
            )
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise PackageError(_("refused: {problem}").format(problem=problem))
        if info.filename in seen:
            raise PackageError(_("refused: {info.filename!r} appears twice").format(info=info))
        seen.add(info.filename)
        if info.file_size > _cap_for(info.filename, limits):
            raise PackageError(
                _("refused: {info.filename!r} is too large ({info.file_size} bytes)").format(
                    info=info
                )
            )
        if info.file_size > 1 << 20 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise PackageError(
                _("refused: {info.filename!r} is compressed suspiciously well").format(info=info)
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise PackageError(
            _("refused: {total} bytes uncompressed (at most {limits.max_total_bytes})").format(
                total=total, limits=limits
            )
        )
    for required in (MANIFEST, PROJECT_FILE):
        if required not in seen:
            raise PackageError(
                _("not a labeler package: {required} is missing").format(required=required)
            )
    return [i for i in infos if not i.filename.endswith("/")]


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    with archive.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise PackageError(
            _("refused: {info.filename!r} is larger than it claims").format(info=info)
        )
    return data


def parse_manifest(data: bytes) -> Manifest:
    """The manifest, validated field by field; raises PackageError."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(_("manifest.json is not valid JSON ({exc})").format(exc=exc)) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise PackageError(_("not a labeler package (manifest format)"))
    if raw.get("format_version") != FORMAT_VERSION:
        raise PackageError(
            _(
                "package format {version!r} is not supported (this labeler reads format "
                "{FORMAT_VERSION})"
            ).format(version=raw.get("format_version"), FORMAT_VERSION=FORMAT_VERSION)
        )
    strings = ("package_id", "project_id", "project_name", "vendor", "created_at", "saved_at")
    for key in strings:
        value = raw.get(key)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise PackageError(_("manifest.json: bad {key}").format(key=key))
    if not isinstance(raw.get("schema_version"), int) or isinstance(raw["schema_version"], bool):
        raise PackageError(_("manifest.json: bad schema_version"))
    guideline = raw.get("guideline")
    if guideline is not None and not (isinstance(guideline, list) and len(guideline) == 2):
        raise PackageError(_("manifest.json: bad guideline"))
    return Manifest(
        raw["package_id"],
        raw["project_id"],
        raw["project_name"],
        raw["schema_version"],
        raw["vendor"],
        raw["created_at"],
        raw["saved_at"],
        bool(raw.get("blind")),
        bool(raw.get("with_prelabels")),
        guideline,
    )


def open_archive(path: Path, limits: PackageLimits) -> tuple[zipfile.ZipFile, Manifest]:
    """Open and check a package file; the caller closes the returned zip.

    A refusal names the package file: ``NAME.lbpkg: refused: ...``.
    """
    try:
        return _open_checked(path, limits)
    except PackageError as exc:
        raise PackageError(f"{path.name}: {exc}") from exc


def _open_checked(path: Path, limits: PackageLimits) -> tuple[zipfile.ZipFile, Manifest]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(
            _("cannot read ({strerror})").format(strerror=exc.strerror or exc)
        ) from exc
    if size > limits.max_package_bytes:
        raise PackageError(
            _("refused: the package is {size} bytes (at most {limits.max_package_bytes})").format(
                size=size, limits=limits
            )
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackageError(_("not a labeler package or damaged ({exc})").format(exc=exc)) from exc
    try:
        infos = {i.filename: i for i in check_members(archive, limits)}
        manifest = parse_manifest(_read_capped(archive, infos[MANIFEST], limits.max_manifest_bytes))
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def extract(archive: zipfile.ZipFile, dest: Path, limits: PackageLimits) -> None:
    """Extract a checked package into the empty folder ``dest``, verifying every image.

    Paths are built here from validated names; bytes actually written are counted
    against the caps; each image's content must match its SHA-256 name.
    """
    written = 0
    (dest / "images").mkdir(parents=True, exist_ok=True)
    for info in check_members(archive, limits):
        match = _IMAGE_NAME.match(info.filename)
        target = (
            dest / "images" / f"{match.group(1)}{match.group(2)}"
            if match
            else (dest / info.filename)
        )
        digest = hashlib.sha256()
        size = 0
        cap = _cap_for(info.filename, limits)
        try:
            with archive.open(info) as source, target.open("xb") as out:
                while chunk := source.read(_CHUNK):
                    size += len(chunk)
                    written += len(chunk)
                    if size > cap or written > limits.max_total_bytes:
                        raise PackageError(
                            _("refused: {info.filename!r} is larger than it claims").format(
                                info=info
                            )
                        )
                    digest.update(chunk)
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise PackageError(
                _("damaged package: cannot read {info.filename!r} ({exc})").format(
                    info=info, exc=exc
                )
            ) from exc
        if match and digest.hexdigest() != match.group(1):
            raise PackageError(
                _("refused: {info.filename!r} does not match its content hash").format(info=info)
            )


def write_archive(
    path: Path, manifest: Manifest, project_file: Path, images: dict[str, Path]
) -> None:
    """Write a package atomically (a partial file never takes the name ``path``).

    ``images`` maps ``<sha256>.<ext>`` names to files. ``project_file`` is read as bytes,
    so it must be a snapshot (``Project.backup``), never a project open in this process.
    """
    refuse_raw_access(project_file, "pack")
    partial = scratch_file(path.parent, "package_part", suffix=".zip")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest.to_dict(), indent=2))
            archive.write(project_file, PROJECT_FILE)
            for name, source in sorted(images.items()):
                archive.write(source, f"images/{name}", compress_type=zipfile.ZIP_STORED)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def copy_verified(source: Path, target: Path, sha256: str) -> None:
    """Copy an image file, checking it still has the content the project knows."""
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, target.open("xb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        raise PackageError(
            _("{source}: cannot copy ({strerror})").format(
                source=source, strerror=exc.strerror or exc
            )
        ) from exc
    if digest.hexdigest() != sha256:
        target.unlink(missing_ok=True)
        raise PackageError(
            _("{source}: the file changed since it was imported (content hash)").format(
                source=source
            )
        )


def remove_tree(path: Path) -> None:
    """Delete a working folder (ignoring what is already gone)."""
    shutil.rmtree(path, ignore_errors=True)
