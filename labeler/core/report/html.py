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

from labeler.core.i18n import N_, _, current_language
from labeler.core.report.compare_section import render_comparison
from labeler.core.report.curation import render_curation
from labeler.core.report.questions_section import render_questions
from labeler.core.report.slices_section import render_slices
from labeler.core.report.svg import bar_chart, heatmap, line_chart
from labeler.core.report.vendor_section import render_vendors
from labeler.core.words import word

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


def tag(name: str, text: str) -> str:
    """``<name>text</name>`` with ``text`` escaped (a heading, a cell)."""
    return f"<{name}>{escape(text)}</{name}>"


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


METRIC_MEANINGS = {  # translated where shown
    "AP": "mAP, IoU .50:.95",
    "AP50": "IoU .50",
    "AP75": "IoU .75",
    "AP_small": N_("area < 32²"),
    "AP_medium": N_("32² to 96²"),
    "AP_large": N_("area > 96²"),
    "AR1": N_("1 detection per image"),
    "AR10": N_("10 detections per image"),
    "AR100": N_("100 detections per image"),
    "AR_small": N_("area < 32²"),
    "AR_medium": N_("32² to 96²"),
    "AR_large": N_("area > 96²"),
}


def _cards(data: dict[str, Any]) -> str:
    project, agreement = data["project"], data["agreement"]
    objects, tags, diagnosis = agreement["objects"], agreement["tags"], data["diagnosis"]
    cards: list[tuple[str, str]] = [
        (_("images"), f"{project['images']:,}"),
        (_("annotations"), f"{project['annotations']:,}"),
        (_("answered empty"), f"{project.get('answers', {}).get('answered_empty', 0):,}"),
        (_("annotators"), str(len(agreement["annotators"]))),
        (_("images compared"), f"{agreement['images_compared']:,}"),
    ]
    if objects:
        cards.append((_("object F1"), fmt(objects["f1"]["value"])))
        cards.append((_("object α"), fmt(objects["krippendorff_alpha"]["value"])))
    if tags:
        cards.append((_("tag Fleiss κ"), fmt(tags["fleiss_kappa"]["value"])))
    if diagnosis:
        cards.append((_("model mAP"), fmt(diagnosis["metrics"]["AP"])))
        cards.append((_("model AP50"), fmt(diagnosis["metrics"]["AP50"])))
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
        [_("status"), _("images")],
        [(word(s), str(n)) for s, n in sorted(project["image_status"].items())],
        "summary-status",
    )
    classes = "".join(
        f'<tr><td><span class="swatch" style="background:{escape(c["color"])}"></span>'
        f"{escape(c['name'])}</td><td>{escape(word(c['kind']))}</td></tr>"
        for c in project["classes"]
    )
    classes_table = (
        '<table id="summary-classes"><thead><tr>'
        + tag("th", _("class"))
        + tag("th", _("kind"))
        + f"</tr></thead><tbody>{classes}</tbody></table>"
    )
    people = table(
        [_("person"), _("role"), _("organization")],
        [(p["name"], word(p["role"]), p["organization"] or "") for p in project["people"]],
        "summary-people",
        numeric_from=3,
    )
    runs = table(
        [_("run"), _("model"), _("provider"), _("images"), _("finished")],
        [
            (
                str(r["id"]),
                r["model"],
                r["provider"],
                str(r["images"]),
                _when(r["finished_at"]) if r["finished_at"] else _("incomplete"),
            )
            for r in project["model_runs"]
        ],
        "summary-runs",
        numeric_from=3,
    )
    return (
        '<section id="summary">'
        + tag("h2", _("Project summary"))
        + '<div class="grid"><div>'
        + tag("h3", _("Images by status"))
        + status
        + tag("h3", _("Classes"))
        + classes_table
        + "</div><div>"
        + tag("h3", _("People"))
        + people
        + tag("h3", _("Model runs"))
        + runs
        + "</div></div></section>"
    )


