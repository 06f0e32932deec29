"""Model runs and the predictions they produced."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Container, Iterable, Iterator, Sequence
from typing import Any

from labeler.core.domain import ImageStatus, ModelRun, Prediction
from labeler.core.errors import GeometryError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Geometry, validate_geometry
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import (
    geometry_columns,
    model_run_from_row,
    now_iso,
    prediction_from_row,
)


class RunFinishedError(UnknownEntityError):
    """The run to resume finished in the meantime."""


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
        owner: dict[str, Any] | None = None,
    ) -> ModelRun:
        """Open a model run; predictions are attached to it as images finish.

        ``owner`` (host, pid, process start) is logged so another process can tell a
        run that is still going from one that was interrupted (:meth:`run_owner`).
        """
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
                after={"model": model_name, "provider": provider, "settings": settings,
                       "owner": owner},
            )
            self._notify(Change(Entity.MODEL_RUN, "create", (run_id,)))
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
            self._notify(Change(Entity.MODEL_RUN, "finish", (run_id,)))
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
            raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
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
            if self._db.scalar(
                "SELECT 1 FROM run_images WHERE run_id = ? AND image_id = ?", (run_id, image_id)
            ):
                return 0  # already stored (a resumed or concurrent run): idempotent
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
            self._notify(Change(Entity.PREDICTION, "create", (), (image_id,)))
        return len(values)

    def model_run(self, run_id: int) -> ModelRun:
        """The model run with this id."""
        row = self._db.query_one("SELECT * FROM model_runs WHERE id = ?", (run_id,))
        if row is None:
            raise UnknownEntityError(_("no model run with id {run_id}").format(run_id=run_id))
        return model_run_from_row(row)

    def model_runs(self) -> list[ModelRun]:
        """All model runs, oldest first.

        A run that has not finished (interrupted by a crash, cancelled, or running
        in another process) reports the images it has covered so far.
        """
        rows = self._db.query(
            "SELECT m.id, m.model_sha256, m.model_name, m.settings, m.provider, m.started_at,"
            " m.finished_at, m.note, CASE WHEN m.finished_at IS NULL THEN"
            " (SELECT COUNT(*) FROM run_images ri WHERE ri.run_id = m.id)"
            " ELSE m.image_count END AS image_count FROM model_runs m ORDER BY m.id"
        )
        return [model_run_from_row(r) for r in rows]

    def latest_complete_run(self, model_name: str | None = None) -> ModelRun | None:
        """The newest run that finished (of one model, if named): the default to evaluate."""
        sql, params = "SELECT id FROM model_runs WHERE finished_at IS NOT NULL", []
        if model_name is not None:
            sql += " AND model_name = ?"
            params.append(model_name)
        value = self._db.scalar(sql + " ORDER BY id DESC LIMIT 1", tuple(params))
        return self.model_run(int(value)) if value is not None else None

    def run_owner(self, run_id: int) -> dict[str, Any] | None:
        """Who last started or resumed a run: ``{"host", "pid", "started"}``, if recorded."""
        value = self._db.scalar(
            "SELECT after FROM events WHERE entity = 'model_run' AND entity_id = ? AND "
            "action IN ('create', 'resume') ORDER BY id DESC LIMIT 1",
            (run_id,),
        )
        if not value:
            return None
        owner = json.loads(str(value)).get("owner")
        return owner if isinstance(owner, dict) else None

    def incomplete_run_for(self, model_sha256: str, settings: dict[str, Any]) -> ModelRun | None:
        """The newest unfinished run of this model file with these settings, to resume."""
        value = self._db.scalar(
            "SELECT id FROM model_runs WHERE finished_at IS NULL AND model_sha256 = ? AND "
            "settings = ? ORDER BY id DESC LIMIT 1",
            (model_sha256, settings_key(settings)),
        )
        return self.model_run(int(value)) if value is not None else None

    def resume_model_run(
        self, run_id: int, provider: str, owner: dict[str, Any] | None = None
    ) -> ModelRun:
        """Record that an unfinished run goes on (after a crash or a cancel); logged.

        Raises :class:`RunFinishedError` when the run finished in the meantime (its own
        process completed it after the caller looked).
        """
        with self.transaction():
            run = self.model_run(run_id)
            if run.complete:
                raise RunFinishedError(
                    _("model run {run_id} already finished").format(run_id=run_id)
                )
            covered = int(
                self._db.scalar("SELECT COUNT(*) FROM run_images WHERE run_id = ?", (run_id,))
                or 0
            )
            self._log("resume", "model_run", run_id,
                      after={"covered": covered, "provider": provider, "owner": owner})
            self._notify(Change(Entity.MODEL_RUN, "resume", (run_id,)))
        return self.model_run(run_id)

    def predictions(self, image_id: int, run_id: int | None = None) -> list[Prediction]:
        """Predictions on one image: of one run, or of the newest run that covered it."""
        if run_id is None:
            run_id = self.latest_run_for_image(image_id)
            if run_id is None:
                return []
        rows = self._db.query(
            "SELECT * FROM predictions WHERE image_id = ? AND run_id = ? ORDER BY score DESC, id",
            (image_id, run_id),
        )
        return [prediction_from_row(r) for r in rows]

    def prediction(self, prediction_id: int) -> Prediction:
        """One prediction by id."""
        row = self._db.query_one("SELECT * FROM predictions WHERE id = ?", (prediction_id,))
        if row is None:
            raise UnknownEntityError(
                _("no prediction with id {prediction_id}").format(prediction_id=prediction_id)
            )
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
                        Entity.PREDICTION,
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

    # Bulk reads: whole-project passes (export, curate, suggest, disagreements, packages)
    # read these streams instead of asking per image.

    def latest_predictions_by_image(
        self, image_ids: Collection[int] | None = None
    ) -> Iterator[tuple[int, list[Prediction]]]:
        """Each covered image with the predictions of the newest run that covered it.

        Streamed in image order, each image's predictions by descending score (as
        :meth:`predictions` gives them); an image covered without detections comes
        with an empty list, an image no run covered not at all. ``image_ids``
        limits the stream to those images (a few are read by id, many by one pass).
        """
        select = (
            "SELECT r.image_id AS covered_image, p.* FROM run_images r LEFT JOIN predictions p "
            "ON p.run_id = r.run_id AND p.image_id = r.image_id WHERE {where}NOT EXISTS ("
            "SELECT 1 FROM run_images s WHERE s.image_id = r.image_id AND s.run_id > r.run_id) "
            "ORDER BY r.image_id"
        )
        if image_ids is not None and len(image_ids) <= _FEW_IMAGES:
            wanted = sorted(set(image_ids))
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                where = f"r.image_id IN ({','.join('?' * len(chunk))}) AND "
                yield from _group_by_image(self._rows(select.format(where=where), chunk))
            return
        wanted_set = None
        if image_ids is not None:
            wanted_set = (
                image_ids if isinstance(image_ids, set | frozenset | dict) else set(image_ids)
            )
        yield from _group_by_image(self._rows(select.format(where="")), wanted_set)

    def latest_predictions_between(
        self, first_id: int, last_id: int
    ) -> Iterator[tuple[int, list[Prediction]]]:
        """:meth:`latest_predictions_by_image` of the images with ids ``first_id..last_id``.

        One indexed range read (``idx_run_images_image``), so a whole-project pass can
        go a run of images at a time without scanning every run's rows each time.
        """
        select = (
            "SELECT r.image_id AS covered_image, p.* FROM run_images r LEFT JOIN predictions p "
            "ON p.run_id = r.run_id AND p.image_id = r.image_id WHERE r.image_id BETWEEN ? AND ? "
            "AND NOT EXISTS (SELECT 1 FROM run_images s WHERE s.image_id = r.image_id "
            "AND s.run_id > r.run_id) ORDER BY r.image_id"
        )
        yield from _group_by_image(self._rows(select, (first_id, last_id)))

    def run_predictions_by_image(self, run_id: int) -> Iterator[tuple[int, list[Prediction]]]:
        """The images a run speaks for, with its predictions on each, in image order.

        Those holding one of its predictions, and those it covered without any
        detection where no newer run covered them since (an empty list).
        """
        rows = self._rows(
            "SELECT image_id AS covered_image, * FROM predictions WHERE run_id = ? "
            "ORDER BY image_id",
            (run_id,),
        )
        empty = self._db.conn.execute(
            "SELECT r.image_id FROM run_images r WHERE r.run_id = ?1 AND NOT EXISTS ("
            "SELECT 1 FROM run_images s WHERE s.image_id = r.image_id AND s.run_id > ?1) "
            "AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.image_id = r.image_id "
            "AND p.run_id = ?1) ORDER BY r.image_id",
            (run_id,),
        )
        yield from _merge_by_image(_group_by_image(rows), (int(r[0]) for r in empty))

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[sqlite3.Row]:
        """A query's rows as they are read (by column name), for streams."""
        cursor = self._db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        try:
            yield from cursor.execute(sql, params)
        finally:
            cursor.close()


