"""The report's "Vendors" section: the scorecard per vendor batch, and its charts.

:func:`vendors_data` is :func:`labeler.core.vendor_scorecard.vendor_scorecard` in
JSON form; :func:`render_vendors` turns it into one HTML ``<section>``: the table
(delivered, review outcome, gold, agreement, time, questions, cost, trend) and two
bar charts in the report's own inline SVG (gold F1 and share accepted, per batch).
"""

from __future__ import annotations

from html import escape
from typing import Any

from labeler.core.agreement.data import ProjectLabels
from labeler.core.i18n import _
from labeler.core.report.svg import bar_chart
from labeler.core.store import Project
from labeler.core.vendor_scorecard import vendor_scorecard


def vendors_data(project: Project, labels: ProjectLabels | None = None) -> dict[str, Any]:
    """The section's data, JSON-ready (a project without batches gives an empty list).

    ``labels``: the project's labels, when the report has loaded them already.
    """
    return vendor_scorecard(project, labels=labels).to_dict()


def _figure(value: Any, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _money(value: Any, currency: str | None) -> str:
    return "n/a" if value is None else f"{value:,.2f} {currency or ''}".strip()


def _trend(value: Any) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def render_vendors(data: dict[str, Any] | None, table: Any) -> str:
    """The vendors ``<section>`` (``table`` is the report's table renderer)."""
    if data is None:
        return ""
    batches = data["batches"]
    heading = '<section id="vendors"><h2>' + escape(_("Vendors")) + "</h2>"
    if not batches:
        empty = _(
            "No vendor batch yet: export a work package or assign a batch to see the scorecard."
        )
        return heading + f'<p class="note">{escape(empty)}</p></section>'

    rows = [
        [
            b["vendor"],
            b["batch"],
            b["kind"],
            str(b["images_sent"]),
            str(b["images_delivered"]),
            str(b["objects_delivered"]),
            f"{b['accepted']}/{b['rejected']}/{b['fixed']}",
            _figure(b["gold_f1"]),
            _figure(b["agreement_f1"]),
            _figure(b["median_seconds_per_image"], 1),
            str(b["questions_asked"]),
            _money(b["cost"], b["currency"]),
            _money(b["cost_per_accepted_object"], b["currency"]),
            _trend(b["trend"].get("gold_f1")),
            _trend(b["trend"].get("acceptance")),
        ]
        for b in batches
    ]
    headers = [
        _("vendor"), _("batch"), _("kind"), _("sent"), _("delivered"), _("objects"),
        _("accepted/rejected/fixed"), _("gold F1"), _("agreement F1"), _("median s/image"),
        _("questions"), _("cost"), _("per accepted object"), _("gold F1 trend"),
        _("accepted trend"),
    ]  # fmt: skip
    labels = [f"{b['vendor']} · {b['batch']}" for b in batches]
    charts = "".join(
        f'<div class="chart">{bar_chart(list(zip(labels, values, strict=True)), title)}</div>'
        for title, values in (
            (_("Gold F1 per batch"), [b["gold_f1"] for b in batches]),
            (_("Share of reviewed objects accepted"), [b["acceptance"] for b in batches]),
        )
    )
    vendors = sorted({b["vendor"] for b in batches})
    note = _(
        "{batches} batches from {vendors} vendors ({names}). A batch is a work package or an "
        "assignment batch; delivered images are those answered (empty answers too); trends "
        "compare with the vendor's previous batch."
    ).format(batches=len(batches), vendors=len(vendors), names=", ".join(vendors))
    return (
        heading
        + f'<p class="note">{escape(note)}</p>'
        + table(headers, rows, "vendors-scorecard", 3, 15)
        + f"<div class=grid>{charts}</div></section>"
    )
