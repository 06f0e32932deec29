"""``labeler export``, ``labeler curate``, ``labeler suggest`` and ``labeler consensus``."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import N_, _, ngettext
from labeler.cli.output import print_json, progress_bar, stderr, stdout
from labeler.cli.slice_commands import add_slice_option, slice_ids
from labeler.cli.words import word
from labeler.core.consensus import ConsensusConfig
from labeler.core.curation.duplicates import DuplicateConfig
from labeler.core.curation.quality import QualityConfig
from labeler.core.store import Project

EXPORT_HELP = N_(
    "Write a cleaned dataset (COCO, YOLO, Pascal VOC or CSV) with manifest.json. Labels: "
    "--only omitted exports every live annotation, using the consensus of the annotators "
    "where several people labeled an image (accepted reviews win; clusters without quorum "
    "are handled by --unresolved); 'reviewed' keeps only images a reviewer accepted; "
    "'consensus' keeps only images confirmed by a second person (consensus or review). "
    "Rejected annotations and images are always left out. The export is written to a "
    "temporary folder and renamed into place, so a failed or interrupted export leaves "
    "nothing half-written. The same project exports to byte-identical files."
)


def _add_consensus_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--quorum",
        type=float,
        default=ConsensusConfig().quorum,
        help=_("share of an image's annotators a class needs (default: %(default)s)"),
    )
    cmd.add_argument(
        "--iou",
        type=float,
        default=ConsensusConfig().iou_threshold,
        help=_("IoU that puts two people's shapes in one cluster (default: %(default)s)"),
    )


def _add_curation_options(cmd: argparse.ArgumentParser) -> None:
    q = QualityConfig()
    cmd.add_argument(
        "--hamming",
        type=int,
        default=DuplicateConfig().hamming_threshold,
        help=_("near duplicates: pHash Hamming distance (default: %(default)s)"),
    )
    cmd.add_argument(
        "--blur",
        type=float,
        default=q.blur_threshold,
        help=_("blurry below this variance of Laplacian at 256 px "
        "(default: %(default)s, for the demo; real photos: 20-100)"),
    )
    cmd.add_argument(
        "--dark",
        type=float,
        default=q.dark_p95,
        help=_("too dark when 95%% of pixels are below this brightness (default: %(default)s)"),
    )
    cmd.add_argument(
        "--bright",
        type=float,
        default=q.bright_p05,
        help=_("overexposed when 95%% of pixels are above this brightness (default: %(default)s)"),
    )
    cmd.add_argument(
        "--min-side",
        type=int,
        default=q.min_side,
        help=_("too small below this many pixels (default: %(default)s)"),
    )
    cmd.add_argument(
        "--max-aspect",
        type=float,
        default=q.max_aspect,
        help=_("odd aspect ratio above this long/short ratio (default: %(default)s)"),
    )


def _quality(args: argparse.Namespace) -> QualityConfig:
    return QualityConfig(args.blur, args.dark, args.bright, args.min_side, args.max_aspect)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the dataset commands to the CLI."""
    _register_export(commands)
    _register_curate(commands)
    _register_suggest(commands)
    _register_consensus(commands)


def _register_export(commands: argparse._SubParsersAction) -> None:
    exp = commands.add_parser(
        "export", help=_("export a cleaned dataset"), description=_(EXPORT_HELP)
    )
    exp.add_argument("project", type=Path, help=_("the project file"))
    exp.add_argument("out", type=Path, help=_("the folder to create (must not exist or be empty)"))
    exp.add_argument(
        "--format", choices=["coco", "yolo", "voc", "csv"], required=True, help=_("dataset format")
    )
    exp.add_argument(
        "--split",
        help=_("ratios, e.g. train=0.8,val=0.2 or train=0.7,val=0.2,"
        "test=0.1 (stratified by class; near duplicates kept together, so images are "
        "decoded once to find them; results are cached beside the project)"),
    )
    exp.add_argument("--seed", type=int, default=0, help=_("split seed (default: 0)"))
    exp.add_argument(
        "--dedupe",
        action="store_true",
        help=_("keep one image of each exact or near-duplicate cluster"),
    )
    exp.add_argument(
        "--drop-unsuitable",
        action="store_true",
        help=_(
            "leave out blurry, too dark, overexposed, too small, odd-aspect and unreadable images"
        ),
    )
    exp.add_argument(
        "--only",
        choices=["all", "reviewed", "consensus"],
        default="all",
        help=_("which labels (default: all, with consensus where several people labeled an image)"),
    )
    exp.add_argument(
        "--unresolved",
        choices=["exclude-image", "drop", "keep"],
        default="exclude-image",
        help=_("images with consensus clusters without quorum: leave the image out "
        "(default), drop those objects, or keep the plurality class"),
    )
    images = exp.add_mutually_exclusive_group()
    images.add_argument("--copy-images", action="store_true", help=_("copy the image files"))
    images.add_argument(
        "--link-images", action="store_true", help=_("symlink the image files (same machine only)")
    )
    exp.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace an existing export in OUT (only once the new one is complete)"),
    )
    _add_consensus_options(exp)
    _add_curation_options(exp)
    exp.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    add_slice_option(
        exp,
        _("export only the images of this saved slice (see `labeler slice PROJECT list`)"),
    )
    exp.set_defaults(handler=run_export)


