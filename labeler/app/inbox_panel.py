"""Questions in the app: the Inbox dock, the answer on the image, and ``Q`` to ask.

:class:`InboxPanel` lists questions by state (open / answered / promoted). Reviewers
and QA leads answer the selected one; QA leads promote an answer to an edge case of
the draft guideline. Annotators see their own questions and the answers.
:class:`QuestionBanner` shows the signed-in person's questions on the image on the
canvas: "waiting for an answer", then the answer itself. :class:`QuestionsUi` puts
them in the window and opens :class:`~labeler.app.ask_dialog.AskQuestionDialog`
for ``Q``.

Nothing here owns question state: every view re-reads the core after a
``Change(Entity.QUESTION)`` (or a change made by another program), and every edit
is an undoable core command run through the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStatusBar,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from labeler.app.ask_dialog import AskQuestionDialog
from labeler.app.canvas.controller import CanvasController
from labeler.app.canvas.view import CanvasView
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.events import Change, Entity
from labeler.core.questions import AnswerQuestion, AskQuestion, PromoteQuestion
from labeler.core.store.questions import Question, QuestionState
from labeler.core.tools import ShapeKey

INBOX_ROWS = 500  # the inbox lists at most this many questions of a state (oldest first)
_WATCHED = frozenset({Entity.QUESTION, Entity.PROJECT, Entity.PERSON, Entity.PACKAGE})
_TABS = (QuestionState.OPEN, QuestionState.ANSWERED, QuestionState.PROMOTED)
_TAB_TITLES = {
    QuestionState.OPEN: QT_TRANSLATE_NOOP("InboxPanel", "Open"),
    QuestionState.ANSWERED: QT_TRANSLATE_NOOP("InboxPanel", "Answered"),
    QuestionState.PROMOTED: QT_TRANSLATE_NOOP("InboxPanel", "Promoted"),
}
NO_CLASS = QT_TRANSLATE_NOOP("InboxPanel", "(the question's class)")


def _tab_title(state: QuestionState) -> str:
    return QCoreApplication.translate("InboxPanel", _TAB_TITLES[state])


def _plain_label(text: str = "", object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # user text: <b> and [/] stay literal
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if object_name:
        label.setObjectName(object_name)
    return label


class InboxPanel(QWidget):
    """Questions by state; answer and promote for those whose role allows it."""

    def __init__(
        self,
        workspace: Workspace,
        navigate: Callable[[int], bool],
        parent: QWidget | None = None,
        select_shape: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.navigate = navigate
        self.select_shape = select_shape
        self.dock: QDockWidget | None = None
        project, person = workspace.project, workspace.person
        self.can_answer = project.can(person.id, "review")
        self.can_promote = project.can(person.id, "edit_guideline")
        self.title = QLabel(self.tr("Questions") if self.can_answer else self.tr("My questions"))
        self.title.setObjectName("panelTitle")
        self.tabs = QTabBar()
        for state in _TABS:
            self.tabs.addTab(_tab_title(state))
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemDoubleClicked.connect(lambda _item: self.show_image())
        self.question_label = _plain_label(object_name="questionText")
        self.meta_label = _plain_label(object_name="secondaryText")
        self.answer_label = _plain_label(object_name="answerText")
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setPlaceholderText(self.tr("Your answer (the asker sees it on the image)"))
        self.answer_edit.setMaximumHeight(90)
        self.answer_button = QPushButton(self.tr("Answer"))
        self.answer_button.clicked.connect(lambda: self.answer_selected())
        self.class_combo = QComboBox()
        self.promote_button = QPushButton(self.tr("Promote to guideline edge case"))
        self.promote_button.setToolTip(
            self.tr(
                "Adds the image and its shapes (nobody's name on them) with the question and "
                "answer to the draft guideline, in the section of the class; publishing the "
                "version queues that class's older labels for re-review"
            )
        )
        self.promote_button.clicked.connect(lambda: self.promote_selected())
        self.show_button = QPushButton(self.tr("Show image"))
        self.show_button.clicked.connect(lambda: self.show_image())
        self._build_layout()
        workspace.changed.connect(self._on_change)
        self.refresh()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.question_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.answer_label)
        layout.addWidget(self.answer_edit)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.show_button)
        answer_row.addStretch(1)
        answer_row.addWidget(self.answer_button)
        layout.addLayout(answer_row)
        promote_row = QHBoxLayout()
        section_label = QLabel(self.tr("Section:"))
        promote_row.addWidget(section_label)
        promote_row.addWidget(self.class_combo, 1)
        promote_row.addWidget(self.promote_button)
        layout.addLayout(promote_row)
        for widget in (self.answer_edit, self.answer_button):
            widget.setVisible(self.can_answer)
        for promoting in (section_label, self.class_combo, self.promote_button):
            promoting.setVisible(self.can_promote)

    # Reading

    @property
    def state(self) -> QuestionState:
        """The state whose questions are listed."""
        return _TABS[max(self.tabs.currentIndex(), 0)]

    def set_state(self, state: QuestionState | str) -> None:
        """List the questions of ``state``."""
        self.tabs.setCurrentIndex(_TABS.index(QuestionState(state)))

    def _asker_filter(self) -> int | None:
        return None if self.can_answer else self.workspace.person.id

    def refresh(self) -> None:
        """Re-read the listed questions and the counts on the tabs (keeps the selection)."""
        project = self.workspace.project
        asker = self._asker_filter()
        counts = project.question_counts(asker)
        for index, state in enumerate(_TABS):
            self.tabs.setTabText(index, f"{_tab_title(state)} ({counts[state.value]})")
        rows = project.questions(self.state, asker, limit=INBOX_ROWS)
        selected = self.selected_id()
        names = {p.id: p.name for p in project.people()}
        images = {
            i.id: PurePosixPath(i.path).name
            for i in project.images_by_ids(sorted({q.image_id for q in rows}))
        }
        self.list.blockSignals(True)
        self.list.clear()
        for question in rows:
            item = QListWidgetItem(self._row_text(question, names, images))
            item.setData(Qt.ItemDataRole.UserRole, question.id)
            self.list.addItem(item)
            if question.id == selected:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._fill_classes()
        self._show_selected()

    @staticmethod
    def _row_text(question: Question, names: dict[int, str], images: dict[int, str]) -> str:
        about = f"[{question.class_name}] " if question.class_name else ""
        image = images.get(question.image_id, f"#{question.image_id}")
        return f"{about}{image} · {names.get(question.asker_id, '?')}: {question.text}"

    def _fill_classes(self) -> None:
        current = self.class_combo.currentData()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem(QCoreApplication.translate("InboxPanel", NO_CLASS), None)
        for label_class in self.workspace.classes():
            self.class_combo.addItem(label_class.name, label_class.name)
        index = self.class_combo.findData(current) if current is not None else 0
        self.class_combo.setCurrentIndex(max(index, 0))
        self.class_combo.blockSignals(False)

    def selected_id(self) -> int | None:
        """The id of the selected question, or None."""
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def selected_question(self) -> Question | None:
        """The selected question as stored now, or None."""
        question_id = self.selected_id()
        return self.workspace.project.question(question_id) if question_id is not None else None

    def select_question(self, question_id: int) -> bool:
        """Select a question of the listed state; False when it is not listed."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == question_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _show_selected(self) -> None:
        question = self.selected_question()
        has = question is not None
        for widget in (self.question_label, self.meta_label, self.answer_label):
            widget.setVisible(has)
        self.show_button.setEnabled(has)
        self.answer_button.setEnabled(has and question.state != QuestionState.PROMOTED)  # type: ignore[union-attr]
        self.promote_button.setEnabled(has and question.state == QuestionState.ANSWERED)  # type: ignore[union-attr]
        if question is None:
            self.answer_edit.clear()
            return
        project = self.workspace.project
        self.question_label.setText(self.tr("Q: {text}").format(text=question.text))
        asker = project.person(question.asker_id).name
        parts = [self.tr("asked by {name}").format(name=asker), question.asked_at[:16]]
        if question.guideline_version_id is not None:
            number = project.guideline_by_id(question.guideline_version_id).number
            parts.append(self.tr("under guideline v{version}").format(version=number))
        if question.section:
            parts.append(self.tr("section {section}").format(section=question.section))
        if question.annotation_id is not None:
            parts.append(self.tr("on shape #{id}").format(id=question.annotation_id))
        elif question.region is not None:
            corners = "({:.0f}, {:.0f})-({:.0f}, {:.0f})".format(*question.region)
            parts.append(self.tr("on a region {corners}").format(corners=corners))
        self.meta_label.setText(" · ".join(parts))
        self.answer_label.setText(
            self.tr("A: {answer}").format(answer=question.answer)
            if question.answer
            else self.tr("Waiting for an answer")
        )
        if question.class_name:
            self.class_combo.setCurrentIndex(max(self.class_combo.findData(question.class_name), 0))

    # Edits (undoable, through the workspace)

    def answer_selected(self, text: str | None = None) -> bool:
        """Answer the selected question with ``text`` (default: the answer box)."""
        question = self.selected_question()
        answer = (text if text is not None else self.answer_edit.toPlainText()).strip()
        if question is None or not answer:
            return False
        done = self.workspace.execute(
            AnswerQuestion(question.image_id, question.id, self.workspace.person.id, answer)
        )
        if done is not None:
            self.answer_edit.clear()
        return done is not None

    def promote_selected(self) -> bool:
        """Promote the selected answered question to an edge case of the draft guideline."""
        question = self.selected_question()
        if question is None:
            return False
        chosen = self.class_combo.currentData()
        class_name = str(chosen) if chosen else None
        command = PromoteQuestion(
            question.image_id, question.id, self.workspace.person.id, class_name
        )
        return self.workspace.execute(command) is not None

    def show_image(self) -> None:
        """Show the selected question's image on the canvas (and select the shape asked about)."""
        question = self.selected_question()
        if question is None:
            return
        self.navigate(question.image_id)
        if question.annotation_id is not None and self.select_shape is not None:
            self.select_shape(question.annotation_id)

    def _on_change(self, change: Change) -> None:
        if change.entity in _WATCHED:
            self.refresh()


