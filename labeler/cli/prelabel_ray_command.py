"""``labeler prelabel --engine ray``: the same run as the local engine, on a Ray cluster."""

from __future__ import annotations

import argparse

from labeler.cli.about import first_time
from labeler.cli.output import print_json, progress_bar, stderr, stdout, styled
from labeler.cli.prelabel_command import print_run_details
from labeler.cli.slice_commands import images_or_query
from labeler.core.store import Project


def run_prelabel_on_ray(args: argparse.Namespace) -> int:
    """Pre-label on Ray and report throughput, start-up and the workers' provider."""
    from labeler.core.prelabel_ray import RayOptions, import_ray, prelabel_project_on_ray

    import_ray()  # says how to install Ray before anything else happens
    options = RayOptions(address=args.address, workers=args.workers,
                         cpus_per_worker=args.cpus_per_worker,
                         gpus_per_worker=args.gpus_per_worker, image_root=args.image_root,
                         shard_size=args.shard_size)
    with (Project.open(args.project) as project,
          progress_bar("pre-labeling on Ray", enabled=not args.json) as progress):
        summary = prelabel_project_on_ray(
            project, args.model, options=options, config_path=args.config,
            conf=args.conf, iou=args.iou, device=args.device, batch=args.batch,
            images=images_or_query(project, args), force=args.force, progress=progress)
    if args.json:
        print_json(summary.to_dict())
        return 130 if summary.cancelled else 0
    if summary.run_id is None or (summary.images == 0 and not summary.failed
                                  and not summary.cancelled):
        what = (f"all {summary.skipped_existing} chosen images are already covered by this "
                "model and settings (--force to redo them)" if summary.skipped_existing
                else f"--images {args.images} chooses no image")
        stdout.print(f"Nothing to pre-label: {what}.")
        return 0
    stdout.print(
        f"Pre-labeled {summary.images} images ({summary.predictions} predictions) on Ray in "
        f"{summary.seconds:.1f} s after {summary.startup_seconds:.1f} s start-up: "
        f"{summary.images_per_second:.1f} images/s, {summary.workers} workers on "
        f"{summary.provider}, run {summary.run_id}" + (" (resumed)" if summary.resumed else ""))
    if summary.fallback_note and first_time(summary.fallback_note):
        stderr.print(styled("[dim]{}[/]", summary.fallback_note), soft_wrap=True)
    print_run_details(summary)
    return 130 if summary.cancelled else 0
