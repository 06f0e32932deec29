"""The report's curation section: duplicates, unsuitable images, label errors, class balance.

:func:`curation_data` runs :func:`labeler.core.curation.curate_project` and
counts the consensus clusters left to adjudicate; :func:`render_curation`
turns that into one HTML ``<section>`` with the report's tables and charts.
"""

from __future__ import annotations

from html import escape
from pathlib import PurePosixPath
from typing import Any

from labeler.core.consensus import FINAL_LABELS, project_consensus
from labeler.core.curation import curate_project
from labeler.core.errors import LabelerError
from labeler.core.i18n import _, ngettext
from labeler.core.report.svg import bar_chart
from labeler.core.store import Project
from labeler.core.words import word

CURATION_ROWS = 25


def curation_data(project: Project) -> dict[str, Any]:
    """The curation results (JSON-ready), or ``{"error": message}`` when the checks failed."""
    try:
        report = curate_project(project).to_dict()
    except LabelerError as exc:
        return {"error": str(exc)}
    unresolved = sum(len(c.unresolved) for c in project_consensus(project, FINAL_LABELS).values())
    names = {i.id: PurePosixPath(i.path).name for i in project.images()}
    used = {i["image_id"] for i in report["quality"]["issues"]}
    used |= {i["image_id"] for i in report["label_errors"]["issues"]}
    used |= {i for c in report["duplicates"]["clusters"] for i in c["image_ids"]}
    report["image_names"] = {str(i): names.get(i, str(i)) for i in sorted(used)}
    report["class_names"] = {str(c.id): c.name for c in project.classes()}
    report["unresolved_clusters"] = unresolved
    return report


def render_curation(data: dict[str, Any] | None, table: Any) -> str:
    """The curation ``<section>`` (``table`` is the report's table renderer)."""
    if data is None:
        return ""
    heading = '<section id="curation"><h2>' + escape(_("Curation")) + "</h2>"
    if "error" in data:
        failed = _("The checks could not run: {error}").format(error=data["error"])
        return heading + f'<p class="note">{escape(failed)}</p></section>'
    names = data.get("image_names", {})

    def image(image_id: int) -> str:
        return str(names.get(str(image_id), image_id))

    clusters = data["duplicates"]["clusters"]
    duplicates = table(
        [_("kind"), _("images"), _("keep")],
        [
            (word(c["kind"]), ", ".join(image(i) for i in c["image_ids"]), image(c["keep"]))
            for c in clusters[:CURATION_ROWS]
        ],
        "curation-duplicates",
        numeric_from=3,
    )
    issues = data["quality"]["issues"]
    quality = table(
        [_("image"), _("check"), _("why")],
        [(image(i["image_id"]), word(i["check"]), i["text"]) for i in issues[:CURATION_ROWS]],
        "curation-quality",
        numeric_from=3,
    )
    n = data["unresolved_clusters"]
    note = ngettext(
        "{images} images checked; {n} consensus cluster without quorum waiting for "
        "adjudication (QA ▸ Curation in the app).",
        "{images} images checked; {n} consensus clusters without quorum waiting for "
        "adjudication (QA ▸ Curation in the app).",
        n,
    ).format(images=data["images"], n=n)
    unsuitable = len({i["image_id"] for i in issues})
    return (
        heading
        + f'<p class="note">{escape(note)}</p><div class=grid><div>'
        + _h3(_("Duplicates ({n})").format(n=len(clusters)))
        + f"{duplicates}</div><div>"
        + _h3(_("Unsuitable images ({n})").format(n=unsuitable))
        + f"{quality}</div></div>"
        + _label_errors(data, image, table)
        + _balance(data, table)
    ) + "</section>"


def _h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


def _label_errors(data: dict[str, Any], image: Any, table: Any) -> str:
    classes = data.get("class_names", {})
    errors = data["label_errors"]["issues"]
    listed = data["label_errors"]["counts"].items()
    counts = ", ".join(f"{n} " + word(k) for k, n in listed) or _("none")
    rows = [
        (
            image(e["image_id"]),
            word(e["kind"]).replace("_", " "),
            classes.get(str(e["class_id"]), "—") if e["class_id"] else "—",
            classes.get(str(e["predicted_class_id"]), "?"),
            f"{e['score']:.2f}",
        )
        for e in errors[:CURATION_ROWS]
    ]
    heading = _("Likely label errors ({n}: {counts})").format(n=len(errors), counts=counts)
    return _h3(heading) + table(
        [_("image"), _("kind"), _("labeled"), _("model says"), _("score")],
        rows,
        "curation-label-errors",
        numeric_from=4,
    )


def _balance(data: dict[str, Any], table: Any) -> str:
    balance = data["class_balance"]
    rows = balance["classes"]
    ratio = balance.get("imbalance_ratio")
    chart = bar_chart(
        [(c["name"], float(c["objects"])) for c in rows],
        _("Objects per class"),
        max_value=None,
        value_format=lambda v: f"{v:.0f}",
    )
    yes = _("yes")
    listing = table(
        [_("class"), _("objects"), _("images"), _("share"), _("rare")],
        [
            (c["name"], str(c["objects"]), str(c["images"]), f"{c['share']:.1%}", yes * c["rare"])
            for c in rows
        ],
        "curation-balance",
        numeric_to=4,
    )
    note = (
        _("largest / smallest class: {ratio:.2f}×").format(ratio=ratio)
        if ratio
        else _("a class has no objects")
    )
    return (
        _h3(_("Class balance"))
        + f'<p class="note">{escape(note)}</p>'
        + f'<div class=grid><div>{listing}</div><div class="chart">{chart}</div></div>'
    )