def _group_block(title: str, key: str, rows: list[dict[str, Any]], table_id: str) -> str:
    """A breakdown table (F1, mean IoU, counts) next to its F1 bar chart.

    ``title`` is the English word of the grouping (marked with ``N_``), translated here.
    """
    if not rows:
        return ""
    word = _(title)
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
    chart = bar_chart(
        [(str(r[key]), r["f1"]["value"]) for r in rows], _("F1 by {group}").format(group=word)
    )
    headers = [word, "F1", _("mean IoU"), _("matched"), _("objects"), _("comparisons")]
    return (
        tag("h3", _("By {group}").format(group=word))
        + f"<div class=grid><div>{table(headers, cells, table_id)}</div>"
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
        _("person"),
        _("F1 vs others"),
        _("F1 vs consensus"),
        _("tag κ vs consensus"),
        _("s/image"),
        _("s/object"),
    ]
    chart = bar_chart(
        [(p["name"], p["vs_consensus"]["f1"]["value"]) for p in people],
        _("F1 against the consensus of the others"),
    )
    note = _(
        "F1 vs consensus: each person against the consensus of the others (leave one out). "
        "Times are medians."
    )
    return (
        tag("h3", _("By person"))
        + f"<div class=grid><div>{table(headers, rows, 'agreement-people')}"
        f'<p class="note">{escape(note)}</p></div>'
        f'<div class="chart">{chart}</div></div>'
    )


def _agreement(agreement: dict[str, Any]) -> str:
    note = _(
        "Annotators: {names}; images answered by two or more: {n} (an answer with nothing "
        "drawn counts); objects match at IoU ≥ {iou}."
    ).format(
        names=", ".join(agreement["annotators"]) or _("none"),
        n=agreement["images_compared"],
        iou=agreement["iou_threshold"],
    )
    parts = [
        '<section id="agreement">' + tag("h2", _("Inter-annotator agreement")),
        f'<p class="note">{escape(note)}</p>',
    ]
    objects, tags = agreement["objects"], agreement["tags"]
    if objects:
        overall = table(
            [_("objects"), "F1", _("mean IoU"), "Krippendorff's α", _("matched")],
            [
                (
                    _("all classes"),
                    metric(objects["f1"]),
                    metric(objects["mean_iou"]),
                    metric(objects["krippendorff_alpha"]),
                    str(objects["matched"]),
                )
            ],
            "agreement-objects",
        )
        pairs = [{"pair": f"{p['a']} / {p['b']}", **p} for p in objects["pairs"]]
        parts += [overall, _group_block(N_("pair"), "pair", pairs, "agreement-pairs")]
        parts.append(_group_block(N_("class"), "class", objects["per_class"], "agreement-classes"))
    if tags:
        parts.append(tag("h3", _("Image tags")))
        rows: list[Sequence[Cell]] = [
            (_("all tags"), metric(tags["fleiss_kappa"]), metric(tags["krippendorff_alpha"]))
        ]
        rows += [
            (c["class"], metric(c["fleiss_kappa"]), metric(c["krippendorff_alpha"]))
            for c in tags["per_class"]
        ]
        parts.append(table([_("tag"), "Fleiss' κ", "Krippendorff's α"], rows, "agreement-tags"))
        parts.append(
            table(
                [_("pair"), "Cohen's κ", _("images")],
                [
                    (f"{p['a']} / {p['b']}", metric(p["cohen_kappa"]), str(p["cohen_kappa"]["n"]))
                    for p in tags["pairs"]
                ],
                "agreement-tag-pairs",
            )
        )
    parts.append(_people_block(agreement["people"]))
    parts.append(
        _group_block(N_("organization"), "organization", agreement["vendors"], "agreement-vendors")
    )
    parts.append(
        _group_block(
            N_("guideline version"),
            "guideline_version",
            agreement["guideline_versions"],
            "agreement-guidelines",
        )
    )
    parts.append(_group_block(N_("week"), "week", agreement["weeks"], "agreement-weeks"))
    return "".join(parts) + "</section>"


