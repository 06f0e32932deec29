"""``labeler agreement``, ``disagreements``, ``diagnose`` and ``report``."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import N_, _, ngettext
from labeler.cli.output import print_json, stdout, styled
from labeler.cli.slice_commands import add_slice_option, slice_ids
from labeler.cli.words import truth_word, word
from labeler.core.agreement import agreement_report
from labeler.core.diagnosis import TRUTH_RULE, diagnose
from labeler.core.diagnosis.diagnose import DEFAULT_MIN_SCORE
from labeler.core.disagreements import (
    Disagreement,
    disagreements_all_pairs,
    disagreements_between,
    disagreements_with_consensus,
    disagreements_with_model,
)
from labeler.core.errors import LabelerError
from labeler.core.i18n import translate
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, DEFAULT_LOW_OVERLAP
from labeler.core.report import write_report
from labeler.core.run_lookup import resolve_model_run
from labeler.core.store import Project

TABLE_ROWS = 50
MODEL_HELP = N_("a model run id, or a model name for its latest complete run (see `info`)")


def _number_argument(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        message = _("expected a number, got {value}").format(value=repr(text))
        raise argparse.ArgumentTypeError(message) from None


def _fraction(text: str) -> float:
    value = _number_argument(text)
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(_("{value} is not in (0, 1]").format(value=text))
    return value


def register(commands: argparse._SubParsersAction) -> None:
    """Add the analysis commands to the CLI."""
    dis = commands.add_parser(
        "disagreements",
        help=_("list where labels disagree, worst first"),
        description=_("List disagreements (missing, extra, class_mismatch, low_overlap, "
        "tag_mismatch) between two annotators (--between A B), between one annotator and the "
        "consensus of the others (--consensus NAME), between a model run and the "
        "annotators' consensus or one --annotator (--model RUN), or, with none of these, "
        "between every pair of annotators who share images."),
    )
    dis.add_argument("project", type=Path, help=_("the project file"))
    side = dis.add_mutually_exclusive_group()
    side.add_argument(
        "--between",
        nargs=2,
        metavar=("A", "B"),
        help=_("two annotators by name; A is the reference ('missing' = B lacks it)"),
    )
    side.add_argument("--model", metavar="RUN", help=_(MODEL_HELP))
    side.add_argument(
        "--consensus",
        metavar="NAME",
        help=_("one annotator against the consensus of the others on the images they share"),
    )
    dis.add_argument("--annotator", help=_("with --model: compare to this person, not consensus"))
    dis.add_argument(
        "--iou",
        type=_fraction,
        default=DEFAULT_IOU_THRESHOLD,
        help=_("IoU needed to match two objects (default: %(default)s)"),
    )
    dis.add_argument(
        "--low-overlap",
        type=_fraction,
        default=DEFAULT_LOW_OVERLAP,
        help=_("matches below this IoU are reported (default: %(default)s)"),
    )
    dis.add_argument("--limit", type=int, help=_("show at most this many (table default: 50)"))
    dis.add_argument("--json", action="store_true", help=_("print the list as JSON"))
    dis.set_defaults(handler=run_disagreements)

    agr = commands.add_parser(
        "agreement",
        help=_("inter-annotator agreement on tags and objects"),
        description=_("Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha on image "
        "tags; detection F1, mean IoU and Krippendorff's alpha on objects; breakdowns per "
        "class, person, vendor, guideline version and week; median seconds per image/object."),
    )
    agr.add_argument("project", type=Path, help=_("the project file"))
    agr.add_argument(
        "--iou",
        type=_fraction,
        default=DEFAULT_IOU_THRESHOLD,
        help=_("IoU needed to match two objects (default: %(default)s)"),
    )
    agr.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    add_slice_option(
        agr,
        _("compare only the images of this saved slice (see `labeler slice PROJECT list`)"),
    )
    agr.set_defaults(handler=run_agreement)
    _register_diagnose(commands)
    _register_report(commands)


def _register_diagnose(commands: argparse._SubParsersAction) -> None:
    diag = commands.add_parser(
        "diagnose",
        help=_("evaluate a model run against reviewed or consensus labels"),
        description=_("COCO-style mAP@[.5:.95], AP50, AP75 (equal to pycocotools COCOeval: "
        "101-point interpolation, area ranges, 100 detections per image), per-class AP, "
        "precision-recall curves, a confusion matrix with a background row and column, and "
        "false-positive / false-negative slices (image and prediction or annotation ids). ")
        + translate(TRUTH_RULE, "core"),
    )
    diag.add_argument("project", type=Path, help=_("the project file"))
    diag.add_argument(
        "--model", metavar="RUN",
        help=_("{model_help} (default: the latest complete run)").format(model_help=_(MODEL_HELP)),
    )
    diag.add_argument(
        "--truth", metavar="NAME", help=_("use this annotator's labels as the truth instead")
    )
    diag.add_argument(
        "--iou",
        type=_fraction,
        default=DEFAULT_IOU_THRESHOLD,
        help=_("IoU for the confusion matrix and slices (default: %(default)s; AP uses .50:.95)"),
    )
    diag.add_argument(
        "--min-score",
        type=_score,
        default=DEFAULT_MIN_SCORE,
        help=_("predictions below this score stay out of the confusion matrix and slices "
        "(default: %(default)s; AP uses every prediction)"),
    )
    diag.add_argument(
        "--against",
        metavar="RUN",
        help=_("compare --model with this run on the images both covered: deltas per metric "
        "and class, both confusion matrices, images that improved, regressed, stayed wrong"),
    )
    diag.add_argument("--limit", type=int, help=_("list at most this many FP and FN (table: 20)"))
    diag.add_argument("--json", action="store_true", help=_("print the diagnosis as JSON"))
    add_slice_option(diag, _("evaluate on only the images of this saved slice (see `labeler "
                             "slice PROJECT list`)"))
    diag.set_defaults(handler=run_diagnose)


def _register_report(commands: argparse._SubParsersAction) -> None:
    rep = commands.add_parser(
        "report",
        help=_("write a self-contained HTML report (agreement, disagreements, diagnosis)"),
        description=_("Write one HTML file with inline CSS and SVG charts (no scripts, no network) "
        "for people without the app: project summary, agreement tables and charts, "
        "disagreements by type and, for a model run (the newest unless --model), its diagnosis."),
    )
    rep.add_argument("project", type=Path, help=_("the project file"))
    rep.add_argument("output", type=Path, help=_("the HTML file to write"))
    rep.add_argument("--model", metavar="RUN", help=_("model run to diagnose: {model_help}").format(
        model_help=_(MODEL_HELP)))
    rep.add_argument(
        "--against",
        metavar="RUN",
        help=_("add a compare-runs section: --model (A) against this run (B)"),
    )
    rep.add_argument("--truth", metavar="NAME", help=_("annotator whose labels are the truth"))
    rep.add_argument(
        "--iou",
        type=_fraction,
        default=DEFAULT_IOU_THRESHOLD,
        help=_("IoU needed to match two objects (default: %(default)s)"),
    )
    rep.add_argument("--force", action="store_true", help=_("overwrite OUTPUT if it exists"))
    rep.add_argument("--curation", action="store_true",
                     help=_("add the curation section (duplicates, unsuitable images, likely "
                     "label errors, class balance); reads every image's pixels once"))
    add_slice_option(rep, _("diagnose, compare and measure agreement on only the images of this "
                            "saved slice (see `labeler slice PROJECT list`)"))
    rep.set_defaults(handler=run_report)


def _score(text: str) -> float:
    value = _number_argument(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(_("{value} is not in [0, 1]").format(value=text))
    return value


def run_disagreements(args: argparse.Namespace) -> int:
    """List disagreements."""
    if args.annotator and args.model is None:
        raise LabelerError(_("--annotator goes with --model RUN"))
    if args.limit is not None and args.limit < 0:
        raise LabelerError(_("--limit must be 0 or more"))
    with Project.open(args.project) as project:
        if args.between:
            person_a, person_b = args.between
            found = disagreements_between(project, person_a, person_b, args.iou, args.low_overlap)
            comparison = {"kind": "annotators", "a": args.between[0], "b": args.between[1]}
        elif args.consensus:
            found = disagreements_with_consensus(
                project, args.consensus, args.iou, args.low_overlap
            )
            comparison = {"kind": "consensus", "a": args.consensus, "b": "consensus of others"}
        elif args.model is not None:
            run_id = resolve_model_run(project, args.model)
            found = disagreements_with_model(
                project, run_id, args.annotator, args.iou, args.low_overlap
            )
            comparison = {
                "kind": "model",
                "run": run_id,
                "a": args.annotator or "consensus",
                "b": f"model run {run_id}",
            }
        else:
            found = disagreements_all_pairs(project, args.iou, args.low_overlap)
            comparison = {"kind": "all_pairs"}
        limit = args.limit if args.limit is not None else (None if args.json else TABLE_ROWS)
        shown = found[:limit] if limit is not None else found
        shown_images = sorted({d.image_id for d in shown})  # paths of these only
        paths = {image.id: image.path for image in project.images_by_ids(shown_images)}
    if args.json:
        print_json(
            {
                "comparison": comparison,
                "iou_threshold": args.iou,
                "low_overlap": args.low_overlap,
                "total": len(found),
                "by_type": dict(Counter(d.type.value for d in found)),
                "disagreements": [d.to_dict(paths.get(d.image_id)) for d in shown],
            }
        )
        return 0
    _print_disagreements(found, shown, paths)
    return 0


def _print_disagreements(
    found: list[Disagreement], shown: list[Disagreement], paths: dict[int, str]
) -> None:
    if not found:
        stdout.print(_("No disagreements."))
        return
    counts = ", ".join(f"{word(k)} {v}" for k, v in Counter(d.type.value for d in found).items())
    stdout.print(ngettext("{n} disagreement ({counts})", "{n} disagreements ({counts})",
                          len(found)).format(n=len(found), counts=counts))
    table = Table(_("severity"), _("type"), _("image"), "a", "b", _("a class"), _("b class"),
                  "IoU", _("score"))
    for d in shown:
        table.add_row(
            f"{d.severity:.2f}",
            word(d.type.value),
            paths.get(d.image_id, str(d.image_id)),
            d.side_a,
            d.side_b,
            d.a_class or "",
            d.b_class or "",
            "" if d.iou is None else f"{d.iou:.2f}",
            "" if d.score is None else f"{d.score:.2f}",
        )
    stdout.print(table)
    if len(shown) < len(found):
        more = len(found) - len(shown)
        stdout.print("... " + _("{n} more (use --limit or --json)").format(n=more))


def run_agreement(args: argparse.Namespace) -> int:
    """Print the agreement report."""
    with Project.open(args.project) as project:
        report = agreement_report(project, args.iou, slice_ids(project, args))
    if args.json:
        print_json(report.to_dict())
        return 0
    _print_agreement(report.to_dict())
    return 0


def _value(metric: dict[str, Any]) -> str:
    if metric["value"] is None:
        return _("n/a ({why})").format(why=metric["explanation"].removeprefix("undefined: "))
    return f"{metric['value']:.3f}"


def _print_agreement(data: dict[str, Any]) -> None:
    annotators = ", ".join(data["annotators"]) or _("none")
    stdout.print(
        _("Annotators: {annotators}; images answered by two or more (empty answers too): "
          "{images}; IoU threshold {iou}").format(
            annotators=annotators, images=data["images_compared"], iou=data["iou_threshold"])
    )
    if data["tags"]:
        tags = data["tags"]
        stdout.print(
            styled("[bold]{}[/]: {}", _("Tags"), f"Fleiss' kappa {_value(tags['fleiss_kappa'])}, "
                   f"Krippendorff's alpha {_value(tags['krippendorff_alpha'])}")
        )
        table = Table("a", "b", "Cohen's kappa", _("images"))
        for pair in tags["pairs"]:
            table.add_row(
                pair["a"], pair["b"], _value(pair["cohen_kappa"]), str(pair["cohen_kappa"]["n"])
            )
        stdout.print(table)
    if data["objects"]:
        objects = data["objects"]
        stdout.print(
            styled("[bold]{}[/]: {}", _("Objects"), _(
                "F1 {f1}, mean IoU {iou}, Krippendorff's alpha {alpha}").format(
                f1=_value(objects["f1"]), iou=_value(objects["mean_iou"]),
                alpha=_value(objects["krippendorff_alpha"])))
        )
        _group_table("pair", [({"pair": f"{p['a']} / {p['b']}", **p}) for p in objects["pairs"]])
        _group_table("class", objects["per_class"])
    people = Table(
        _("person"),
        _("organization"),
        _("F1 vs others"),
        _("F1 vs consensus"),
        _("median s/image"),
        _("median s/object"),
    )
    for p in data["people"]:
        people.add_row(
            p["name"],
            p["organization"] or "",
            _value(p["vs_others"]["f1"]),
            _value(p["vs_consensus"]["f1"]),
            _value(p["median_seconds_per_image"]),
            _value(p["median_seconds_per_object"]),
        )
    stdout.print(people)
    _group_table("organization", data["vendors"])
    _group_table("guideline_version", data["guideline_versions"])
    _group_table("week", data["weeks"])


def _group_table(key: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = Table(_(GROUP_TITLES[key]), "F1", _("mean IoU"), _("matched"), _("comparisons"))
    for row in rows:
        table.add_row(
            str(row[key]),
            _value(row["f1"]),
            _value(row["mean_iou"]),
            str(row["matched"]),
            str(row["comparisons"]),
        )
    stdout.print(table)


GROUP_TITLES = {
    "pair": N_("pair"),
    "class": N_("class"),
    "organization": N_("organization"),
    "guideline_version": N_("guideline version"),
    "week": N_("week"),
}
DIAGNOSE_ROWS = 20


def default_run_id(project: Project) -> int:
    """The run to evaluate when none is named: the latest complete one."""
    run = project.latest_complete_run()
    if run is None:
        unfinished = [r.id for r in project.model_runs()]
        detail = _(" (run {runs} did not finish: run `labeler prelabel` again to resume it)")
        detail = detail.format(runs=", ".join(map(str, unfinished))) if unfinished else ""
        message = _("{project}: no complete model run to evaluate{detail}")
        raise LabelerError(message.format(project=project.path, detail=detail))
    return run.id


def run_diagnose(args: argparse.Namespace) -> int:
    """Print the diagnosis of a model run."""
    if args.limit is not None and args.limit < 0:
        raise LabelerError(_("--limit must be 0 or more"))
    with Project.open(args.project) as project:
        run_id = default_run_id(project) if args.model is None else resolve_model_run(
            project, args.model
        )
        if args.against is not None:
            return _run_comparison(project, run_id, args)
        result = diagnose(
            project, run_id, args.truth, args.iou, args.min_score, slice_ids(project, args)
        )
        if args.model is None and not args.json:
            stdout.print(_("Using run {run}, the latest complete run (--model to choose)").format(
                run=run_id))
    if args.json:
        print_json(result.to_dict(args.limit))
        return 0
    _print_diagnosis(result.to_dict(args.limit if args.limit is not None else DIAGNOSE_ROWS))
    return 0


def _run_comparison(project: Project, run_id: int, args: argparse.Namespace) -> int:
    """``diagnose --against B``: run ``run_id`` (A) and B side by side."""
    from labeler.cli.compare_output import print_comparison
    from labeler.core.diagnosis.compare import compare_runs

    against = resolve_model_run(project, args.against)
    result = compare_runs(
        project, run_id, against, args.truth, args.iou, args.min_score, slice_ids(project, args)
    )
    limit = args.limit if args.limit is not None else (None if args.json else DIAGNOSE_ROWS)
    if args.json:
        print_json(result.to_dict(limit))
    else:
        print_comparison(result.to_dict(limit))
    return 0


def _number(value: float | None) -> str:
    return _("n/a") if value is None else f"{value:.3f}"


def _print_left_out(data: dict[str, Any]) -> None:
    """How many images were evaluated and why the others were not."""
    left = data.get("images_left_out", {})
    total = data["images_evaluated"] + sum(left.values())
    why = _("; left out: {reasons}").format(
        reasons=", ".join(f"{word(k)} {v}" for k, v in left.items())) if left else ""
    evaluated = ngettext("Evaluated {n} of {total} image{why}",
                         "Evaluated {n} of {total} images{why}", total)
    stdout.print(evaluated.format(n=data["images_evaluated"], total=total, why=why))


def _print_diagnosis(data: dict[str, Any]) -> None:
    run = data["run"]
    sources = ", ".join(f"{word(k)} {v}" for k, v in data["truth_sources"].items()) or _("none")
    stdout.print(
        _("Model run {id} ({model}) against {truth} labels: {images} images ({sources}), "
          "{objects} truth objects, {predictions} predictions").format(
            id=run["id"], model=run["model"], truth=truth_word(data["truth"]),
            images=data["images"], sources=sources, objects=data["truth_objects"],
            predictions=data["predictions"])
    )
    _print_left_out(data)
    metrics = data["metrics"]
    stdout.print(
        styled("[bold]{}[/] {}", "mAP@[.5:.95]", f"{_number(metrics['AP'])}  AP50 "
               f"{_number(metrics['AP50'])}  AP75 {_number(metrics['AP75'])}  "
               f"AR100 {_number(metrics['AR100'])}")
    )
    table = Table(_("class"), "AP", "AP50", "AP75", _("truth"), _("predictions"))
    for row in data["per_class"]:
        table.add_row(
            row["class"],
            _number(row["ap"]),
            _number(row["ap50"]),
            _number(row["ap75"]),
            str(row["truth"]),
            str(row["predictions"]),
        )
    stdout.print(table)
    matrix = data["confusion_matrix"]
    stdout.print(
        _("Confusion matrix (rows: truth, columns: prediction; IoU >= {iou}, "
          "score >= {score})").format(iou=data["iou_threshold"], score=data["min_score"])
    )
    labels = [str(label) for label in matrix["labels"]]
    grid = Table(_("truth \\ predicted"), *labels)
    for label, row in zip(labels, matrix["matrix"], strict=True):
        grid.add_row(label, *(str(v) for v in row))
    stdout.print(grid)
    for key, title in (
        ("false_positives", _("False positives")),
        ("false_negatives", _("False negatives")),
    ):
        _print_slice(title, data[key])


def _print_slice(title: str, slice_: dict[str, Any]) -> None:
    stdout.print(styled("[bold]{}[/]: {}", title, slice_["total"]))
    if not slice_["items"]:
        return
    table = Table(_("image"), "id", _("class"), _("score"), _("reason"), _("other class"), "IoU")
    for item in slice_["items"]:
        table.add_row(
            item["image"] or str(item["image_id"]),
            str(item.get("prediction_id") or item.get("annotation_id")),
            item["class"],
            "" if item["score"] is None else f"{item['score']:.2f}",
            word(item["reason"]),
            item["other_class"] or "",
            "" if item["iou"] is None else f"{item['iou']:.2f}",
        )
    stdout.print(table)
    if len(slice_["items"]) < slice_["total"]:
        more = slice_["total"] - len(slice_["items"])
        stdout.print("... " + _("{n} more (use --limit or --json)").format(n=more))


def run_report(args: argparse.Namespace) -> int:
    """Write the HTML report."""
    if args.output.exists() and not args.force:
        raise LabelerError(_("{path}: a file already exists there (use --force)").format(
            path=args.output))
    with Project.open(args.project) as project:
        run_id = None if args.model is None else resolve_model_run(project, args.model)
        against = None if args.against is None else resolve_model_run(project, args.against)
        written = write_report(project, args.output, run_id, args.truth, args.iou,
                               curation=args.curation, against=against,
                               images=slice_ids(project, args))
    stdout.print(_("Report written to {path}").format(path=written))
    return 0
