"""Provenance of AI-assisted annotations: the model (file hash, name) and the prompts.

One row per annotation made from a promptable segmenter's mask (source ``ai_assisted``),
written in the same transaction as the annotation (:mod:`labeler.core.ai_shapes`). It
outlives a soft delete with its annotation, so undo and redo keep it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labeler.core.errors import UnknownEntityError
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase


@dataclass(frozen=True)
class AnnotationProvenance:
    """Which model made an annotation, and from which prompts and settings."""

    annotation_id: int
    model_sha256: str
    model_name: str
    prompts: dict[str, Any]
    settings: dict[str, Any]


class ProvenanceStore(StoreBase):
    """Reads and writes ``annotation_provenance``."""

    def add_annotation_provenance(
        self,
        annotation_id: int,
        model_sha256: str,
        model_name: str,
        prompts: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
    ) -> AnnotationProvenance:
        """Record how an annotation was made (joins the caller's transaction)."""
        exists = self._db.scalar("SELECT 1 FROM annotations WHERE id = ?", (annotation_id,))
        if not exists:
            raise UnknownEntityError(
                _("annotation {annotation_id} does not exist").format(annotation_id=annotation_id)
            )
        prompts_text = json.dumps(dict(prompts), sort_keys=True, ensure_ascii=False)
        settings_text = json.dumps(dict(settings or {}), sort_keys=True, ensure_ascii=False)
        with self.transaction():
            self._db.conn.execute(
                "INSERT OR REPLACE INTO annotation_provenance"
                "(annotation_id, model_sha256, model_name, prompts, settings) "
                "VALUES (?, ?, ?, ?, ?)",
                (annotation_id, model_sha256, model_name, prompts_text, settings_text),
            )
        return AnnotationProvenance(
            annotation_id,
            model_sha256,
            model_name,
            json.loads(prompts_text),
            json.loads(settings_text),
        )

    def annotation_provenance(self, annotation_id: int) -> AnnotationProvenance | None:
        """The provenance of an AI-assisted annotation, or None for any other annotation."""
        row = self._db.query_one(
            "SELECT * FROM annotation_provenance WHERE annotation_id = ?", (annotation_id,)
        )
        if row is None:
            return None
        return AnnotationProvenance(
            annotation_id=int(row["annotation_id"]),
            model_sha256=str(row["model_sha256"]),
            model_name=str(row["model_name"]),
            prompts=json.loads(row["prompts"]),
            settings=json.loads(row["settings"] or "{}"),
        )
