"""Models found offline: model folders with a ``models.json`` manifest, per user and project.

No code here (or anywhere in labeler) downloads a model. Folders, searched in this order:

1. the project's ``<project dir>/models/``;
2. the user's ``$LABELER_MODELS_DIR``, else ``$XDG_DATA_HOME/labeler/models`` (by default
   ``~/.local/share/labeler/models``);
3. the models shipped with labeler (package data ``labeler/data/models/``, e.g.
   ``demo_segmenter``), read-only.

A manifest (``models.json``) names each model, its kind and every file with its sha256::

    {"format": 1, "models": [
      {"name": "sam_vit_b", "kind": "segmenter", "layout": "sam",
       "files": {"encoder": {"path": "sam_vit_b/encoder.onnx", "sha256": "..."},
                 "decoder": {"path": "sam_vit_b/decoder.onnx", "sha256": "..."}}}]}

Paths are relative to the folder holding the manifest and must stay inside it. A detector
has one file, role ``model``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.scratch import scratch_file, sweep_stale

MANIFEST = "models.json"
FORMAT = 1
KINDS = ("segmenter", "detector")
ROLES = {"segmenter": ("encoder", "decoder"), "detector": ("model",)}


class ModelManifestError(LabelerError):
    """A ``models.json`` is malformed, or an entry in it cannot be added as asked."""


class UnknownModelError(LabelerError):
    """No model folder names a model of that name (and it is not a path to a model file)."""


class ModelFileProblem(LabelerError):
    """A file a manifest names is missing or its content is not the recorded one."""


@dataclass(frozen=True)
class ModelFileEntry:
    """One file of a model: its role, where it is, and the sha256 it must have."""

    role: str
    path: Path  # absolute
    sha256: str


@dataclass(frozen=True)
class ModelEntry:
    """One model named in a manifest."""

    name: str
    kind: str
    layout: str | None
    files: tuple[ModelFileEntry, ...]
    folder: Path
    source: str  # "project", "user" or "shipped"
    extra: dict[str, object] = field(default_factory=dict)

    def file(self, role: str) -> Path:
        """The absolute path of the file with this role."""
        for entry in self.files:
            if entry.role == role:
                return entry.path
        raise ModelManifestError(
            _("{folder}: model {self.name!r} has no {role}").format(
                folder=self.folder / MANIFEST, self=self, role=role
            )
        )


@dataclass(frozen=True)
class FileCheck:
    """The result of checking one file against its manifest entry."""

    model: str
    role: str
    path: Path
    expected_sha256: str
    actual_sha256: str | None  # None when the file is missing

    @property
    def ok(self) -> bool:
        """Whether the file is there with the recorded content."""
        return self.actual_sha256 == self.expected_sha256

    def problem(self) -> str:
        """A sentence naming the file and what is expected of it (empty when ok)."""
        if self.ok:
            return ""
        if self.actual_sha256 is None:
            return _(
                "{path}: missing ({model} {role}); expected a file with sha256 {expected}"
            ).format(
                path=self.path, model=self.model, role=self.role, expected=self.expected_sha256
            )
        return _(
            "{path}: wrong file for {model} {role}: sha256 {actual}, expected {expected}"
        ).format(
            path=self.path,
            model=self.model,
            role=self.role,
            actual=self.actual_sha256,
            expected=self.expected_sha256,
        )


def user_models_dir() -> Path:
    """The user's model folder (``$LABELER_MODELS_DIR`` or the XDG data folder)."""
    explicit = os.environ.get("LABELER_MODELS_DIR")
    if explicit:
        return Path(explicit).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "labeler" / "models"


def shipped_models_dir() -> Path:
    """The models shipped inside the labeler package (``labeler/data/models``)."""
    from labeler.data import data_path

    return data_path("models")


def project_models_dir(project_path: Path) -> Path:
    """The project's model folder: ``models/`` beside the project file."""
    return Path(project_path).resolve().parent / "models"


