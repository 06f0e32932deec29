"""Model runs and the predictions they produced."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from labeler.core.domain import ImageStatus, ModelRun, Prediction
from labeler.core.errors import GeometryError, UnknownEntityError
from labeler.core.events import Change
from labeler.core.geometry import Geometry, validate_geometry
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import (
    geometry_columns,
    model_run_from_row,
    now_iso,
    prediction_from_row,
)


def settings_key(settings: dict[str, Any]) -> str:
    """Canonical JSON of run settings, so equal settings compare equal."""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


class RunStore(StoreBase):
    """Recording model runs and storing their predictions."""

    def start_model_run(
        self,
        model_sha256: str,
        model_name: str,
        settings: dict[str, Any],
        provider: str,
        note: str | None = None,
    ) -> ModelRun:
        """Open a model run; predictions are attached to it as images finish."""
        started = now_iso()
        with self.transaction():
            cur = self._db.conn.execute(
                "INSERT INTO model_runs(model_sha256, model_name, settings, provider, started_at,"
                " note) VALUES (?, ?, ?, ?, ?, ?)",
                (model_sha256, model_name, settings_key(settings), provider, started, note),
            )
            run_id = int(cur.lastrowid or 0)
            self._log(
                "create",
                "model_run",
                run_id,
                after={"model": model_name, "provider": provider, "settings": settings},
            )
            self._notify(Change("model_run", "create", (run_id,)))
        return ModelRun(
            run_id, model_sha256, model_name, settings, provider, started, None, 0, note
        )

    def finish_model_run(self, run_id: int, note: str | None = None) -> ModelRun:
        """Close a run, recording its end time and how many images it covered."""
        with self.transaction():
            count = int(
                self._db.scalar("SELECT COUNT(*) FROM run_images WHERE run_id = ?", (run_id,)) or 0
            )
            self._db.conn.execute(
                "UPDATE model_runs SET finished_at = ?, image_count = ?, "
                "note = COALESCE(?, note) WHERE id = ?",
                (now_iso(), count, note, run_id),
            )
            self._log("finish", "model_run", run_id, after={"images": count})
            self._notify(Change("model_run", "finish", (run_id,)))
        return self.model_run(run_id)

    def add_predictions(
        self, run_id: int, image_id: int, predictions: Sequence[tuple[int, Geometry, float]]
    ) -> int:
        """Store one image's ``(class_id, geometry, score)`` predictions in one transaction.

        Invalid shapes (a box squeezed to nothing at the border) are dropped; the
        number stored is returned. An image with none is still marked as covered.
        """
        row = self._db.query_one(
            "SELECT width, height, status FROM images WHERE id = ?", (image_id,)
        )
        if row is None:
            raise UnknownEntityError(f"no image with id {image_id}")
        values = []
        for class_id, geometry, score in predictions:
            try:
                valid = validate_geometry(geometry, (row["width"], row["height"]))
            except GeometryError:  # a box squeezed to nothing at the border: dropped
                continue
            values.append(
                {
                    "run_id": run_id,
                    "image_id": image_id,
                    "class_id": class_id,
                    **geometry_columns(valid),
                    "score": float(score),
                }
            )
        with self.transaction():
            self._db.conn.executemany(
                "INSERT INTO predictions(run_id, image_id, class_id, kind, x1, y1, x2, y2, "
                "points, score) VALUES (:run_id, :image_id, :class_id, :kind, :x1, :y1, :x2, "
                ":y2, :points, :score)",
                values,
            )
            self._db.conn.execute(
                "INSERT OR IGNORE INTO run_images(run_id, image_id) VALUES (?, ?)",
                (run_id, image_id),
            )
            if row["status"] == ImageStatus.NEW.value:
                self._db.conn.execute(
                    "UPDATE images SET status = ? WHERE id = ?",
                    (ImageStatus.PRELABELED.value, image_id),
                )
            self._notify(Change("prediction", "create", (), (image_id,)))
        return len(values)

    def model_run(self, run_id: int) -> ModelRun:
        """The model run with this id."""
        row = self._db.query_one("SELECT * FROM model_runs WHERE id = ?", (run_id,))
        if row is None:
            raise UnknownEntityError(f"no model run with id {run_id}")
        return model_run_from_row(row)

    def model_runs(self) -> list[ModelRun]:
        """All model runs, oldest first."""
        return [model_run_from_row(r) for r in self._db.query("SELECT * FROM model_runs")]

    def predictions(self, image_id: int, run_id: int | None = None) -> list[Prediction]:
        """Predictions on one image: of one run, or of the newest run that covered it."""
        if run_id is None:
            run_id = self.latest_run_for_image(image_id)
            if run_id is None:
                return []
        rows = self._db.query(
            "SELECT * FROM predictions WHERE image_id = ? AND run_id = ? ORDER BY score DESC",
            (image_id, run_id),
        )
        return [prediction_from_row(r) for r in rows]

    def prediction(self, prediction_id: int) -> Prediction:
        """One prediction by id."""
        row = self._db.query_one("SELECT * FROM predictions WHERE id = ?", (prediction_id,))
        if row is None:
            raise UnknownEntityError(f"no prediction with id {prediction_id}")
        return prediction_from_row(row)

    def latest_run_for_image(self, image_id: int) -> int | None:
        """The newest run that produced predictions on (or covered) this image."""
        value = self._db.scalar(
            "SELECT MAX(run_id) FROM run_images WHERE image_id = ?", (image_id,)
        )
        return int(value) if value is not None else None

    def images_covered_by(self, model_sha256: str, settings: dict[str, Any]) -> set[int]:
        """Images already pre-labeled by this model with these settings (in any run)."""
        rows = self._db.conn.execute(
            "SELECT DISTINCT ri.image_id FROM run_images ri JOIN model_runs m ON m.id = ri.run_id"
            " WHERE m.model_sha256 = ? AND m.settings = ?",
            (model_sha256, settings_key(settings)),
        )
        return {int(r[0]) for r in rows}

    def set_prediction_rejected(
        self, prediction_id: int, rejected: bool = True, person_id: int | None = None
    ) -> bool:
        """Reject (or restore) a pre-label; returns whether it was rejected before."""
        with self.transaction():
            prediction = self.prediction(prediction_id)
            was = (
                self._db.scalar(
                    "SELECT 1 FROM prediction_rejections WHERE prediction_id = ?", (prediction_id,)
                )
                is not None
            )
            if rejected and not was:
                self._db.conn.execute(
                    "INSERT INTO prediction_rejections(prediction_id, person_id, at) "
                    "VALUES (?, ?, ?)",
                    (prediction_id, person_id, now_iso()),
                )
            elif not rejected and was:
                self._db.conn.execute(
                    "DELETE FROM prediction_rejections WHERE prediction_id = ?", (prediction_id,)
                )
            if rejected != was:
                self._log(
                    "reject" if rejected else "restore",
                    "prediction",
                    prediction_id,
                    person_id=person_id,
                    before={"rejected": was},
                    after={"rejected": rejected},
                )
                self._notify(
                    Change(
                        "prediction",
                        "reject" if rejected else "restore",
                        (prediction_id,),
                        (prediction.image_id,),
                    )
                )
        return was

    def rejected_prediction_ids(self, image_id: int) -> frozenset[int]:
        """Ids of the pre-labels on an image that someone rejected."""
        rows = self._db.conn.execute(
            "SELECT r.prediction_id FROM prediction_rejections r "
            "JOIN predictions p ON p.id = r.prediction_id WHERE p.image_id = ?",
            (image_id,),
        )
        return frozenset(int(r[0]) for r in rows)

    def prediction_count(self) -> int:
        """All predictions stored."""
        return int(self._db.scalar("SELECT COUNT(*) FROM predictions") or 0)