def _register_curate(commands: argparse._SubParsersAction) -> None:
    cur = commands.add_parser(
        "curate",
        help=_("find duplicates, unsuitable images, label errors and rare classes"),
        description=_("Check every image: exact and near duplicates (pHash), blurry, dark, "
        "overexposed, small and odd-aspect images; likely label errors against the newest "
        "model run (overlooked, swapped, badly placed objects); class balance. Nothing is "
        "changed; image statistics are cached beside the project (P.labeler.imagestats.json)."),
    )
    cur.add_argument("project", type=Path, help=_("the project file"))
    _add_curation_options(cur)
    cur.add_argument("--json", action="store_true", help=_("print the full report as JSON"))
    cur.set_defaults(handler=run_curate)


def _register_suggest(commands: argparse._SubParsersAction) -> None:
    sug = commands.add_parser(
        "suggest",
        help=_("rank unlabeled images: what to label next"),
        description=_("Rank unlabeled images by model uncertainty and rarity of the predicted "
        "classes, one image per near-duplicate cluster (none from clusters already labeled)."),
    )
    sug.add_argument("project", type=Path, help=_("the project file"))
    sug.add_argument("--n", type=int, default=100, help=_("how many images (default: 100)"))
    sug.add_argument(
        "--no-diversity",
        action="store_true",
        help=_("skip the near-duplicate check (decodes no images)"),
    )
    sug.add_argument("--json", action="store_true", help=_("print the ranking as JSON"))
    sug.set_defaults(handler=run_suggest)


def _register_consensus(commands: argparse._SubParsersAction) -> None:
    con = commands.add_parser(
        "consensus",
        help=_("list consensus clusters that need adjudication"),
        description=_("Cluster the annotations of images labeled by several people with the "
        "matching engine, vote the class, and list the clusters without quorum."),
    )
    con.add_argument("project", type=Path, help=_("the project file"))
    _add_consensus_options(con)
    con.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    con.set_defaults(handler=run_consensus)


def run_export(args: argparse.Namespace) -> int:
    """Export a dataset."""
    from labeler.core.export import ExportOptions, export_dataset
    from labeler.core.splits import parse_ratios

    options = ExportOptions(
        format=args.format,
        splits=parse_ratios(args.split) if args.split else None,
        seed=args.seed,
        dedupe=args.dedupe,
        drop_unsuitable=args.drop_unsuitable,
        only=args.only,
        unresolved=args.unresolved,
        images="copy" if args.copy_images else ("link" if args.link_images else "none"),
        overwrite=args.overwrite,
        consensus=ConsensusConfig(args.iou, args.quorum),
        duplicates=DuplicateConfig(args.hamming),
        quality=_quality(args),
    )
    with (
        Project.open(args.project) as project,
        progress_bar(_("exporting"), enabled=not args.json) as progress,
    ):
        subset = slice_ids(project, args)
        if subset is not None:
            options = replace(options, subset=tuple(subset))
        result = export_dataset(project, args.out, options, progress)
    summary = result.summary()
    if args.json:
        print_json(summary)
        return 0
    splits = ", ".join(
        _("{split} {images} images / {objects} objects").format(
            split=k, images=v["images"], objects=v["objects"])
        for k, v in summary["splits"].items()
    )
    stdout.print(_("Exported {format} to {folder}: {splits}").format(
        format=args.format.upper(), folder=args.out, splits=splits))
    if summary["excluded"]:
        reasons = ", ".join(f"{k} {v}" for k, v in summary["excluded_by_reason"].items())
        stdout.print(ngettext("Excluded {n} image ({reasons}); see manifest.json",
                              "Excluded {n} images ({reasons}); see manifest.json",
                              summary["excluded"]).format(n=summary["excluded"], reasons=reasons))
    if summary["unresolved_clusters"]:
        stdout.print(
            ngettext("{n} unresolved consensus cluster ({handling}); list them with: "
                     "labeler consensus {project}",
                     "{n} unresolved consensus clusters ({handling}); list them with: "
                     "labeler consensus {project}", summary["unresolved_clusters"]).format(
                n=summary["unresolved_clusters"], handling=args.unresolved, project=args.project)
        )
    if summary["label_issues"]:
        issues = ", ".join(f"{word(k)} {v}" for k, v in summary["label_issues"].items())
        stdout.print(_("Likely label errors flagged for review (kept): {issues}").format(
            issues=issues))
    if summary["rare_classes"]:
        stdout.print(_("Rare classes: {classes}").format(
            classes=", ".join(summary["rare_classes"])))
    return 0


def run_curate(args: argparse.Namespace) -> int:
    """Run every curation check and print the findings."""
    from labeler.core.curation import CurationConfig, curate_project

    config = CurationConfig(duplicates=DuplicateConfig(args.hamming), quality=_quality(args))
    with (
        Project.open(args.project) as project,
        progress_bar(_("checking images"), enabled=not args.json) as progress,
    ):
        report = curate_project(project, config, progress)
        paths = {r.id: r.path for r in project.images()}
    data = report.to_dict()
    if args.json:
        print_json(data)
        return 0
    _print_curation(data, paths)
    return 0


