"""The report's slices section: every saved slice, its rule, size, note and work sent.

Slices live in the project file, so a report lists them for people without the
app; when the report was made for one slice (``labeler report --slice NAME``) the
section says so first.
"""

from __future__ import annotations

from html import escape
from typing import Any

from labeler.core.i18n import _
from labeler.core.slices import rule_text
from labeler.core.store import Project


def slices_data(project: Project) -> list[dict[str, Any]]:
    """Every slice, JSON-ready: name, rule, images, note, when saved, the work sent from it."""
    found = []
    for saved in project.slices():
        work = project.slice_work(saved.id)
        found.append(
            {
                "name": saved.name,
                "rule": rule_text(saved.rule),
                "images": saved.images,
                "note": saved.note,
                "created_at": saved.created_at,
                "evaluated_at": saved.evaluated_at,
                "work": [
                    {"kind": w.kind, "target": w.target, "note": w.note, "images": w.images,
                     "sent_at": w.sent_at}
                    for w in work
                ],
            }
        )  # fmt: skip
    return found


def render_slices(slices: list[dict[str, Any]] | None, scope: int | None, table: Any) -> str:
    """The slices ``<section>`` (``table`` is the report's table renderer)."""
    if not slices and scope is None:
        return ""
    note = ""
    if scope is not None:
        covers = _(
            "This report covers only the {n} images of the slice it was made for (agreement, "
            "disagreements, diagnosis and comparison)."
        ).format(n=scope)
        note = f'<p class="note">{escape(covers)}</p>'
    sent = _("{kind} to {target}: {note}")
    rows = [
        (
            s["name"],
            str(s["images"]),
            s["rule"],
            s["note"],
            "; ".join(
                sent.format(kind=w["kind"], target=w["target"], note=w["note"]) for w in s["work"]
            ),
            s["created_at"][:16].replace("T", " "),
        )
        for s in slices or []
    ]
    headers = [_("slice"), _("images"), _("rule"), _("note"), _("sent to work"), _("saved")]
    listed = (
        table(headers, rows, "slices", 1, 2)
        if rows
        else '<p class="note">' + escape(_("No slices saved.")) + "</p>"
    )
    return '<section id="slices"><h2>' + escape(_("Slices")) + f"</h2>{note}{listed}</section>"
