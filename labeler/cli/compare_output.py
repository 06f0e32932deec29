"""Printing ``labeler diagnose --model A --against B``: two runs side by side."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from labeler.cli.i18n import N_, _
from labeler.cli.output import stdout, styled
from labeler.cli.words import truth_word, word
from labeler.core.diagnosis.compare import CHANGE_KINDS

CHANGE_TITLES = {
    "improved": N_("Improved (fewer errors with A)"),
    "regressed": N_("Regressed (more errors with A)"),
    "stayed_wrong": N_("Stayed wrong (as many errors with both)"),
}
SHOWN_METRICS = ("AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large", "AR100")


def _number(value: float | None) -> str:
    return _("n/a") if value is None else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return _("n/a") if value is None else f"{value:+.3f}"


def print_comparison(data: dict[str, Any]) -> None:
    """The comparison's JSON-ready form (:meth:`RunComparison.to_dict`) as tables."""
    a, b, images = data["a"], data["b"], data["images"]
    in_slice = images["scope"] is not None
    scope = _(" of {n} in the slice").format(n=images["scope"]) if in_slice else ""
    stdout.print(
        _("A: run {a} ({model_a}), B: run {b} ({model_b}); against {truth} labels").format(
            a=a["id"], model_a=a["model"], b=b["id"], model_b=b["model"],
            truth=truth_word(data["truth"]))
    )
    left = images["left_out"]
    why = _("; left out: {reasons}").format(
        reasons=", ".join(f"{word(k)} {v}" for k, v in left.items())) if left else ""
    stdout.print(
        _("A covered {a} images{scope}, B {b}, both {both}; compared on {compared} images with "
          "a truth{why} ({objects} truth objects)").format(
            a=images["covered_by_a"], scope=scope, b=images["covered_by_b"],
            both=images["covered_by_both"], compared=images["compared"], why=why,
            objects=data["truth_objects"])
    )
    metrics = Table(_("metric"), "A", "B", "A - B")
    for row in data["metrics"]:
        if row["metric"] in SHOWN_METRICS:
            metrics.add_row(
                row["metric"], _number(row["a"]), _number(row["b"]), _signed(row["delta"])
            )
    stdout.print(metrics)
    per_class = Table(
        _("class"), _("truth"), "AP A", "AP B", "ΔAP", "ΔAP50", "ΔAP75", _("preds A"), _("preds B")
    )
    for row in data["per_class"]:
        per_class.add_row(
            row["class"],
            str(row["truth"]),
            _number(row["ap_a"]),
            _number(row["ap_b"]),
            _signed(row["ap_delta"]),
            _signed(row["ap50_delta"]),
            _signed(row["ap75_delta"]),
            str(row["predictions_a"]),
            str(row["predictions_b"]),
        )
    stdout.print(per_class)
    _print_matrices(data)
    for kind in CHANGE_KINDS:
        _print_changes(_(CHANGE_TITLES[kind]), data["image_changes"][kind])


def _print_matrices(data: dict[str, Any]) -> None:
    matrix = data["confusion_matrix"]
    labels = [str(label) for label in matrix["labels"]]
    stdout.print(
        _("Confusion matrices (rows: truth, columns: prediction; IoU >= {iou}, score >= {score}); "
          "each cell: A / B (A - B)").format(iou=data["iou_threshold"], score=data["min_score"])
    )
    grid = Table(_("truth \\ predicted"), *labels)
    for i, label in enumerate(labels):
        cells = []
        for j in range(len(labels)):
            va, vb, d = matrix["a"][i][j], matrix["b"][i][j], matrix["difference"][i][j]
            cells.append(f"{va} / {vb}" + (f" ({d:+d})" if d else ""))
        grid.add_row(label, *cells)
    stdout.print(grid)


def _print_changes(title: str, part: dict[str, Any]) -> None:
    stdout.print(styled("[bold]{}[/]: {}", title, part["total"]))
    for item in part["items"]:
        stdout.print(f"  {item['image_id']}  {item['image']}  {item['what_changed']}")
    if len(part["items"]) < part["total"]:
        more = part["total"] - len(part["items"])
        stdout.print("  ... " + _("{n} more (use --limit or --json)").format(n=more))
