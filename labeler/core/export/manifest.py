"""``manifest.json``: what an export holds, where it came from, and what was left out.

The manifest is deterministic: it records the time of the data (the newest
event, annotation or review in the project), never the time of the run, and is
written with sorted keys and fixed formatting, so exporting an unchanged project
twice gives byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
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
