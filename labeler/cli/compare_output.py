"""Printing ``labeler diagnose --model A --against B``: two runs side by side."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from labeler.cli.output import stdout, styled
from labeler.core.diagnosis.compare import CHANGE_KINDS

CHANGE_TITLES = {
    "improved": "Improved (fewer errors with A)",
    "regressed": "Regressed (more errors with A)",
    "stayed_wrong": "Stayed wrong (as many errors with both)",
}
SHOWN_METRICS = ("AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large", "AR100")


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def print_comparison(data: dict[str, Any]) -> None:
    """The comparison's JSON-ready form (:meth:`RunComparison.to_dict`) as tables."""
    a, b, images = data["a"], data["b"], data["images"]
    scope = f" of {images['scope']} in the slice" if images["scope"] is not None else ""
    stdout.print(
        f"A: run {a['id']} ({a['model']}), B: run {b['id']} ({b['model']}); against "
        f"{data['truth']} labels"
    )
    left = images["left_out"]
    why = "; left out: " + ", ".join(f"{k} {v}" for k, v in left.items()) if left else ""
    stdout.print(
        f"A covered {images['covered_by_a']} images{scope}, B {images['covered_by_b']}, both "
        f"{images['covered_by_both']}; compared on {images['compared']} images with a "
        f"truth{why} ({data['truth_objects']} truth objects)"
    )
    metrics = Table("metric", "A", "B", "A - B")
    for row in data["metrics"]:
        if row["metric"] in SHOWN_METRICS:
            metrics.add_row(
                row["metric"], _number(row["a"]), _number(row["b"]), _signed(row["delta"])
            )
    stdout.print(metrics)
    per_class = Table(
        "class", "truth", "AP A", "AP B", "ΔAP", "ΔAP50", "ΔAP75", "preds A", "preds B"
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
        _print_changes(CHANGE_TITLES[kind], data["image_changes"][kind])


def _print_matrices(data: dict[str, Any]) -> None:
    matrix = data["confusion_matrix"]
    labels = [str(label) for label in matrix["labels"]]
    stdout.print(
        f"Confusion matrices (rows: truth, columns: prediction; IoU >= {data['iou_threshold']}, "
        f"score >= {data['min_score']}); each cell: A / B (A - B)"
    )
    grid = Table("truth \\ predicted", *labels)
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
        stdout.print(f"  ... {part['total'] - len(part['items'])} more (use --limit or --json)")
