"""Pre-labeling a project with a local ONNX model: one model run, stored as it goes.

The heavy lifting (decode ahead, batching, ONNX Runtime) is the ``inference``
package; this module chooses the images, maps model classes to project classes,
stores each image's predictions in its own transaction (so an interruption keeps
what finished) and records the run with the provider actually used.
"""

from __future__ import annotations

import fnmatch
import os
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from labeler.core.domain import ImageRecord, ImageStatus, ModelRun
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box, Geometry, Polygon, Tag
from labeler.core.i18n import _
from labeler.core.model_loading import ModelLoadError as ModelLoadError  # re-exported
from labeler.core.model_loading import load_project_model as load_project_model
from labeler.core.progress import Progress
from labeler.core.store import Project
from labeler.core.store.runs import RunFinishedError

if TYPE_CHECKING:
    from inference import Detection, Model


@dataclass
class PrelabelSummary:
    """What a pre-labeling run did (``labeler prelabel --json`` prints this)."""

    run_id: int | None
    model: str
    provider: str
    fallback_note: str | None
    images: int = 0
    skipped_existing: int = 0
    predictions: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cancelled: bool = False
    resumed: bool = False
    decode_factor: int = 1
    """The JPEG decode reduction the engine chose on the run's first image (1: full)."""

    @property
    def images_per_second(self) -> float:
        """Throughput of the run, decode included."""
        return self.images / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "run_id": self.run_id, "model": self.model, "provider": self.provider,
            "fallback_note": self.fallback_note, "images": self.images,
            "skipped_existing": self.skipped_existing, "predictions": self.predictions,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "dropped_predictions": self.dropped, "seconds": round(self.seconds, 3),
            "images_per_second": round(self.images_per_second, 2), "cancelled": self.cancelled,
            "resumed": self.resumed, "decode_factor": self.decode_factor,
        }


DEFAULT_CONFIG_META = "default_model_config"
def select_images(project: Project, which: str = "all") -> list[ImageRecord]:
    """Images for a run, chosen by a query.

    ``all``, ``unlabeled`` (no live annotation), ``status:NAME``, or a glob matched
    against the stored image path (``shoot2/*.jpg``).
    """
    images = project.images()
    if which == "all":
        return images
    if which == "unlabeled":
        labeled = project.labeled_image_ids()
        return [i for i in images if i.id not in labeled]
    if which.startswith("status:"):
        status = ImageStatus(which.split(":", 1)[1])
        return [i for i in images if i.status is status]
    matched = [i for i in images if fnmatch.fnmatch(i.path, which)]
    if not matched:
        raise LabelerError(
            _(
                "--images {which!r} matches no image (try all, unlabeled, status:new, or a "
                "glob such as 'folder/*.jpg')"
            ).format(which=which)
        )
    return matched


def _run_settings(model: Model, conf: float | None, iou: float | None) -> dict[str, Any]:
    params = model.params(conf, iou)
    return {"conf": params.conf, "iou": params.iou, "max_det": params.max_det,
            "task": model.info.task, "input_size": list(model.info.input_size)}


def _to_geometry(detection: Detection) -> Geometry:
    if detection.polygon is not None and len(detection.polygon) >= 3:
        return Polygon(tuple((float(x), float(y)) for x, y in detection.polygon))
    if detection.box is not None:
        x1, y1, x2, y2 = (float(v) for v in detection.box)
        return Box(x1, y1, x2, y2)
    return Tag()


def prelabel_project(
    project: Project,
    model_path: Path,
    *,
    config_path: Path | None = None,
    conf: float | None = None,
    iou: float | None = None,
    device: str = "auto",
    batch: int | None = None,
    images: str | list[ImageRecord] = "all",
    force: bool = False,
    progress: Progress | None = None,
) -> PrelabelSummary:
    """Pre-label images with a model as one model run; see the module docstring.

    Images already pre-labeled by the same model file with the same settings are
    skipped unless ``force``. Cancelling (``progress.cancel()`` or Ctrl+C) keeps
    every image finished so far and leaves the run incomplete, like a crash does;
    the next call with the same model and settings resumes that run (only the
    images it had not covered) and completes it.
    """
    project.require_writable()
    progress = progress or Progress()
    model = load_project_model(model_path, config_path, device)
    plan = plan_prelabel_run(project, model, conf=conf, iou=iou, images=images, force=force)
    summary = plan.summary
    run_id = open_prelabel_run(project, model, plan, model.info.provider,
                               model.info.fallback_note)
    if run_id is None:
        return summary
    if plan.chosen:
        _run_engine(project, model, run_id, plan.chosen, plan.settings, batch, progress, summary)
    if not summary.cancelled:
        project.finish_model_run(run_id)
    return summary


@dataclass
class RunPlan:
    """What a run must cover: its settings, the images left to run, the run it resumes."""

    settings: dict[str, Any]
    chosen: list[ImageRecord]
    summary: PrelabelSummary
    unfinished: ModelRun | None


def plan_prelabel_run(
    project: Project,
    model: Model,
    *,
    conf: float | None = None,
    iou: float | None = None,
    images: str | list[ImageRecord] = "all",
    force: bool = False,
) -> RunPlan:
    """Choose a run's images (skipping covered ones unless ``force``) and find a run to resume.

    Shared by every engine, so the local and the Ray engine select, skip and resume alike.
    """
    settings = _run_settings(model, conf, iou)
    chosen = select_images(project, images) if isinstance(images, str) else images
    summary = PrelabelSummary(None, model.info.path.name, model.info.provider,
                              model.info.fallback_note)
    if not force:
        covered = project.images_covered_by(model.info.sha256, settings)
        summary.skipped_existing = sum(1 for i in chosen if i.id in covered)
        chosen = [i for i in chosen if i.id not in covered]
    unfinished = None if force else project.incomplete_run_for(model.info.sha256, settings)
    if unfinished is not None and run_is_alive(project.run_owner(unfinished.id)):
        unfinished = None  # still going in another process: not ours to resume
    return RunPlan(settings, chosen, summary, unfinished)


