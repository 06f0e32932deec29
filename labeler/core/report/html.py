"""Rendering the report data as one self-contained HTML page (inline CSS and SVG, no scripts).

All user text (project, class, people, file names) is escaped. The data itself
is embedded as JSON (``<script type="application/json" id="report-data">``,
never executed) so tools can read the numbers back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from labeler.core.report.compare_section import render_comparison
from labeler.core.report.curation import render_curation
from labeler.core.report.questions_section import render_questions
from labeler.core.report.slices_section import render_slices
from labeler.core.report.svg import bar_chart, heatmap, line_chart
from labeler.core.report.vendor_section import render_vendors

Cell = str | tuple[str, str]  # text, or (text, tooltip)

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --accent:#4e79a7; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Apple SD Gothic Neo",
  "Malgun Gothic","Noto Sans KR","Noto Sans CJK KR","Nanum Gothic",sans-serif; }
header { background:#1f2933; color:#fff; padding:28px 40px 24px; }
header h1 { margin:0 0 4px; font-size:24px; font-weight:600; }
header p { margin:0; color:#cbd2d9; font-size:13px; }
main { max-width:1180px; margin:0 auto; padding:24px 32px 48px; }
nav { margin:0 0 20px; font-size:13px; }
nav a { color:var(--accent); margin-right:16px; text-decoration:none; }
section { background:#fff; border:1px solid var(--line); border-radius:8px;
  padding:20px 24px; margin:0 0 20px; }
h2 { font-size:18px; margin:0 0 14px; padding-bottom:8px; border-bottom:1px solid var(--line); }
h3 { font-size:14px; margin:18px 0 8px; color:var(--muted); text-transform:uppercase;
  letter-spacing:.04em; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:12px;
  margin:0 0 20px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
.card .v { font-size:24px; font-weight:600; }
.card .k { color:var(--muted); font-size:12px; }
.grid { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:24px;
  align-items:start; }
table { border-collapse:collapse; width:100%; font-size:13px; margin:0 0 8px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); }
th { color:var(--muted); font-weight:600; background:#fafbfc; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
tr:nth-child(even) td { background:#fbfcfd; }
.na { color:#9aa5b1; }
.note { color:var(--muted); font-size:12px; margin:4px 0 10px; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px;
  vertical-align:baseline; }
.chart { overflow-x:auto; }
footer { text-align:center; color:var(--muted); font-size:12px; padding:0 0 32px; }
"""