def _disagreements(data: dict[str, Any]) -> str:
    types = data["types"]
    by_type = table(
        [_("type"), _("count")],
        [(word(t), str(data["by_type"][t])) for t in types],
        "disagreements-types",
    )
    chart = bar_chart(
        [(word(t), float(data["by_type"][t])) for t in types],
        _("Disagreements by type"),
        max_value=None,
        value_format=lambda v: f"{v:.0f}",
        color="#e15759",
    )
    pairs = table(
        [_("pair"), _("total"), *(word(t) for t in types)],
        [
            (f"{p['a']} / {p['b']}", str(p["total"]), *(str(p["by_type"][t]) for t in types))
            for p in data["by_pair"]
        ],
        "disagreements-pairs",
    )
    note = _(
        "{n} disagreements between pairs of annotators on the images both answered (an empty "
        "answer against objects counts as missed)."
    ).format(n=data["total"])
    return (
        '<section id="disagreements">'
        + tag("h2", _("Disagreements"))
        + f'<p class="note">{escape(note)}</p>'
        f'<div class=grid><div>{by_type}</div><div class="chart">{chart}</div></div>'
        + tag("h3", _("By pair"))
        + f"{pairs}</section>"
    )


def _slice_table(title: str, slice_: dict[str, Any], table_id: str, id_key: str) -> str:
    rows = [
        (
            item["image"] or str(item["image_id"]),
            str(item[id_key]),
            item["class"],
            fmt(item["score"], 2) if item["score"] is not None else "",
            word(item["reason"]),
            item["other_class"] or "",
            fmt(item["iou"], 2) if item["iou"] is not None else "",
        )
        for item in slice_["items"]
    ]
    shown = _(" (first {n})").format(n=len(rows)) if len(rows) < slice_["total"] else ""
    id_word = {"prediction_id": _("prediction id"), "annotation_id": _("annotation id")}
    headers = [
        _("image"),
        id_word.get(id_key, id_key.replace("_", " ")),
        _("class"),
        _("score"),
        _("reason"),
        _("other class"),
        "IoU",
    ]
    return f"<h3>{escape(title)}: {slice_['total']}{escape(shown)}</h3>" + table(
        headers, rows, table_id, numeric_from=7
    )


def _error_counts(d: dict[str, Any]) -> list[tuple[str, str, str]]:
    """False positives and negatives: totals, then by reason."""
    rows = []
    names = {"false_positives": _("false positives"), "false_negatives": _("false negatives")}
    for key, name in names.items():
        rows.append((name, _("all"), str(d[key]["total"])))
        rows += [(name, word(reason), str(n)) for reason, n in d[key]["by_reason"].items()]
    return rows


def _pr_curves(d: dict[str, Any]) -> str:
    """One precision-recall chart per IoU threshold, a line per class."""
    curves = {
        iou: [(c["class"], c["recall"], c["precision"]) for c in d["pr_curves"] if c["iou"] == iou]
        for iou in (0.5, 0.75)
    }
    heading, title = _("Precision-recall, IoU {iou}"), _("Precision-recall curves at IoU {iou}")
    return "".join(
        '<div class="chart">'
        + tag("h3", heading.format(iou=iou))
        + line_chart(series, title.format(iou=iou), _("recall"), _("precision"))
        + "</div>"
        for iou, series in curves.items()
        if series
    )


def _confusion_block(d: dict[str, Any]) -> str:
    """The confusion heatmap, what it means, and the error counts by reason."""
    cm = d["confusion_matrix"]
    heading = _("Confusion matrix (IoU ≥ {iou}, score ≥ {score})").format(
        iou=d["iou_threshold"], score=d["min_score"]
    )
    note = escape(
        _(
            "Rows are the truth, columns the predictions, matched one to one (same class first, "
            "then across classes). The {background} row counts predictions with no truth object "
            "(false positives); the {background} column counts truth objects no prediction found "
            "(false negatives). Shading is the share of the row."
        )
    ).replace("{background}", "<b>background</b>")
    headers = [_("errors"), _("reason"), _("count")]
    return (
        f"<h3>{escape(heading)}</h3>"
        f'<div class=grid><div class="chart" id="confusion">'
        + heatmap(cm["labels"], cm["matrix"], _("Confusion matrix"), _axes())
        + "</div>"
        f'<div><p class="note">{note}</p>'
        + table(headers, _error_counts(d), "diagnosis-errors", 2)
        + "</div></div>"
    )


def _axes() -> tuple[str, str]:
    """The confusion matrices' row and column names in the reader's language."""
    return (_("truth"), _("predicted"))