class QuestionBanner(QLabel):
    """The signed-in person's questions on the image shown: waiting, or the answer.

    A label over the top of the canvas (the image stays interactive under it) and a
    short state in the status bar.
    """

    def __init__(self, workspace: Workspace, canvas: CanvasView, status_label: QLabel) -> None:
        super().__init__(canvas.viewport())
        self.workspace = workspace
        self.status_label = status_label
        self.setObjectName("questionBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel#questionBanner { background: rgba(24, 28, 36, 215); color: #f0f3f6; "
            "border: 1px solid #f0c674; border-radius: 4px; padding: 6px 8px; }"
        )
        self.hide()
        canvas.viewport().installEventFilter(self)
        workspace.imageChanged.connect(lambda _image_id: self.refresh())
        workspace.changed.connect(self._on_change)
        self.refresh()

    def refresh(self) -> None:
        """Re-read this person's questions on the current image."""
        image_id = self.workspace.current_image_id
        if image_id is None:
            self._set([], "")
            return
        project, me = self.workspace.project, self.workspace.person.id
        mine = project.questions(asker_id=me, image_id=image_id)
        answered = self.tr("Answer to your question “{question}”: {answer}")
        waiting = self.tr("⏳ Waiting for an answer: “{question}”")
        lines = [answered.format(question=q.text, answer=q.answer) for q in mine if not q.waiting]
        lines += [waiting.format(question=q.text) for q in mine if q.waiting]
        status = ""
        if any(q.waiting for q in mine):
            status = self.tr("Question: waiting for answer")
        elif mine:
            status = self.tr("Question: answered")
        if project.can(me, "review"):
            others = [
                q
                for q in project.questions(QuestionState.OPEN, image_id=image_id)
                if q.asker_id != me
            ]
            if others:
                lines.append(
                    self.tr("%n open question(s) on this image: see the Inbox", "", len(others))
                )
        self._set(lines, status)

    def _set(self, lines: list[str], status: str) -> None:
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
        self._place()

    def _place(self) -> None:
        viewport = self.parentWidget()
        if viewport is None:
            return
        width = max(200, min(640, viewport.width() - 24))
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((viewport.width() - width) // 2, 10)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stay centred at the top of the canvas when it is resized."""
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _on_change(self, change: Change) -> None:
        if change.entity in _WATCHED:
            self.refresh()


class QuestionsUi(QObject):
    """Questions in the window: the Inbox dock, the banner, the status field and ``Q``."""

    def __init__(
        self,
        workspace: Workspace,
        controller: CanvasController,
        canvas: CanvasView,
        status_bar: QStatusBar,
        add_dock: Callable[[QWidget, str], QDockWidget],
        navigate: Callable[[int], bool],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.canvas = canvas
        self._parent = parent
        self.inbox = InboxPanel(
            workspace, navigate, select_shape=lambda i: canvas.select(ShapeKey("annotation", i))
        )
        self.inbox.dock = add_dock(self.inbox, "inbox")
        self.status_label = QLabel()
        self.status_label.setObjectName("questionState")
        self.status_label.hide()
        status_bar.addPermanentWidget(self.status_label)
        self.banner = QuestionBanner(workspace, canvas, self.status_label)
        self.dialog: AskQuestionDialog | None = None

    def ask(self) -> AskQuestionDialog | None:
        """Open the ask dialog for the image on the canvas (or the selected shape)."""
        record = self.controller.record
        if record is None:
            return None
        name = PurePosixPath(record.path).name
        annotation_id, region, about = None, None, name
        key = self.canvas.selected_key
        if key is not None and key.kind == "annotation":
            shape = next((a for a in self.controller.annotations if a.id == key.id), None)
            if shape is not None:
                label_class = self.workspace.label_class(shape.class_id)
                shown = label_class.name if label_class else self.tr("shape")
                about = self.tr("{name} #{id} on {image}").format(
                    name=shown, id=shape.id, image=name
                )
                if shape.annotator_id == self.workspace.person.id:
                    annotation_id = shape.id
                elif shape.geometry.kind != "tag":
                    region = shape.geometry.bounds()  # someone else's shape: ask about its area
        dialog = AskQuestionDialog(about, self._parent)
        dialog.accepted.connect(lambda: self._asked(dialog, record.id, annotation_id, region))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _asked(
        self,
        dialog: AskQuestionDialog,
        image_id: int,
        annotation_id: int | None,
        region: tuple[float, float, float, float] | None,
    ) -> None:
        self.workspace.execute(
            AskQuestion(
                image_id,
                self.workspace.person.id,
                dialog.question_text(),
                annotation_id=annotation_id,
                region=region,
                section=dialog.section(),
            )
        )
        self.dialog = None