_FEW_IMAGES = 20_000  # up to this many images are read by id, more in one pass
_CHUNK = 500


def _group_by_image(
    rows: Iterable[sqlite3.Row], wanted: Container[int] | None = None
) -> Iterator[tuple[int, list[Prediction]]]:
    """Rows ordered by ``covered_image`` (``id`` NULL: no prediction) grouped per image.

    With ``wanted``, other images' rows are skipped before anything is built from them.
    """
    current: int | None = None
    found: list[Prediction] = []
    for row in rows:
        image_id = int(row["covered_image"])
        if image_id != current:
            if current is not None:
                yield current, _by_score(found)
            current, found = image_id, []
            if wanted is not None and image_id not in wanted:
                current = None
        if current is not None and row["id"] is not None:
            found.append(prediction_from_row(row))
    if current is not None:
        yield current, _by_score(found)


def _by_score(predictions: list[Prediction]) -> list[Prediction]:
    return sorted(predictions, key=lambda p: (-p.score, p.id))


def _merge_by_image(
    groups: Iterator[tuple[int, list[Prediction]]], empty: Iterator[int]
) -> Iterator[tuple[int, list[Prediction]]]:
    """Two image-ordered streams (with predictions, without any) as one, in image order."""
    pending = next(empty, None)
    for image_id, found in groups:
        while pending is not None and pending < image_id:
            yield pending, []
            pending = next(empty, None)
        yield image_id, found
    while pending is not None:
        yield pending, []
        pending = next(empty, None)