def model_folders(project_path: Path | None = None) -> list[tuple[str, Path]]:
    """(source, folder) in search order: project, user, shipped."""
    folders = []
    if project_path is not None:
        folders.append(("project", project_models_dir(project_path)))
    folders.append(("user", user_models_dir()))
    folders.append(("shipped", shipped_models_dir()))
    return folders


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path, source: str = "user") -> list[ModelEntry]:
    """The models named in ``folder/models.json`` (none when the file does not exist)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelManifestError(
            _("{path}: not a readable JSON manifest ({exc})").format(path=path, exc=exc)
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise ModelManifestError(
            _("{path}: expected an object with a 'models' list").format(path=path)
        )
    return [_entry(path, n, raw, source) for n, raw in enumerate(data["models"])]


def _entry(manifest: Path, index: int, raw: object, source: str) -> ModelEntry:
    where = f"{manifest} (models[{index}])"
    if not isinstance(raw, dict):
        raise ModelManifestError(_("{where}: each model is an object").format(where=where))
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not name.strip():
        raise ModelManifestError(
            _("{where}: 'name' must be a non-empty string").format(where=where)
        )
    if kind not in KINDS:
        raise ModelManifestError(
            _("{where}: 'kind' must be one of {KINDS}").format(where=where, KINDS=", ".join(KINDS))
        )
    files = raw.get("files")
    if not isinstance(files, dict) or set(files) != set(ROLES[kind]):
        raise ModelManifestError(
            _("{where}: a {kind} lists the files {ROLES} under 'files'").format(
                where=where, kind=kind, ROLES=", ".join(ROLES[kind])
            )
        )
    entries = []
    for role in ROLES[kind]:
        spec = files[role]
        if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
            raise ModelManifestError(
                _("{where}: files.{role} needs a 'path' and a 'sha256'").format(
                    where=where, role=role
                )
            )
        sha = spec.get("sha256")
        if not isinstance(sha, str) or len(sha) != 64:
            raise ModelManifestError(
                _("{where}: files.{role}.sha256 must be 64 hex digits").format(
                    where=where, role=role
                )
            )
        entries.append(ModelFileEntry(role, _inside(manifest.parent, spec["path"], where), sha))
    layout = raw.get("layout")
    extra = {k: v for k, v in raw.items() if k not in ("name", "kind", "layout", "files")}
    return ModelEntry(
        name=name,
        kind=kind,
        layout=layout if isinstance(layout, str) else None,
        files=tuple(entries),
        folder=manifest.parent,
        source=source,
        extra=extra,
    )


def _inside(folder: Path, relative: str, where: str) -> Path:
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ModelManifestError(
            _("{where}: file path {relative!r} must be relative to the manifest's folder").format(
                where=where, relative=relative
            )
        )
    return folder / candidate


def list_models(project_path: Path | None = None) -> list[ModelEntry]:
    """Every model in every folder, in search order (a name may appear in several)."""
    models: list[ModelEntry] = []
    for source, folder in model_folders(project_path):
        models.extend(read_manifest(folder, source))
    return models


def find_model(name: str, project_path: Path | None = None, kind: str | None = None) -> ModelEntry:
    """The first model called ``name`` in search order; :class:`UnknownModelError` if none."""
    seen = []
    for entry in list_models(project_path):
        if kind is not None and entry.kind != kind:
            continue
        seen.append(entry.name)
        if entry.name == name:
            return entry
    folders = ", ".join(str(f) for _s, f in model_folders(project_path))
    known = ", ".join(sorted(set(seen))) or "none"
    raise UnknownModelError(
        _(
            "no {kind} called {name!r} in the model folders ({folders}); known: {known}. Add "
            "one with `labeler models add`"
        ).format(kind=kind or "model", name=name, folders=folders, known=known)
    )


def check_models(entries: Iterable[ModelEntry]) -> list[FileCheck]:
    """Every file of these models against its recorded sha256."""
    checks = []
    for entry in entries:
        for spec in entry.files:
            actual = file_sha256(spec.path) if spec.path.is_file() else None
            checks.append(FileCheck(entry.name, spec.role, spec.path, spec.sha256, actual))
    return checks


def verify_model(entry: ModelEntry) -> None:
    """Raise :class:`ModelFileProblem` naming every missing or wrong file of ``entry``."""
    problems = [c.problem() for c in check_models([entry]) if not c.ok]
    if problems:
        raise ModelFileProblem("; ".join(problems))


def add_model(
    folder: Path,
    name: str,
    kind: str,
    files: dict[str, Path],
    *,
    layout: str | None = None,
    link: bool = False,
    replace: bool = False,
) -> ModelEntry:
    """Copy (or link) a model's files into ``folder/name/`` and record them in the manifest.

    ``link`` hard-links, else symlinks, instead of copying. The manifest entry carries each
    file's sha256; ``models.json`` is replaced atomically.
    """
    if kind not in KINDS:
        raise ModelManifestError(
            _("kind must be one of {KINDS}, got {kind!r}").format(KINDS=", ".join(KINDS), kind=kind)
        )
    if set(files) != set(ROLES[kind]):
        raise ModelManifestError(
            _("a {kind} needs the files {ROLES}").format(kind=kind, ROLES=", ".join(ROLES[kind]))
        )
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ModelManifestError(
            _("{name!r} cannot name a model (no slashes, no leading dot)").format(name=name)
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    existing = read_manifest(folder)
    if any(e.name == name for e in existing) and not replace:
        raise ModelManifestError(
            _("{folder} already has a model called {name!r}; pass --replace").format(
                folder=folder / MANIFEST, name=name
            )
        )
    for role, source in files.items():
        if not Path(source).is_file():
            raise ModelFileProblem(
                _("{source}: no such file (the {kind}'s {role})").format(
                    source=source, kind=kind, role=role
                )
            )
    target_dir = folder / name
    target_dir.mkdir(exist_ok=True)
    records = {}
    for role, source in files.items():
        target = target_dir / f"{role}{Path(source).suffix or '.onnx'}"
        _place(Path(source), target, link)
        records[role] = {"path": f"{name}/{target.name}", "sha256": file_sha256(target)}
    raw: dict[str, object] = {"name": name, "kind": kind, "layout": layout, "files": records}
    _write_manifest(folder, [_raw(e) for e in existing if e.name != name] + [raw])
    return next(e for e in read_manifest(folder) if e.name == name)


def _place(source: Path, target: Path, link: bool) -> None:
    if target.exists() or target.is_symlink():
        if target.resolve() == source.resolve():
            return
        target.unlink()
    if link:
        try:
            os.link(source, target)
        except OSError:
            target.symlink_to(source.resolve())
        return
    temp = scratch_file(target.parent, "model", suffix=target.suffix)
    try:
        shutil.copyfile(source, temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _raw(entry: ModelEntry) -> dict[str, object]:
    return {
        "name": entry.name,
        "kind": entry.kind,
        "layout": entry.layout,
        "files": {
            f.role: {"path": f.path.relative_to(entry.folder).as_posix(), "sha256": f.sha256}
            for f in entry.files
        },
        **entry.extra,
    }


def _write_manifest(folder: Path, models: list[dict[str, object]]) -> None:
    sweep_stale(folder)
    temp = scratch_file(folder, "manifest", suffix=".json")
    try:
        text = json.dumps({"format": FORMAT, "models": models}, indent=2, ensure_ascii=False)
        temp.write_text(text + "\n", encoding="utf-8")
        os.replace(temp, folder / MANIFEST)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class SegmenterFiles:
    """An encoder/decoder pair to load, and the name to show for it."""

    name: str
    encoder: Path
    decoder: Path
    entry: ModelEntry | None = None


def segmenter_files(name_or_path: str | None, project_path: Path | None = None) -> SegmenterFiles:
    """Resolve ``--model`` to an encoder/decoder pair.

    ``name_or_path`` is a model name from the folders, a folder holding ``encoder.onnx`` and
    ``decoder.onnx``, or an encoder file whose decoder sits beside it (``encoder`` in the
    name replaced by ``decoder``). None picks the first segmenter in search order. Named
    models are checked against their sha256 first.
    """
    if name_or_path is None:
        found = [e for e in list_models(project_path) if e.kind == "segmenter"]
        if not found:
            folders = ", ".join(str(f) for _s, f in model_folders(project_path))
            raise UnknownModelError(
                _(
                    "no segmentation model in the model folders ({folders}); add one with "
                    "`labeler models add NAME --encoder E.onnx --decoder D.onnx` or pass "
                    "--model"
                ).format(folders=folders)
            )
        return _from_entry(found[0])
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        encoder, decoder = path / "encoder.onnx", path / "decoder.onnx"
        if not (encoder.is_file() and decoder.is_file()):
            raise ModelFileProblem(
                _("{path}: a model folder holds encoder.onnx and decoder.onnx").format(path=path)
            )
        return SegmenterFiles(path.name, encoder, decoder)
    if path.is_file():
        decoder = path.with_name(path.name.replace("encoder", "decoder"))
        if decoder == path or not decoder.is_file():
            raise ModelFileProblem(
                _(
                    "{path}: no decoder beside this encoder (expected {decoder.name}); pass "
                    "a model name from `labeler models list` or a folder with both files"
                ).format(path=path, decoder=decoder)
            )
        stem = path.stem.replace("encoder", "").strip("._-") or path.parent.name
        return SegmenterFiles(stem, path, decoder)
    if path.suffix == ".onnx" or "/" in name_or_path:
        raise ModelFileProblem(_("{path}: model file not found").format(path=path))
    return _from_entry(find_model(name_or_path, project_path, kind="segmenter"))


def _from_entry(entry: ModelEntry) -> SegmenterFiles:
    verify_model(entry)
    return SegmenterFiles(entry.name, entry.file("encoder"), entry.file("decoder"), entry)