def _diagnosis(d: dict[str, Any] | None) -> str:
    if d is None:
        return (
            '<section id="diagnosis">'
            + tag("h2", _("Model diagnosis"))
            + '<p class="note">'
            + escape(_("The project has no model run."))
            + "</p></section>"
        )
    run, m = d["run"], d["metrics"]
    sources = ", ".join(word(k) + f": {v}" for k, v in d["truth_sources"].items()) or _("none")
    stats = table(
        [_("metric"), _("value"), _("meaning")],
        [(k, fmt(v), _(METRIC_MEANINGS[k]) if k in METRIC_MEANINGS else "") for k, v in m.items()],
        "diagnosis-metrics",
        numeric_from=1,
        numeric_to=2,
    )
    per_class = table(
        [_("class"), "AP", "AP50", "AP75", _("truth"), _("predictions")],
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
    ap_chart = bar_chart([(r["class"], r["ap"]) for r in d["per_class"]], _("AP per class"))
    heading = _("Model diagnosis: run {id} ({model})").format(id=run["id"], model=run["model"])
    choice = ""
    if d.get("run_choice", "chosen") != "chosen":  # "the latest complete run"
        choice = _("Run {id} is {choice} (interrupted runs are never the default).").format(
            id=run["id"], choice=_(d["run_choice"])
        )
        choice = f'<p class="note">{escape(choice)}</p>'
    against = _(
        "Against {truth} labels on {images} images ({sources}{left_out}); {objects} truth "
        "objects, {predictions} predictions. COCO metrics as pycocotools computes them (IoU "
        ".50:.95, 101 recall points, 100 detections per image)."
    ).format(
        truth=word(d["truth"]) if d["truth"] == "reviewed or consensus" else d["truth"],
        images=d["images"],
        sources=sources,
        left_out=_left_out(d),
        objects=d["truth_objects"],
        predictions=d["predictions"],
    )
    return (
        f'<section id="diagnosis"><h2>{escape(heading)}</h2>{choice}'
        f'<p class="note">{escape(against)}</p>'
        f"<div class=grid><div>{stats}</div><div>{per_class}"
        f'<div class="chart">{ap_chart}</div></div></div>'
        f"<div class=grid>{_pr_curves(d)}</div>"
        + _confusion_block(d)
        + _slice_table(_("False positives"), d["false_positives"], "diagnosis-fp", "prediction_id")
        + _slice_table(_("False negatives"), d["false_negatives"], "diagnosis-fn", "annotation_id")
        + "</section>"
    )


def render_html(data: dict[str, Any]) -> str:
    """The whole report page for :func:`labeler.core.report.build.report_data`'s output."""
    project = data["project"]
    embedded = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    title = _("Labeling report: {name}").format(name=project["name"])
    generated = _("{file} · generated {when} by labeler {version}").format(
        file=project["file"], when=data["generated_at"], version=data["labeler_version"]
    )
    links = [("summary", _("Summary")), ("agreement", _("Agreement"))]
    links += [("disagreements", _("Disagreements")), ("diagnosis", _("Model diagnosis"))]
    optional = [
        ("questions", _("Questions")),
        ("comparison", _("Compare runs")),
        ("slices", _("Slices")),
        ("vendors", _("Vendors")),
        ("curation", _("Curation")),
    ]
    links += [("compare" if k == "comparison" else k, text) for k, text in optional if data.get(k)]
    nav = "".join(f'<a href="#{anchor}">{escape(text)}</a>' for anchor, text in links)
    footer = _("Self-contained report: inline styles and charts, nothing loaded from the network.")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(generated)}</p></header><main>"
        f"<nav>{nav}</nav>"
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
        + f"</main><footer>{escape(footer)}</footer>"
        f'<script type="application/json" id="report-data">{embedded}</script>'
        "</body></html>\n"
    )


def _left_out(diagnosis: dict[str, Any]) -> str:
    """The text "; left out: not answered by anyone 4" (escaped), or nothing when none was."""
    left = diagnosis.get("images_left_out") or {}
    if not left:
        return ""
    listed = ", ".join(_(k) + f" {v}" for k, v in sorted(left.items()))
    return _("; left out: {listed}").format(listed=listed)
