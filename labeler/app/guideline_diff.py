"""Compare any two guideline versions: a coloured unified diff of the text and per-class rules."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from labeler.core.domain import GuidelineDiff
from labeler.core.errors import LabelerError
from labeler.core.store import Project

_LINE_STYLES = (
    ("+++", "color:#9aa0a6;font-weight:bold"),
    ("---", "color:#9aa0a6;font-weight:bold"),
    ("@@", "color:#6ab0ff"),
    ("+", "color:#7ee787;background-color:#12361d"),
    ("-", "color:#ff9b95;background-color:#3d1715"),
)


def diff_line_html(line: str) -> str:
    """One diff line as HTML, coloured by its prefix (added green, removed red, hunks blue)."""
    style = next((css for prefix, css in _LINE_STYLES if line.startswith(prefix)), "")
    text = html.escape(line) or "&nbsp;"
    return f'<span style="{style}">{text}</span>' if style else text


def diff_html(diff: GuidelineDiff) -> str:
    """The whole comparison as HTML: summary, text diff, then one diff per changed class rule."""
    draft = QCoreApplication.translate("guideline_diff", "draft")
    old = f"v{diff.old_number}" if diff.old_number is not None else draft
    new = f"v{diff.new_number}" if diff.new_number is not None else draft
    changed = html.escape(", ".join(diff.changed_classes)) or QCoreApplication.translate(
        "guideline_diff", "none"
    )
    summary = QCoreApplication.translate(
        "guideline_diff", "Classes changed: {classes} · examples added {added}, removed {removed}"
    ).format(classes=f"<b>{changed}</b>", added=diff.examples_added, removed=diff.examples_removed)
    same = QCoreApplication.translate("guideline_diff", "The text is the same.")
    parts = [
        f"<h3>{old} → {new}</h3>",
        f"<p>{summary}</p>",
        "<h4>{}</h4>".format(QCoreApplication.translate("guideline_diff", "Text")),
        _block(diff.text) if diff.text else f"<p><i>{same}</i></p>",
    ]
    rule = QCoreApplication.translate("guideline_diff", "Rule: {name}")
    for name, lines in sorted(diff.rules.items()):
        parts.append(f"<h4>{rule.format(name=html.escape(name))}</h4>")
        parts.append(_block(lines))
    return "".join(parts)


def _block(lines: tuple[str, ...]) -> str:
    body = "<br>".join(diff_line_html(line) for line in lines)
    return f'<p style="font-family:monospace;white-space:pre-wrap">{body}</p>'


class GuidelineDiffDialog(QDialog):
    """Two version pickers (published versions and the draft) and their coloured diff."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(self.tr("Compare guideline versions"))
        self.resize(760, 680)
        self.old_picker = QComboBox()
        self.new_picker = QComboBox()
        versions = project.guideline_versions()
        choices: list[tuple[str, int | None]] = [(f"v{v.number}", v.number) for v in versions]
        if project.draft_guideline() is not None:
            choices.append((self.tr("draft (next version)"), None))
        for picker in (self.old_picker, self.new_picker):
            for label, number in choices:
                picker.addItem(label, number)
        self.old_picker.setCurrentIndex(max(0, len(choices) - 2))
        self.new_picker.setCurrentIndex(max(0, len(choices) - 1))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        pickers = QHBoxLayout()
        pickers.addWidget(QLabel(self.tr("Compare")))
        pickers.addWidget(self.old_picker)
        pickers.addWidget(QLabel(self.tr("with")))
        pickers.addWidget(self.new_picker)
        pickers.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(pickers)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.old_picker.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_picker.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def set_versions(self, old: int | None, new: int | None) -> None:
        """Pick two versions by number (None: the draft) and show their diff."""
        self.old_picker.setCurrentIndex(self.old_picker.findData(old))
        self.new_picker.setCurrentIndex(self.new_picker.findData(new))
        self.refresh()

    def refresh(self) -> None:
        """Recompute the diff of the picked versions (core errors are shown as text)."""
        if self.old_picker.count() == 0:
            self.browser.setHtml(
                "<p>{}</p>".format(self.tr("No guideline version has been published yet."))
            )
            return
        old, new = self.old_picker.currentData(), self.new_picker.currentData()
        try:
            diff = self.project.guideline_diff(old, new)
        except LabelerError as exc:
            self.browser.setHtml(f"<p>{html.escape(str(exc))}</p>")
            return
        self.browser.setHtml(diff_html(diff))
