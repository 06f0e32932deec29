"""The report's "compare runs" section, and the two charts it shares with the QA view.

:func:`comparison_data` runs :func:`labeler.core.diagnosis.compare.compare_runs`;
:func:`render_comparison` turns its JSON-ready form into one HTML ``<section>``:
metric and per-class deltas, both confusion matrices and their difference, the PR
curves of both runs on one chart per IoU, and the images that improved, regressed
and stayed wrong (image id, file name, what changed). :func:`pr_comparison_chart`
and :func:`difference_heatmap` are plain SVG text (inline, no scripts), used by the
report and by the app's compare view alike.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape
from typing import Any

from labeler.core.diagnosis.compare import CHANGE_KINDS, compare_runs
from labeler.core.diagnosis.diagnose import DEFAULT_MIN_SCORE
from labeler.core.i18n import N_, _
from labeler.core.report.svg import FONT, GRID, INK, MUTED, PALETTE, heatmap
from labeler.core.store import Project

COMPARE_ROWS = 25
CHANGE_TITLES = {  # translated where shown
    "improved": N_("Improved: fewer errors with A"),
    "regressed": N_("Regressed: more errors with A"),
    "stayed_wrong": N_("Stayed wrong: as many errors with both"),
}
GOOD, BAD = (89, 161, 79), (225, 87, 89)


def comparison_data(
    project: Project,
    run_a: int,
    run_b: int,
    truth_annotator: str | None,
    iou_threshold: float,
    images: Collection[int] | None = None,
    limit: int | None = COMPARE_ROWS,
) -> dict[str, Any]:
    """The comparison of run A with run B, JSON-ready (image lists capped at ``limit``)."""
    result = compare_runs(
        project, run_a, run_b, truth_annotator, iou_threshold, DEFAULT_MIN_SCORE, images
    )
    return result.to_dict(limit)


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _point(left: float, top: float, w: float, h: float, x: float, y: float) -> str:
    x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
    return f"{left + w * x:.1f},{top + h * (1 - y):.1f}"


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}" '
        f"{FONT}>" + "".join(body) + "</svg>"
    )


def _label(x: float, y: float, text: str, size: int = 11, fill: str = INK, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def pr_comparison_chart(
    curves: Sequence[dict[str, Any]],
    iou: float,
    label: str,
    names: tuple[str, str] = ("A", "B"),
    width: int = 500,
    height: int = 300,
    x_label: str = "recall",
) -> str:
    """Precision-recall of both runs at one IoU: a colour per class, A solid, B dashed."""
    left, top, bottom, right = 44, 12, 40, 170
    w, h = width - left - right, height - top - bottom
    body = []
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        x, y = left + w * tick, top + h * (1 - tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + h}" stroke="{GRID}"/>')
        body.append(_label(left - 6, y + 4, f"{tick:.1f}", 10, MUTED, text_anchor="end"))
        body.append(_label(x, top + h + 14, f"{tick:.1f}", 10, MUTED, text_anchor="middle"))
    body.append(_label(left + w / 2, height - 6, x_label, 11, MUTED, text_anchor="middle"))
    chosen = [c for c in curves if abs(float(c["iou"]) - iou) < 1e-9]
    classes = list(dict.fromkeys(str(c["class"]) for c in chosen))
    for curve in chosen:
        color = PALETTE[classes.index(str(curve["class"])) % len(PALETTE)]
        dash = ' stroke-dasharray="5 4"' if curve["run"] == "b" else ""
        xs, ys = curve["recall"], curve["precision"]
        kept = [(x, y) for x, y in zip(xs, ys, strict=True) if y > 0] or [(0.0, 0.0)]
        points = " ".join(_point(left, top, w, h, x, y) for x, y in kept)
        run = names[0] if curve["run"] == "a" else names[1]
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash}>'
            f"<title>{escape(str(curve['class']))} · {escape(run)}</title></polyline>"
        )
    legend_x = width - right + 12
    for i, name in enumerate(classes):
        y = top + 10 + i * 18
        color = PALETTE[i % len(PALETTE)]
        body.append(f'<rect x="{legend_x}" y="{y - 8}" width="12" height="4" fill="{color}"/>')
        body.append(_label(legend_x + 18, y - 2, name[:18]))
    y = top + 10 + len(classes) * 18 + 8
    for n, (run, dash) in enumerate(((names[0], ""), (names[1], ' stroke-dasharray="5 4"'))):
        yy = y + n * 18
        body.append(
            f'<line x1="{legend_x}" y1="{yy - 6}" x2="{legend_x + 24}" y2="{yy - 6}" '
            f'stroke="{INK}" stroke-width="2"{dash}/>'
        )
        body.append(_label(legend_x + 30, yy - 2, run[:20]))
    return _svg(width, height, body, label)


def difference_heatmap(
    labels: Sequence[str],
    difference: Sequence[Sequence[int]],
    label: str,
    predicted: str = "predicted",
) -> str:
    """``A - B`` per cell: green where A does better (more hits, fewer errors), red worse.

    ``predicted`` names the columns.
    """
    cell = 48 if len(labels) <= 8 else 34
    left, top = 120, 96
    size = cell * len(labels)
    body = [_label(left + size / 2, 14, predicted, 11, MUTED, text_anchor="middle")]
    for j, name in enumerate(labels):
        x = left + j * cell + cell / 2
        body.append(_label(x, top - 8, name[:12], 11, transform=f"rotate(-45 {x:.1f} {top - 8})"))
        y = top + j * cell + cell / 2 + 4
        body.append(_label(left - 8, y, name[:16], 11, text_anchor="end"))
    largest = max((abs(v) for row in difference for v in row), default=0) or 1
    last = len(labels) - 1
    for i, row in enumerate(difference):
        for j, value in enumerate(row):
            hit = i == j and i < last
            better = (value > 0) == hit
            base = GOOD if better else BAD
            share = abs(value) / largest if value else 0.0
            shade = tuple(round(255 - (255 - c) * share * 0.85) for c in base)
            fill = "#{:02x}{:02x}{:02x}".format(*shade)
            x, y = left + j * cell, top + i * cell
            text = f"{value:+d}" if value else "0"
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                f'fill="{fill}" stroke="{GRID}"><title>{escape(labels[i])} as '
                f"{escape(labels[j])}: {escape(text)}</title></rect>"
            )
            ink = "#ffffff" if share > 0.6 else INK
            body.append(
                _label(x + cell / 2 - 1, y + cell / 2 + 3, text, 11, ink, text_anchor="middle")
            )
    return _svg(left + size + 24, top + size + 12, body, label)


def _metrics_table(data: dict[str, Any], table: Any) -> str:
    rows = [
        (r["metric"], _fmt(r["a"]), _fmt(r["b"]), _fmt(r["delta"], True)) for r in data["metrics"]
    ]
    return table([_("metric"), "A", "B", "A − B"], rows, "compare-metrics")


def _class_table(data: dict[str, Any], table: Any) -> str:
    rows = [
        (
            r["class"],
            str(r["truth"]),
            _fmt(r["ap_a"]),
            _fmt(r["ap_b"]),
            _fmt(r["ap_delta"], True),
            _fmt(r["ap50_delta"], True),
            _fmt(r["ap75_delta"], True),
            str(r["predictions_a"]),
            str(r["predictions_b"]),
        )
        for r in data["per_class"]
    ]
    headers = [_("class"), _("truth"), "AP A", "AP B", "ΔAP", "ΔAP50", "ΔAP75"]
    headers += [_("preds A"), _("preds B")]
    return table(headers, rows, "compare-classes")


def _changes(data: dict[str, Any], table: Any) -> str:
    parts = []
    for kind in CHANGE_KINDS:
        part = data["image_changes"][kind]
        rows = [(str(i["image_id"]), i["image"], i["what_changed"]) for i in part["items"]]
        shown = _(" (first {n})").format(n=len(rows)) if len(rows) < part["total"] else ""
        heading = f"{_(CHANGE_TITLES[kind])}: {part['total']}{shown}"
        headers = [_("image id"), _("file"), _("what changed")]
        parts.append(f"<h3>{escape(heading)}</h3>" + table(headers, rows, f"compare-{kind}", 0, 1))
    return "".join(parts)


def render_comparison(data: dict[str, Any] | None, table: Any) -> str:
    """The compare-runs ``<section>`` (``table`` is the report's table renderer)."""
    if data is None:
        return ""
    a, b, images = data["a"], data["b"], data["images"]
    names = (
        _("A: run {id} {model}").format(id=a["id"], model=a["model"]),
        _("B: run {id} {model}").format(id=b["id"], model=b["model"]),
    )
    matrix = data["confusion_matrix"]
    covered_a = images["covered_by_a"]
    if images["scope"] is not None:
        covered_a = _("{n} of the {scope} in the slice").format(n=covered_a, scope=images["scope"])
    note = _(
        "A is run {a} ({model_a}), B is run {b} ({model_b}). Both are judged on the same "
        "{compared} images (A covered {covered_a}, B {covered_b}, both {both}) against the "
        "same {truth} truth, {objects} objects; each run's numbers are pycocotools' on those "
        "images. Deltas are A − B."
    ).format(
        a=a["id"],
        model_a=a["model"],
        b=b["id"],
        model_b=b["model"],
        compared=images["compared"],
        covered_a=covered_a,
        covered_b=images["covered_by_b"],
        both=images["covered_by_both"],
        truth=data["truth"],
        objects=data["truth_objects"],
    )
    heading, title = _("Precision-recall, IoU {iou}"), _("PR curves at IoU {iou}")
    pr = "".join(
        '<div class="chart">'
        + _h3(heading.format(iou=iou))
        + pr_comparison_chart(
            data["pr_curves"], iou, title.format(iou=iou), names, x_label=_("recall")
        )
        + "</div>"
        for iou in (0.5, 0.75)
        if any(abs(c["iou"] - iou) < 1e-9 for c in data["pr_curves"])
    )
    matrices = _("Confusion matrices (IoU ≥ {iou}, score ≥ {score})").format(
        iou=data["iou_threshold"], score=data["min_score"]
    )
    axes = (_("truth"), _("predicted"))
    confusion = (
        _h3(matrices)
        + "<div class=grid>"
        + f'<div class="chart">{heatmap(matrix["labels"], matrix["a"], names[0], axes)}</div>'
        + f'<div class="chart">{heatmap(matrix["labels"], matrix["b"], names[1], axes)}</div>'
        + "</div>"
        + _h3(_("Difference A − B"))
        + '<div class="chart" id="compare-difference">'
        + difference_heatmap(matrix["labels"], matrix["difference"], _("A minus B"), axes[1])
        + "</div>"
    )
    versus = _("Compare runs: {a} vs {b}").format(a=names[0], b=names[1])
    return (
        '<section id="compare">'
        + f"<h2>{escape(versus)}</h2>"
        + f"<p class=note>{escape(note)}</p>"
        + f"<div class=grid><div>{_metrics_table(data, table)}</div>"
        f"<div>{_class_table(data, table)}</div></div>"
        + f"<div class=grid>{pr}</div>"
        + confusion
        + _changes(data, table)
        + "</section>"
    )


def _h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"
