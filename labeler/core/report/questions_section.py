"""The report's "Questions" section: what annotators asked, how fast it was answered.

:func:`questions_data` counts the project's questions per class and per guideline
section (the section named with the question, else the section of its class in
the guideline version it was asked under), the time from asking to answering
(median and maximum), and how many answers became edge cases of each guideline
version. :func:`render_questions` turns that into one HTML ``<section>``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import datetime
from html import escape
from typing import Any

from labeler.core.guideline_text import class_sections
from labeler.core.i18n import _
from labeler.core.store import Project
from labeler.core.store.questions import Question, QuestionState

NO_CLASS = "(no class)"
NO_SECTION = "(no section)"
_HEADING_NUMBER = re.compile(r"^#+\s*(\d+(?:\.\d+)*)\.?\s")


def _seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _section_of(question: Question, texts: dict[int, str]) -> str:
    """The section a question concerns: as asked, else its class's section heading number."""
    if question.section:
        return question.section
    text = texts.get(question.guideline_version_id or -1)
    if not question.class_name or text is None:
        return NO_SECTION
    found = class_sections(text, [question.class_name]).get(question.class_name)
    match = _HEADING_NUMBER.match(found or "")
    return f"{match.group(1)} {question.class_name}" if match else NO_SECTION


def _tally(questions: list[Question], key: Any) -> list[dict[str, Any]]:
    rows: dict[str, Counter[str]] = {}
    for question in questions:
        rows.setdefault(key(question), Counter())[question.state.value] += 1
    return [
        {
            "name": name,
            "asked": sum(counts.values()),
            **{state.value: counts[state.value] for state in QuestionState},
        }
        for name, counts in sorted(rows.items())
    ]


def questions_data(project: Project) -> dict[str, Any]:
    """The questions section's data, JSON-ready (an empty project gives zero counts)."""
    questions = project.questions()
    texts = {v.id: v.text for v in project.guideline_versions()}
    waits = [
        _seconds_between(q.asked_at, q.answered_at) for q in questions if q.answered_at is not None
    ]
    versions = Counter(project.promoted_example_versions().values())
    return {
        "total": len(questions),
        "by_state": project.question_counts(),
        "by_class": _tally(questions, lambda q: q.class_name or NO_CLASS),
        "by_section": _tally(questions, lambda q: _section_of(q, texts)),
        "answered": len(waits),
        "median_seconds_to_answer": statistics.median(waits) if waits else None,
        "max_seconds_to_answer": max(waits) if waits else None,
        "edge_cases_by_version": [
            {"version": "draft" if number is None else f"v{number}", "edge_cases": count}
            for number, count in sorted(versions.items(), key=lambda i: (i[0] is None, i[0] or 0))
        ],
    }


def duration(seconds: float | None) -> str:
    """A wait as a person reads it: ``45 s``, ``12 min``, ``3.5 h``, ``2.0 d`` (``n/a``)."""
    if seconds is None:
        return "n/a"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def render_questions(data: dict[str, Any] | None, table: Any) -> str:
    """The questions ``<section>`` (``table`` is the report's table renderer)."""
    if data is None:
        return ""
    states = [s.value for s in QuestionState]
    keys = ["asked", *states]
    words = {"asked": _("asked"), "open": _("open"), "answered": _("answered")}
    words["promoted"] = _("promoted")
    headers = [words.get(key, key) for key in keys]

    def rows(kind: str) -> list[list[str]]:
        return [[r["name"], *(str(r[k]) for k in keys)] for r in data[kind]]

    by_class = table([_("class"), *headers], rows("by_class"), "questions-by-class")
    by_section = table(
        [_("guideline section"), *headers], rows("by_section"), "questions-by-section"
    )
    versions = table(
        [_("guideline version"), _("edge cases from questions")],
        [[r["version"], str(r["edge_cases"])] for r in data["edge_cases_by_version"]],
        "questions-edge-cases",
    )
    counts = data["by_state"]
    note = _(
        "{total} questions asked: {open} open, {answered} answered, {promoted} promoted to "
        "guideline edge cases. Time to answer ({n} answered): median {median}, longest "
        "{longest}."
    ).format(
        total=data["total"],
        open=counts["open"],
        answered=counts["answered"],
        promoted=counts["promoted"],
        n=data["answered"],
        median=duration(data["median_seconds_to_answer"]),
        longest=duration(data["max_seconds_to_answer"]),
    )
    return (
        '<section id="questions"><h2>'
        + escape(_("Questions"))
        + f'</h2><p class="note">{escape(note)}</p><div class=grid><div>'
        + _h3(_("Per class"))
        + f"{by_class}</div><div>"
        + _h3(_("Per guideline section"))
        + f"{by_section}</div></div>"
        + _h3(_("Edge cases per guideline version"))
        + f"{versions}</section>"
    )


def _h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"
