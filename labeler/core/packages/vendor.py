"""The vendor's side: open a package to work in it offline, and save the work back.

``open_package`` extracts a checked package to a working folder beside it
(``NAME.lbpkg-work/``) and returns the project file inside, which the app opens
like any project. Opening again reuses that folder, so work in progress is kept.
``save_package`` writes the working project (a consistent ``VACUUM INTO`` copy,
never the live file) and its images back into the package file, atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from labeler.core.i18n import _
from labeler.core.packages.archive import (
    DEFAULT_LIMITS,
    MANIFEST,
    PROJECT_FILE,
    Manifest,
    PackageLimits,
    extract,
    open_archive,
    parse_manifest,
    remove_tree,
    write_archive,
)
from labeler.core.packages.export import META_PACKAGE_ID
from labeler.core.scratch import scratch_dir, scratch_space, sweep_stale
from labeler.core.store import SCHEMA_VERSION, Project
from labeler.core.store.exchange import PackageError, read_meta_readonly
from labeler.core.store.rows import now_iso

WORK_SUFFIX = "-work"


def work_folder(package: Path) -> Path:
    """Where a package is worked on: ``NAME.lbpkg-work`` beside it."""
    return package.with_name(package.name + WORK_SUFFIX)


def open_package(package: Path | str, limits: PackageLimits = DEFAULT_LIMITS) -> Path:
    """Extract a package safely (or reuse its working folder); return the project to open."""
    package = Path(package)
    folder = work_folder(package)
    if (folder / MANIFEST).is_file():
        existing = _folder_manifest(folder)
        archive, manifest = open_archive(package, limits)
        archive.close()
        if existing.package_id != manifest.package_id:
            raise PackageError(
                _("{folder} holds the work of another package; move it away first").format(
                    folder=folder
                )
            )
        return folder / PROJECT_FILE
    if folder.exists():
        raise PackageError(
            _("{folder} exists but is not a package's working folder").format(folder=folder)
        )
    archive, manifest = open_archive(package, limits)
    if manifest.schema_version != SCHEMA_VERSION:
        archive.close()
        raise PackageError(
            _(
                "{package.name}: written with project schema {manifest.schema_version}; this "
                "labeler uses schema {SCHEMA_VERSION}"
            ).format(package=package, manifest=manifest, SCHEMA_VERSION=SCHEMA_VERSION)
        )
    sweep_stale(package.parent)
    staging = scratch_dir(package.parent, "extract")
    try:
        with archive:
            extract(archive, staging, limits)
        meta = read_meta_readonly(staging / PROJECT_FILE)
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise PackageError(
                _("{package.name}: the project inside has another schema").format(package=package)
            )
        if meta.get(META_PACKAGE_ID) != manifest.package_id:
            raise PackageError(
                _("{package.name}: the project inside belongs to another package").format(
                    package=package
                )
            )
        os.rename(staging, folder)
    except BaseException:
        remove_tree(staging)
        raise
    return folder / PROJECT_FILE


def _folder_manifest(folder: Path) -> Manifest:
    return parse_manifest((folder / MANIFEST).read_bytes())


def save_package(package: Path | str) -> Path:
    """Write the work done in the package's working folder back into the package file."""
    package = Path(package)
    folder = work_folder(package)
    if not (folder / PROJECT_FILE).is_file():
        raise PackageError(
            _("{package.name}: no working folder {folder.name} to save").format(
                package=package, folder=folder
            )
        )
    manifest = _folder_manifest(folder)
    with Project.open(folder / PROJECT_FILE) as project:
        if project.meta().get(META_PACKAGE_ID) != manifest.package_id:
            raise PackageError(
                _("{folder}: its project belongs to another package").format(folder=folder)
            )
        images = {p.name: p for p in (folder / "images").iterdir() if p.is_file()}
        with scratch_space(package.parent, "package_save") as tmp:
            snapshot = tmp / PROJECT_FILE
            project.backup(snapshot)
            updated = Manifest(**{**manifest.__dict__, "saved_at": now_iso()})
            write_archive(package, updated, snapshot, images)
            (folder / MANIFEST).write_text(json.dumps(updated.to_dict(), indent=2))
    return package
