"""``labeler prelabel --engine ray``: the same run as the local engine, on a Ray cluster."""

from __future__ import annotations

import argparse

from labeler.cli.about import first_time
from labeler.cli.i18n import _, ngettext
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
          progress_bar(_("pre-labeling on Ray"), enabled=not args.json) as progress):
        summary = prelabel_project_on_ray(
            project, args.model, options=options, config_path=args.config,
            conf=args.conf, iou=args.iou, device=args.device, batch=args.batch,
            images=images_or_query(project, args), force=args.force, progress=progress)
    if args.json:
        print_json(summary.to_dict())
        return 130 if summary.cancelled else 0
    if summary.run_id is None or (summary.images == 0 and not summary.failed
                                  and not summary.cancelled):
        what = (ngettext("the {n} chosen image is already covered by this model and settings "
                         "(--force to redo it)",
                         "all {n} chosen images are already covered by this model and settings "
                         "(--force to redo them)", summary.skipped_existing).format(
                    n=summary.skipped_existing) if summary.skipped_existing
                else _("--images {query} chooses no image").format(query=args.images))
        stdout.print(_("Nothing to pre-label: {what}.").format(what=what))
        return 0
    stdout.print(
        _("Pre-labeled {n} images ({predictions} predictions) on Ray in {seconds} s after "
          "{startup} s start-up: {rate} images/s, {workers} workers on {provider}, "
          "run {run}").format(
            n=summary.images, predictions=summary.predictions, seconds=f"{summary.seconds:.1f}",
            startup=f"{summary.startup_seconds:.1f}", rate=f"{summary.images_per_second:.1f}",
            workers=summary.workers, provider=summary.provider, run=summary.run_id)
        + (_(" (resumed)") if summary.resumed else ""))
    if summary.fallback_note and first_time(summary.fallback_note):
        stderr.print(styled("[dim]{}[/]", summary.fallback_note), soft_wrap=True)
    print_run_details(summary)
    return 130 if summary.cancelled else 0
