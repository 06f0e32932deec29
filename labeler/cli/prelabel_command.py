"""``labeler prelabel``: pre-label a project's images with a local ONNX model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from labeler.cli.about import first_time
from labeler.cli.i18n import _, ngettext
from labeler.cli.output import print_json, progress_bar, stderr, stdout, styled
from labeler.cli.slice_commands import add_slice_option, images_or_query

if TYPE_CHECKING:
    from labeler.core.prelabel import PrelabelSummary


def register(commands: argparse._SubParsersAction) -> None:
    """Add the prelabel command to the CLI."""
    cmd = commands.add_parser(
        "prelabel", help=_("pre-label images with a local ONNX model"),
        description=_("Run a local ONNX model over the project's images and store its "
        "predictions as one model run (model hash, settings, provider, timing). Images "
        "already pre-labeled by the same model and settings are skipped unless --force. "
        "Ctrl+C keeps every finished image. See docs/models.md for supported models."))
    cmd.add_argument("project", type=Path, help=_("the project file"))
    cmd.add_argument("--model", type=Path, required=True, help=_("the model (MODEL.onnx)"))
    cmd.add_argument("--config", type=Path,
                     help=_("model config (default: MODEL.json or MODEL.yaml beside the model)"))
    cmd.add_argument("--conf", type=float, help=_("confidence threshold (default: config or 0.25)"))
    cmd.add_argument("--iou", type=float, help=_("NMS IoU threshold (default: config or 0.45)"))
    cmd.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                     help=_("auto: CUDA when it works, else CPU (said so); cuda: fail without it"))
    cmd.add_argument(
        "--batch", type=int, help=_("images per inference call (dynamic-batch models)")
    )
    cmd.add_argument("--images", default="all",
                     help=_("all | unlabeled | status:NAME | a glob on image paths"))
    add_slice_option(
        cmd,
        _("pre-label only the images of this saved slice (see `labeler slice PROJECT list`)"),
    )
    cmd.add_argument("--force", action="store_true",
                     help=_("re-run on images this model and settings already covered"))
    cmd.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    _add_engine_arguments(cmd)
    cmd.set_defaults(handler=run_prelabel)


def _add_engine_arguments(cmd: argparse.ArgumentParser) -> None:
    """The --engine flags: where the run happens (this machine, or a Ray cluster)."""
    group = cmd.add_argument_group(_("engine"), _("run on this machine (default) or on a Ray "
                                                  "cluster; see docs/scaling.md"))
    group.add_argument("--engine", choices=["local", "ray"], default="local",
                       help=_('local (default) or ray (needs pip install "labeler[ray]")'))
    group.add_argument("--address",
                       help=_("Ray cluster: auto (the running one) or ray://HOST:10001; "
                       "default: start a local cluster"))
    group.add_argument("--workers", type=int, default=2,
                       help=_("Ray actors, each with one model session (default 2)"))
    group.add_argument("--cpus-per-worker", type=float, default=1.0,
                       help=_("CPUs reserved per Ray actor (default 1; its ONNX Runtime threads)"))
    group.add_argument("--gpus-per-worker", type=float, default=0.0,
                       help=_("GPUs per Ray actor, e.g. 1 or 0.5 (default 0)"))
    group.add_argument("--image-root", help=_("workers read the images at IMAGE_ROOT/<stored "
                       "path> (a shared mount); default: the driver ships the bytes"))
    group.add_argument("--shard-size", type=int, default=16,
                       help=_("images per Ray shard (default 16)"))


def run_prelabel(args: argparse.Namespace) -> int:
    """Pre-label and report throughput and the provider actually used."""
    if args.engine == "ray":
        from labeler.cli.prelabel_ray_command import run_prelabel_on_ray

        return run_prelabel_on_ray(args)
    from labeler.core.model_loading import load_project_model, start_loading

    # ONNX Runtime builds the session without the GIL while the store loads and the
    # project opens (0.1-0.2 s of a 2 s run of 40 camera photos on 2 cores). Not for a
    # project that is not there: its error should not wait for a CUDA start.
    loading = start_loading(args.model, args.config, args.device) if (
        Path(args.project).is_file()
    ) else None
    from labeler.core.prelabel import prelabel_project
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        model = loading.result() if loading is not None else load_project_model(
            args.model, args.config, args.device
        )
        if not args.json:
            about = ngettext("Model {name}: {task}, {n} class", "Model {name}: {task}, {n} classes",
                             len(model.info.class_names)).format(
                name=model.info.path.name, task=model.info.task, n=len(model.info.class_names))
            stderr.print(styled(_("{}, on [bold]{}[/]"), about, model.info.provider))
            if model.info.fallback_note and first_time(model.info.fallback_note):
                # said once per user: later runs only say "on CPUExecutionProvider"
                stderr.print(styled("[dim]{}[/]", model.info.fallback_note), soft_wrap=True)
        with progress_bar(_("pre-labeling"), enabled=not args.json) as progress:
            summary = prelabel_project(
                project, args.model, config_path=args.config, conf=args.conf, iou=args.iou,
                device=args.device, batch=args.batch, images=images_or_query(project, args),
                force=args.force, progress=progress)
    if args.json:
        print_json(summary.to_dict())
    else:
        run = _(", run {run}").format(run=summary.run_id) if summary.run_id else ""
        stdout.print(
            ngettext("Pre-labeled {n} image ({predictions} predictions) in {seconds} s: "
                     "{rate} images/s on {provider}",
                     "Pre-labeled {n} images ({predictions} predictions) in {seconds} s: "
                     "{rate} images/s on {provider}", summary.images).format(
                n=summary.images, predictions=summary.predictions,
                seconds=f"{summary.seconds:.1f}", rate=f"{summary.images_per_second:.1f}",
                provider=summary.provider) + run)
        print_run_details(summary)
    return 130 if summary.cancelled else 0


def print_run_details(summary: PrelabelSummary) -> None:
    """What both engines say after the summary line: skipped, dropped, failed, interrupted."""
    if summary.skipped_existing:
        stdout.print(ngettext("Skipped {n} image this model and settings already covered "
                              "(--force to redo them).",
                              "Skipped {n} images this model and settings already covered "
                              "(--force to redo them).", summary.skipped_existing).format(
            n=summary.skipped_existing))
    if summary.dropped:
        names = ", ".join(f"{k} ({v})" for k, v in sorted(summary.dropped.items()))
        stdout.print(_("Dropped predictions of classes the project does not have: {names}").format(
            names=names))
    for path, reason in summary.failed:
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("failed"), path, reason), soft_wrap=True)
    if summary.cancelled:
        stderr.print(styled("[yellow]{}[/] {}", _("Interrupted:"),
                            _("finished images were kept.")))