def _cell(value: Cell, numeric: bool) -> str:
    text, tip = value if isinstance(value, tuple) else (value, "")
    classes = [c for c in ("n" if numeric else "", "na" if text == "n/a" else "") if c]
    cls = f' class="{" ".join(classes)}"' if classes else ""
    title = f' title="{escape(tip)}"' if tip else ""
    return f"<td{cls}{title}>{escape(text)}</td>"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    table_id: str,
    numeric_from: int = 1,
    numeric_to: int | None = None,
) -> str:
    """An HTML table; columns ``numeric_from`` to ``numeric_to`` are right-aligned numbers."""
    end = len(headers) if numeric_to is None else numeric_to

    def numeric(i: int) -> bool:
        return numeric_from <= i < end

    head = "".join(
        f"<th{' class=n' if numeric(i) else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>" + "".join(_cell(v, numeric(i)) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<table id="{escape(table_id)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def fmt(value: float | None, digits: int = 3) -> str:
    """A number as the report prints it (``n/a`` for None)."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def metric(m: dict[str, Any] | None) -> Cell:
    """A metric dict (value, n, explanation) as a cell with its explanation as tooltip."""
    if m is None:
        return "n/a"
    return (fmt(m["value"]), m.get("explanation") or f"n = {m['n']}")


def _when(timestamp: str | None) -> str:
    """``2026-11-22 00:31`` from an ISO timestamp (empty when None)."""
    return (timestamp or "")[:16].replace("T", " ")


METRIC_MEANINGS = {
    "AP": "mAP, IoU .50:.95",
    "AP50": "IoU .50",
    "AP75": "IoU .75",
    "AP_small": "area < 32²",
    "AP_medium": "32² to 96²",
    "AP_large": "area > 96²",
    "AR1": "1 detection per image",
    "AR10": "10 detections per image",
    "AR100": "100 detections per image",
    "AR_small": "area < 32²",
    "AR_medium": "32² to 96²",
    "AR_large": "area > 96²",
}


def _cards(data: dict[str, Any]) -> str:
    project, agreement = data["project"], data["agreement"]
    objects, tags, diagnosis = agreement["objects"], agreement["tags"], data["diagnosis"]
    cards: list[tuple[str, str]] = [
        ("images", f"{project['images']:,}"),
        ("annotations", f"{project['annotations']:,}"),
        ("answered empty", f"{project.get('answers', {}).get('answered_empty', 0):,}"),
        ("annotators", str(len(agreement["annotators"]))),
        ("images compared", f"{agreement['images_compared']:,}"),
    ]
    if objects:
        cards.append(("object F1", fmt(objects["f1"]["value"])))
        cards.append(("object α", fmt(objects["krippendorff_alpha"]["value"])))
    if tags:
        cards.append(("tag Fleiss κ", fmt(tags["fleiss_kappa"]["value"])))
    if diagnosis:
        cards.append(("model mAP", fmt(diagnosis["metrics"]["AP"])))
        cards.append(("model AP50", fmt(diagnosis["metrics"]["AP50"])))
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{escape(v)}</div>'
            f'<div class="k">{escape(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )


def _summary(project: dict[str, Any]) -> str:
    status = table(
        ["status", "images"],
        [(s, str(n)) for s, n in sorted(project["image_status"].items())],
        "summary-status",
    )
    classes = "".join(
        f'<tr><td><span class="swatch" style="background:{escape(c["color"])}"></span>'
        f"{escape(c['name'])}</td><td>{escape(c['kind'])}</td></tr>"
        for c in project["classes"]
    )
    classes_table = (
        '<table id="summary-classes"><thead><tr><th>class</th><th>kind</th></tr></thead>'
        f"<tbody>{classes}</tbody></table>"
    )
    people = table(
        ["person", "role", "organization"],
        [(p["name"], p["role"], p["organization"] or "") for p in project["people"]],
        "summary-people",
        numeric_from=3,
    )
    runs = table(
        ["run", "model", "provider", "images", "finished"],
        [
            (
                str(r["id"]),
                r["model"],
                r["provider"],
                str(r["images"]),
                _when(r["finished_at"]) if r["finished_at"] else "incomplete",
            )
            for r in project["model_runs"]
        ],
        "summary-runs",
        numeric_from=3,
    )
    return (
        '<section id="summary"><h2>Project summary</h2><div class="grid"><div>'
        f"<h3>Images by status</h3>{status}<h3>Classes</h3>{classes_table}</div><div>"
        f"<h3>People</h3>{people}<h3>Model runs</h3>{runs}</div></div></section>"
    )


def _group_block(title: str, key: str, rows: list[dict[str, Any]], table_id: str) -> str:
    """A breakdown table (F1, mean IoU, counts) next to its F1 bar chart."""
    if not rows:
        return ""
    cells = [
        (
            str(r[key]),
            metric(r["f1"]),
            metric(r["mean_iou"]),
            str(r["matched"]),
            str(r["objects_a"] + r["objects_b"]),
            str(r["comparisons"]),
        )
        for r in rows
    ]
    chart = bar_chart([(str(r[key]), r["f1"]["value"]) for r in rows], f"F1 by {title}")
    headers = [title, "F1", "mean IoU", "matched", "objects", "comparisons"]
    return (
        f"<h3>By {escape(title)}</h3><div class=grid><div>{table(headers, cells, table_id)}</div>"
        f'<div class="chart">{chart}</div></div>'
    )


def _people_block(people: list[dict[str, Any]]) -> str:
    if not people:
        return ""
    rows = [
        (
            p["name"],
            metric(p["vs_others"]["f1"]),
            metric(p["vs_consensus"]["f1"]),
            metric(p["tag_kappa_vs_consensus"]),
            metric(p["median_seconds_per_image"]),
            metric(p["median_seconds_per_object"]),
        )
        for p in people
    ]
    headers = [
        "person",
        "F1 vs others",
        "F1 vs consensus",
        "tag κ vs consensus",
        "s/image",
        "s/object",
    ]
    chart = bar_chart(
        [(p["name"], p["vs_consensus"]["f1"]["value"]) for p in people],
        "F1 against the consensus of the others",
    )
    return (
        f"<h3>By person</h3><div class=grid><div>{table(headers, rows, 'agreement-people')}"
        '<p class="note">F1 vs consensus: each person against the consensus of the others '
        "(leave one out). Times are medians.</p></div>"
        f'<div class="chart">{chart}</div></div>'
    )


def _agreement(agreement: dict[str, Any]) -> str:
    parts = [
        '<section id="agreement"><h2>Inter-annotator agreement</h2>',
        f'<p class="note">Annotators: {escape(", ".join(agreement["annotators"]) or "none")}; '
        f"images answered by two or more: {agreement['images_compared']} (an answer with "
        "nothing drawn counts); objects match at IoU "
        f"≥ {agreement['iou_threshold']}.</p>",
    ]
    objects, tags = agreement["objects"], agreement["tags"]
    if objects:
        overall = table(
            ["objects", "F1", "mean IoU", "Krippendorff's α", "matched"],
            [
                (
                    "all classes",
                    metric(objects["f1"]),
                    metric(objects["mean_iou"]),
                    metric(objects["krippendorff_alpha"]),
                    str(objects["matched"]),
                )
            ],
            "agreement-objects",
        )
        pairs = [{"pair": f"{p['a']} / {p['b']}", **p} for p in objects["pairs"]]
        parts += [overall, _group_block("pair", "pair", pairs, "agreement-pairs")]
        parts.append(_group_block("class", "class", objects["per_class"], "agreement-classes"))
    if tags:
        parts.append("<h3>Image tags</h3>")
        rows: list[Sequence[Cell]] = [
            ("all tags", metric(tags["fleiss_kappa"]), metric(tags["krippendorff_alpha"]))
        ]
        rows += [
            (c["class"], metric(c["fleiss_kappa"]), metric(c["krippendorff_alpha"]))
            for c in tags["per_class"]
        ]
        parts.append(table(["tag", "Fleiss' κ", "Krippendorff's α"], rows, "agreement-tags"))
        parts.append(
            table(
                ["pair", "Cohen's κ", "images"],
                [
                    (f"{p['a']} / {p['b']}", metric(p["cohen_kappa"]), str(p["cohen_kappa"]["n"]))
                    for p in tags["pairs"]
                ],
                "agreement-tag-pairs",
            )
        )
    parts.append(_people_block(agreement["people"]))
    parts.append(
        _group_block("organization", "organization", agreement["vendors"], "agreement-vendors")
    )
    parts.append(
        _group_block(
            "guideline version",
            "guideline_version",
            agreement["guideline_versions"],
            "agreement-guidelines",
        )
    )
    parts.append(_group_block("week", "week", agreement["weeks"], "agreement-weeks"))
    return "".join(parts) + "</section>"


def _disagreements(data: dict[str, Any]) -> str:
    types = data["types"]
    by_type = table(
        ["type", "count"], [(t, str(data["by_type"][t])) for t in types], "disagreements-types"
    )
    chart = bar_chart(
        [(t, float(data["by_type"][t])) for t in types],
        "Disagreements by type",
        max_value=None,
        value_format=lambda v: f"{v:.0f}",
        color="#e15759",
    )
    pairs = table(
        ["pair", "total", *types],
        [
            (f"{p['a']} / {p['b']}", str(p["total"]), *(str(p["by_type"][t]) for t in types))
            for p in data["by_pair"]
        ],
        "disagreements-pairs",
    )
    return (
        '<section id="disagreements"><h2>Disagreements</h2>'
        f'<p class="note">{data["total"]} disagreements between pairs of annotators on the '
        "images both answered (an empty answer against objects counts as missed).</p>"
        f'<div class=grid><div>{by_type}</div><div class="chart">{chart}</div></div>'
        f"<h3>By pair</h3>{pairs}</section>"
    )


def _slice_table(title: str, slice_: dict[str, Any], table_id: str, id_key: str) -> str:
    rows = [
        (
            item["image"] or str(item["image_id"]),
            str(item[id_key]),
            item["class"],
            fmt(item["score"], 2) if item["score"] is not None else "",
            item["reason"],
            item["other_class"] or "",
            fmt(item["iou"], 2) if item["iou"] is not None else "",
        )
        for item in slice_["items"]
    ]
    shown = f" (first {len(rows)})" if len(rows) < slice_["total"] else ""
    headers = ["image", id_key.replace("_", " "), "class", "score", "reason", "other class", "IoU"]
    return f"<h3>{escape(title)}: {slice_['total']}{shown}</h3>" + table(
        headers, rows, table_id, numeric_from=7
    )


def _error_counts(d: dict[str, Any]) -> list[tuple[str, str, str]]:
    """False positives and negatives: totals, then by reason."""
    rows = []
    for key in ("false_positives", "false_negatives"):
        name = key.replace("_", " ")
        rows.append((name, "all", str(d[key]["total"])))
        rows += [(name, reason, str(n)) for reason, n in d[key]["by_reason"].items()]
    return rows


def _pr_curves(d: dict[str, Any]) -> str:
    """One precision-recall chart per IoU threshold, a line per class."""
    curves = {
        iou: [(c["class"], c["recall"], c["precision"]) for c in d["pr_curves"] if c["iou"] == iou]
        for iou in (0.5, 0.75)
    }
    return "".join(
        f'<div class="chart"><h3>Precision-recall, IoU {iou}</h3>'
        f"{line_chart(series, f'Precision-recall curves at IoU {iou}')}</div>"
        for iou, series in curves.items()
        if series
    )


def _confusion_block(d: dict[str, Any]) -> str:
    """The confusion heatmap, what it means, and the error counts by reason."""
    cm = d["confusion_matrix"]
    return (
        f"<h3>Confusion matrix (IoU ≥ {d['iou_threshold']}, score ≥ {d['min_score']})</h3>"
        f'<div class=grid><div class="chart" id="confusion">'
        f"{heatmap(cm['labels'], cm['matrix'], 'Confusion matrix')}</div>"
        '<div><p class="note">Rows are the truth, columns the predictions, matched one to one '
        "(same class first, then across classes). The <b>background</b> row counts predictions "
        "with no truth object (false positives); the <b>background</b> column counts truth "
        "objects no prediction found (false negatives). Shading is the share of the row.</p>"
        + table(["errors", "reason", "count"], _error_counts(d), "diagnosis-errors", 2)
        + "</div></div>"
    )


def _diagnosis(d: dict[str, Any] | None) -> str:
    if d is None:
        return (
            '<section id="diagnosis"><h2>Model diagnosis</h2><p class="note">The project '
            "has no model run.</p></section>"
        )
    run, m = d["run"], d["metrics"]
    sources = ", ".join(f"{k}: {v}" for k, v in d["truth_sources"].items()) or "none"
    stats = table(
        ["metric", "value", "meaning"],
        [(k, fmt(v), METRIC_MEANINGS.get(k, "")) for k, v in m.items()],
        "diagnosis-metrics",
        numeric_from=1,
        numeric_to=2,
    )
    per_class = table(
        ["class", "AP", "AP50", "AP75", "truth", "predictions"],
        [
            (
                r["class"],
                fmt(r["ap"]),
                fmt(r["ap50"]),
                fmt(r["ap75"]),
                str(r["truth"]),
                str(r["predictions"]),
            )
            for r in d["per_class"]
        ],
        "diagnosis-classes",
    )
    ap_chart = bar_chart([(r["class"], r["ap"]) for r in d["per_class"]], "AP per class")
    return (
        f'<section id="diagnosis"><h2>Model diagnosis: run {run["id"]} '
        f"({escape(run['model'])})</h2>"
        + (
            f'<p class="note">Run {run["id"]} is {escape(d["run_choice"])} '
            "(interrupted runs are never the default).</p>"
            if d.get("run_choice", "chosen") != "chosen"
            else ""
        )
        +
        f'<p class="note">Against {escape(d["truth"])} labels on {d["images"]} images '
        f"({escape(sources)}{_left_out(d)}); {d['truth_objects']} truth objects, "
        f"{d['predictions']} "
        "predictions. COCO metrics as pycocotools computes them (IoU .50:.95, 101 recall "
        "points, 100 detections per image).</p>"
        f"<div class=grid><div>{stats}</div><div>{per_class}"
        f'<div class="chart">{ap_chart}</div></div></div>'
        f"<div class=grid>{_pr_curves(d)}</div>"
        + _confusion_block(d)
        + _slice_table("False positives", d["false_positives"], "diagnosis-fp", "prediction_id")
        + _slice_table("False negatives", d["false_negatives"], "diagnosis-fn", "annotation_id")
        + "</section>"
    )


def render_html(data: dict[str, Any]) -> str:
    """The whole report page for :func:`labeler.core.report.build.report_data`'s output."""
    project = data["project"]
    embedded = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    title = f"Labeling report: {project['name']}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(project['file'])} · generated "
        f"{escape(data['generated_at'])} by labeler {escape(data['labeler_version'])}</p>"
        "</header><main>"
        '<nav><a href="#summary">Summary</a><a href="#agreement">Agreement</a>'
        '<a href="#disagreements">Disagreements</a><a href="#diagnosis">Model diagnosis</a>'
        + ('<a href="#questions">Questions</a>' if data.get("questions") else "")
        + ('<a href="#compare">Compare runs</a>' if data.get("comparison") else "")
        + ('<a href="#slices">Slices</a>' if data.get("slices") else "")
        + ('<a href="#vendors">Vendors</a>' if data.get("vendors") else "")
        + ('<a href="#curation">Curation</a>' if data.get("curation") else "")
        + "</nav>"
        + _cards(data)
        + _summary(project)
        + _agreement(data["agreement"])
        + _disagreements(data["disagreements"])
        + _diagnosis(data["diagnosis"])
        + render_questions(data.get("questions"), table)
        + render_comparison(data.get("comparison"), table)
        + render_slices(data.get("slices"), data.get("scope"), table)
        + render_vendors(data.get("vendors"), table)
        + render_curation(data.get("curation"), table)
        + "</main><footer>Self-contained report: inline styles and charts, nothing loaded "
        "from the network.</footer>"
        f'<script type="application/json" id="report-data">{embedded}</script>'
        "</body></html>\n"
    )


def _left_out(diagnosis: dict[str, Any]) -> str:
    """"; left out: not answered by anyone 4" (escaped), or nothing when none was."""
    left = diagnosis.get("images_left_out") or {}
    if not left:
        return ""
    return "; left out: " + escape(", ".join(f"{k} {v}" for k, v in sorted(left.items())))