def this_process() -> dict[str, Any]:
    """Who runs a model run: host, pid and the process's start (pids are reused)."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "started": _process_start(pid)}


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux ``/proc``), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def run_is_alive(owner: dict[str, Any] | None) -> bool:
    """True when the run's owner is a live process on this machine (not this one)."""
    if not owner or owner.get("host") != socket.gethostname():
        return False
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    started = owner.get("started")
    return started is None or _process_start(pid) in (None, started)


def open_prelabel_run(
    project: Project, model: Model, plan: RunPlan, provider: str, fallback_note: str | None
) -> int | None:
    """Resume the plan's unfinished run or start a new one; None when there is nothing to run.

    An interrupted run of the same model and settings goes on: only the images it had not
    covered are run, and the run becomes complete when they are done.
    """
    project.set_default_model(model.info.path)
    remember_model_config(project, model.info.config_path)
    run = None
    if plan.unfinished is not None:
        try:
            run = project.resume_model_run(plan.unfinished.id, provider, this_process())
            plan.summary.resumed = True
        except RunFinishedError:  # its own process completed it after we looked
            plan.unfinished = None
    if run is None:
        if not plan.chosen:
            return None
        run = project.start_model_run(model.info.sha256, model.info.path.name, plan.settings,
                                      provider, fallback_note, owner=this_process())
    plan.summary.run_id = run.id
    return run.id


def _run_engine(project: Project, model: Model, run_id: int, chosen: list[ImageRecord],
                settings: dict[str, Any], batch: int | None, progress: Progress,
                summary: PrelabelSummary) -> None:
    """Run the batch engine over ``chosen``, storing each image as it finishes."""
    from inference import PrelabelEngine

    class_ids = project.class_ids_by_name()  # old and merged names too
    dropped: Counter[str] = Counter()
    engine = PrelabelEngine(model, batch_size=batch)
    items = [(image.id, project.image_path(image), (image.width, image.height))
             for image in chosen]
    progress.start(len(items), _("pre-labeling"))
    try:
        for result in engine.run(items, conf=settings["conf"], iou=settings["iou"],
                                 cancel=lambda: progress.cancelled):
            image_id = cast(int, result.key)  # the keys are the image ids in ``items``
            if result.error:
                summary.failed.append((str(project.image_path(project.image(image_id))),
                                       result.error))
            else:
                summary.predictions += store_image_predictions(project, run_id, image_id,
                                              result.detections, class_ids, dropped)
                summary.images += 1
            dropped.update(result.dropped_unmapped)
            progress.advance()
    except KeyboardInterrupt:
        summary.cancelled = True
    stats = engine.last_stats
    summary.cancelled = summary.cancelled or bool(stats and stats.cancelled)
    summary.seconds = stats.seconds if stats else 0.0
    summary.decode_factor = stats.decode_factor if stats else 1
    summary.dropped = dict(dropped)


def store_image_predictions(project: Project, run_id: int, image_id: int,
                            detections: list[Detection], class_ids: dict[str, int],
                            dropped: Counter[str]) -> int:
    """Store one image's detections (mapped to project classes) in one transaction.

    Idempotent per (run, image); classes the project lacks are counted in ``dropped``.
    """
    rows: list[tuple[int, Geometry, float]] = []
    for detection in detections:
        class_id = class_ids.get(detection.class_name)
        if class_id is None:
            dropped[detection.class_name] += 1
            continue
        rows.append((class_id, _to_geometry(detection), detection.score))
    return project.add_predictions(run_id, image_id, rows)


def prelabel_image(
    project: Project, image_id: int, model_path: Path | None = None, device: str = "auto",
    config_path: Path | None = None,
) -> PrelabelSummary:
    """Pre-label one image now (the workspace's "Pre-label this image"), always re-running.

    Without a model it uses the project's, with the config (class map) its last run used,
    so the new pre-labels map to the same classes as the ones they replace.
    """
    if model_path is None:
        model_path = project.default_model()
        config_path = config_path or default_model_config(project)
    if model_path is None:
        raise LabelerError(
            _(
                "this project has no model yet: run `labeler prelabel PROJECT --model "
                "MODEL.onnx` once, or choose a model in the app"
            )
        )
    return prelabel_project(project, model_path, config_path=config_path, device=device,
                            images=[project.image(image_id)], force=True)


def remember_model_config(project: Project, config_path: Path | None) -> None:
    """Record the config (class map) of the project's model; "" when it ran without one."""
    stored = project.stored_path(Path(config_path)) if config_path is not None else ""
    if project.meta().get(DEFAULT_CONFIG_META, "") != stored:
        project.set_meta(DEFAULT_CONFIG_META, stored)


def default_model_config(project: Project) -> Path | None:
    """The config file the project's last model run used (None: the model ran without one)."""
    stored = project.meta().get(DEFAULT_CONFIG_META)
    if not stored:
        return None
    path = Path(stored)
    return path if path.is_absolute() else (project.path.parent / path).resolve()


def model_provider_label(project: Project) -> str:
    """A short label of where the project's newest model run ran: "CPU", "CUDA" or "none"."""
    runs = project.model_runs()
    if not runs:
        return "none"
    provider = runs[-1].provider
    return provider.removesuffix("ExecutionProvider") or provider