def _print_curation(data: dict[str, Any], paths: dict[int, str]) -> None:
    clusters = data["duplicates"]["clusters"]
    stdout.print(_("Images: {images}   Duplicate clusters: {clusters}").format(
        images=data["images"], clusters=len(clusters)))
    for cluster in clusters:
        others = ", ".join(paths[i] for i in cluster["image_ids"] if i != cluster["keep"])
        stdout.print("  " + _("{kind}: keep {kept}; also {others}").format(
            kind=cluster["kind"], kept=paths[cluster["keep"]], others=others))
    issues = data["quality"]["issues"]
    unsuitable = len({i["image_id"] for i in issues})
    stdout.print(_("Unsuitable images: {n}").format(n=unsuitable))
    for issue in issues:
        stdout.print(f"  {paths[issue['image_id']]}: {issue['text']}", soft_wrap=True)
    counts = data["label_errors"]["counts"]
    checked = data["label_errors"]["images_checked"]
    found = ", ".join(f"{word(k)} {v}" for k, v in counts.items()) or _("none")
    stdout.print(_("Likely label errors ({checked} images with predictions): {found}").format(
        checked=checked, found=found))
    table = Table(_("class"), _("objects"), _("images"), _("share"), _("rare"))
    for row in data["class_balance"]["classes"]:
        table.add_row(
            row["name"],
            str(row["objects"]),
            str(row["images"]),
            f"{row['share']:.1%}",
            _("yes") if row["rare"] else "",
        )
    stdout.print(table)


def run_suggest(args: argparse.Namespace) -> int:
    """Print the images to label next."""
    from labeler.core.curation.suggest import SuggestConfig, suggest_images

    config = SuggestConfig(diversity=not args.no_diversity)
    with (
        Project.open(args.project) as project,
        progress_bar(_("ranking"), enabled=not args.json) as progress,
    ):
        ranked = suggest_images(project, args.n, config, progress)
        names = {c.id: c.name for c in project.classes()}
    rows: list[dict[str, Any]] = [
        {**s.to_dict(), "predicted_classes": [names[c] for c in s.predicted_classes]}
        for s in ranked
    ]
    if args.json:
        print_json({"settings": config.to_dict(), "suggestions": rows})
        return 0
    table = Table(
        "#", _("image"), _("score"), _("uncertainty"), _("rarity"), _("predicted"), _("similar")
    )
    for n, row in enumerate(rows, start=1):
        table.add_row(
            str(n),
            row["path"],
            f"{row['score']:.3f}",
            f"{row['uncertainty']:.2f}",
            f"{row['rarity']:.2f}",
            ", ".join(row["predicted_classes"]),
            str(row["similar_images"]),
        )
    stdout.print(table)
    return 0


def run_consensus(args: argparse.Namespace) -> int:
    """List unresolved consensus clusters."""
    from labeler.core.consensus import consensus_stream

    config = ConsensusConfig(args.iou, args.quorum)
    multi = agreed = empty_images = outvoted = 0
    unresolved = []
    with Project.open(args.project) as project:
        for _image_id, result in consensus_stream(project, config):  # one run in memory
            empty_images += not result.labels and not result.unresolved
            outvoted += result.negatives
            if result.method == "consensus":
                multi += 1
                agreed += len(result.labels)
                unresolved += result.unresolved
        ids = sorted({c.image_id for c in unresolved})
        paths = {r.id: r.path for r in project.images_by_ids(ids)} if ids else {}
        names = {c.id: c.name for c in project.classes()}
    negatives = {"images": empty_images, "clusters": outvoted}
    if args.json:
        print_json(
            {
                "settings": config.to_dict(),
                "images_with_several_annotators": multi,
                "labels_agreed": agreed,
                "negatives": negatives,
                "unresolved": [{**c.to_dict(), "file": paths[c.image_id]} for c in unresolved],
            }
        )
        return 0
    stdout.print(
        _("Images labeled by several people: {images}; agreed labels: {agreed}; "
          "unresolved clusters: {unresolved}").format(
            images=multi, agreed=agreed, unresolved=len(unresolved))
    )
    stdout.print(
        _("Negatives: {images} images answered with nothing in the end; "
          "{objects} objects outvoted by empty answers").format(
            images=negatives["images"], objects=negatives["clusters"])
    )
    for c in unresolved:
        votes = ", ".join(f"{names[k]} {v}" for k, v in c.votes)
        why = (
            _("tie: no class has more votes than the others")
            if c.reason == "tie"
            else _("below quorum: needs {required} of {annotators} annotators").format(
                required=c.required, annotators=c.annotators)
        )
        line = _("{file}: annotations {ids} votes {votes} ({why})").format(
            file=paths[c.image_id], ids=list(c.annotation_ids), votes=votes, why=why)
        stderr.print("  " + line, soft_wrap=True)
    return 0
