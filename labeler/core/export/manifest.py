"""``manifest.json``: what an export holds, where it came from, and what was left out.

The manifest is deterministic: it records the time of the data (the newest
event, annotation or review in the project), never the time of the run, and is
written with sorted keys and fixed formatting, so exporting an unchanged project
twice gives byte-identical files.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from labeler.core.domain import Review

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def data_time(
    project: object,
    newest_annotation: str | None = None,
    reviews: Iterable[Review] | None = None,
) -> str | None:
    """The newest event, annotation update or review time in the project.

    Pass the newest annotation update and the reviews already read to save reading
    them again.
    """
    if newest_annotation is None:
        annotations = project.annotations()  # type: ignore[attr-defined]
        newest_annotation = max((a.updated_at for a in annotations), default="")
    if reviews is None:
        reviews = project.reviews()  # type: ignore[attr-defined]
    newest = project.newest_event_time() or ""  # type: ignore[attr-defined]
    newest = max(newest, newest_annotation)
    newest = max(newest, max((r.created_at for r in reviews), default=""))
    return newest or None


def project_facts(project: object) -> dict[str, Any]:
    """Project, guideline versions, people and vendors, model runs, for the manifest."""
    meta = project.meta()  # type: ignore[attr-defined]
    people = project.people()  # type: ignore[attr-defined]
    return {
        "project": {
            "name": meta.get("name"),
            "project_id": meta.get("project_id"),
            "file": project.path.name,  # type: ignore[attr-defined]
            "schema_version": project.schema_version,  # type: ignore[attr-defined]
        },
        "guideline_versions": [
            {
                "number": g.number,
                "published_at": g.published_at,
                "content_hash": g.content_hash,
                "changelog": g.changelog,
            }
            for g in project.guideline_versions()  # type: ignore[attr-defined]
        ],
        "people": [
            {"name": p.name, "role": p.role.value, "organization": p.organization} for p in people
        ],
        "vendors": sorted({p.organization for p in people if p.organization}),
        "model_runs": [
            {
                "id": r.id,
                "model": r.model_name,
                "model_sha256": r.model_sha256,
                "settings": r.settings,
                "provider": r.provider,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "images": r.image_count,
            }
            for r in project.model_runs()  # type: ignore[attr-defined]
        ],
    }


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as fixed-format JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def manifest_chunks(
    manifest: dict[str, Any], spliced: Mapping[str, Callable[[], Iterable[str]]] | None = None
) -> Iterator[str]:
    """:func:`manifest_text` in pieces, as they are encoded (never one string or list).

    ``json.dumps`` with an indent joins a list of every piece; a million images'
    label issues make that list several times the text. ``spliced`` maps marker
    strings (see :func:`marker`) placed as values in ``manifest`` to the text that
    replaces their encoding: a long list encoded earlier, read back piece by piece.
    """
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    markers = {json.dumps(k): v for k, v in (spliced or {}).items()}
    pending: list[str] = []
    size = 0
    for piece in encoder.iterencode(manifest):
        found = markers.get(piece)
        for text in found() if found is not None else (piece,):
            pending.append(text)
            size += len(text)
            if size >= 1 << 20:
                yield "".join(pending)
                pending, size = [], 0
    pending.append("\n")
    yield "".join(pending)


def marker(name: str) -> str:
    """A value to splice text in place of (no label or path can contain NUL)."""
    return f"\x00{name}\x00"


def list_item_text(value: object, depth: int) -> str:
    """One item of a list at ``depth`` as :func:`manifest_text` writes it, with its lead.

    A flat dict (a label issue) is laid out here around the C encoder's scalars:
    ``json.dumps`` with an indent runs the pure-Python encoder, whose closures form
    reference cycles that stay until the cyclic collector runs (paused in an export).
    """
    indent = "\n" + "  " * depth
    if isinstance(value, dict) and value and all(_flat(k, v) for k, v in value.items()):
        inner = indent + "  "
        body = ",".join(f"{inner}{_key(k)}: {_scalar(value[k])}" for k in sorted(value))
        return f"{indent}{{{body}{indent}}}"
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return indent + text.replace("\n", indent)


def _flat(key: object, value: object) -> bool:
    return isinstance(key, str) and (value is None or isinstance(value, bool | int | float | str))


@functools.lru_cache(maxsize=256)
def _key(key: str) -> str:
    """A key's JSON text (the same few keys come back for every item)."""
    return json.dumps(key, ensure_ascii=False)


def _scalar(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False)``, without its call for the common cases."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def list_close(depth: int) -> str:
    """What ends a non-empty list whose items are at ``depth``."""
    return "\n" + "  " * (depth - 1) + "]"


class ManifestList(Sequence[Any]):
    """A list the manifest file holds in full and memory does not: read back when asked.

    ``keys`` is the path to it in the manifest (``["label_issues", "issues"]``).
    """

    def __init__(self, path: Path, keys: Sequence[str], count: int) -> None:
        self._path, self._keys, self._count = path, tuple(keys), count

    def _items(self) -> list[Any]:
        found: Any = json.loads(self._path.read_text(encoding="utf-8"))
        for key in self._keys:
            found = found[key]
        return list(found)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self._items()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ManifestList):
            other = list(other)
        return isinstance(other, list) and self._items() == other

    __hash__ = None  # type: ignore[assignment]
