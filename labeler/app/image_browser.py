"""The image browser: a virtual list of the project's images that stays instant at 100k rows.

:class:`ImageListModel` knows only a row count and loads records a page at a
time as the view paints them (``images(limit, offset)``), so opening a project
of any size reads one page. Filtering by status, class, annotator or file name
computes the matching ids on a worker thread with its own project connection
(:func:`filtered_image_ids`); the model then pages through that id list.
A filtered list keeps its rows while you work (marking an image done does not
make it vanish under the cursor); changing a filter recomputes it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.slice_controls import SliceControls
from labeler.app.thumbnails import ThumbnailCache
from labeler.app.workers import JobRunner
from labeler.app.workspace import Workspace
from labeler.core.domain import ImageRecord, ImageStatus
from labeler.core.errors import UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.external_changes import EXTERNAL
from labeler.core.progress import Progress
from labeler.core.store import Project

PAGE_SIZE = 256
MAX_PAGES = 64
ROW_HEIGHT = 58

STATUS_COLORS: dict[ImageStatus, str] = {
    ImageStatus.NEW: "#8a8f98",
    ImageStatus.PRELABELED: "#9b7be0",
    ImageStatus.IN_PROGRESS: "#4f9de8",
    ImageStatus.DONE: "#3fb56b",
    ImageStatus.NEEDS_REVIEW: "#e8a33c",
    ImageStatus.REJECTED: "#e05a4f",
}
# English sources; show them with status_label() (translated) or status_title() (a heading).
STATUS_LABELS: dict[ImageStatus, str] = {
    ImageStatus.NEW: QT_TRANSLATE_NOOP("ImageBrowser", "new"),
    ImageStatus.PRELABELED: QT_TRANSLATE_NOOP("ImageBrowser", "pre-labeled"),
    ImageStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("ImageBrowser", "in progress"),
    ImageStatus.DONE: QT_TRANSLATE_NOOP("ImageBrowser", "done"),
    ImageStatus.NEEDS_REVIEW: QT_TRANSLATE_NOOP("ImageBrowser", "needs review"),
    ImageStatus.REJECTED: QT_TRANSLATE_NOOP("ImageBrowser", "rejected"),
}
STATUS_TITLES: dict[ImageStatus, str] = {
    ImageStatus.NEW: QT_TRANSLATE_NOOP("ImageBrowser", "New"),
    ImageStatus.PRELABELED: QT_TRANSLATE_NOOP("ImageBrowser", "Pre-labeled"),
    ImageStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("ImageBrowser", "In progress"),
    ImageStatus.DONE: QT_TRANSLATE_NOOP("ImageBrowser", "Done"),
    ImageStatus.NEEDS_REVIEW: QT_TRANSLATE_NOOP("ImageBrowser", "Needs review"),
    ImageStatus.REJECTED: QT_TRANSLATE_NOOP("ImageBrowser", "Rejected"),
}


def status_label(status: ImageStatus) -> str:
    """An image status as shown in a row or pill, in the user's language ('in progress')."""
    return QCoreApplication.translate("ImageBrowser", STATUS_LABELS[status])


def status_title(status: ImageStatus) -> str:
    """An image status as a choice in a list, in the user's language ('In progress')."""
    return QCoreApplication.translate("ImageBrowser", STATUS_TITLES[status])

RecordRole = Qt.ItemDataRole.UserRole + 1
ImageIdRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class ImageFilter:
    """Which images the browser lists; all fields empty lists everything."""

    status: ImageStatus | None = None
    class_id: int | None = None
    annotator_id: int | None = None
    text: str = ""
    slice_id: int | None = None  # a saved slice (labeler.core.slices)

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return (
            self.status is None
            and self.class_id is None
            and self.annotator_id is None
            and not self.text.strip()
            and self.slice_id is None
        )


def filtered_image_ids(project_path: Path, flt: ImageFilter, progress: Progress) -> list[int]:
    """Ids of the images matching ``flt``, in browser order (runs on a worker thread).

    Opens its own connection (a project's connection belongs to one thread).
    """
    with Project.open(project_path) as project:
        progress.start(1, QCoreApplication.translate("ImageBrowser", "filtering images"))
        ids = project.image_ids(flt.status, flt.class_id, flt.annotator_id, flt.text.strip())
        if flt.slice_id is not None:
            frozen = set(project.slice_image_ids(flt.slice_id))
            ids = [i for i in ids if i in frozen]
        progress.advance()
    return ids


class ImageListModel(QAbstractListModel):
    """Image records by row, loaded a page at a time; all images, or a given id list."""

    def __init__(
        self, project: Project, thumbnails: ThumbnailCache | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.thumbnails = thumbnails
        self._ids: list[int] | None = None
        self._count = project.image_count()
        self._pages: OrderedDict[int, list[ImageRecord]] = OrderedDict()
        self._rows: dict[int, int] = {}
        if thumbnails is not None:
            thumbnails.thumbnailReady.connect(self._on_thumbnail)

    # Content

    def set_ids(self, ids: list[int] | None) -> None:
        """List exactly these images (None: every image of the project, in order)."""
        self.beginResetModel()
        self._ids = list(ids) if ids is not None else None
        self._count = len(ids) if ids is not None else self.project.image_count()
        self._pages.clear()
        self._rows.clear()
        self.endResetModel()

    @property
    def is_filtered(self) -> bool:
        """True when listing a filtered id list."""
        return self._ids is not None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of images listed."""
        return 0 if parent.isValid() else self._count

    def record(self, row: int) -> ImageRecord | None:
        """The record at ``row`` (loads its page if needed)."""
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def _load_page(self, page_no: int) -> list[ImageRecord]:
        start = page_no * PAGE_SIZE
        if self._ids is None:
            page = self.project.images(limit=PAGE_SIZE, offset=start)
        else:
            page = self.project.images_by_ids(self._ids[start : start + PAGE_SIZE])
        self._pages[page_no] = page
        for i, record in enumerate(page):
            self._rows[record.id] = start + i
        while len(self._pages) > MAX_PAGES:
            _, dropped = self._pages.popitem(last=False)
            for record in dropped:
                self._rows.pop(record.id, None)
        return page

    def row_of(self, image_id: int) -> int | None:
        """The row of an image, or None if it is not listed."""
        if image_id in self._rows:
            return self._rows[image_id]
        if self._ids is not None:
            try:
                return self._ids.index(image_id)
            except ValueError:
                return None
        return self._search_row(image_id)

    def _search_row(self, image_id: int) -> int | None:
        """Binary search over pages: all images are listed in id order."""
        pages = (self._count + PAGE_SIZE - 1) // PAGE_SIZE
        lo, hi = 0, pages - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            first = self.record(mid * PAGE_SIZE)
            page = self._pages.get(mid, [])
            if first is None or not page:
                return None
            if image_id < first.id:
                hi = mid - 1
            elif image_id > page[-1].id:
                lo = mid + 1
            else:
                ids = [r.id for r in page]
                at = bisect_left(ids, image_id)
                return mid * PAGE_SIZE + at if at < len(ids) and ids[at] == image_id else None
        return None

    def refresh_records(self, image_ids: tuple[int, ...]) -> None:
        """Re-read changed records (status) and repaint their rows."""
        for image_id in image_ids:
            row = self._rows.get(image_id)
            if row is None:
                continue
            page_no, offset = divmod(row, PAGE_SIZE)
            page = self._pages.get(page_no)
            if page is None or offset >= len(page):
                continue
            try:
                page[offset] = self.project.image(image_id)
            except UnknownEntityError:
                continue
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def reload_loaded_pages(self) -> None:
        """Forget the pages in memory (another program changed the project) and repaint.

        Nothing is read here: the view asks again for the rows it shows, so only the
        visible page is re-read on the GUI thread, not every page held in memory.
        """
        self._pages.clear()
        self._rows.clear()
        if self._count:
            self.dataChanged.emit(self.index(0), self.index(self._count - 1))

    def images_added(self) -> None:
        """New images were imported: the unfiltered list grows at its end."""
        if self._ids is not None:
            return
        count = self.project.image_count()
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self._pages.pop((count - 1) // PAGE_SIZE, None)
            self._pages.pop(max(0, self._count - 1) // PAGE_SIZE, None)
            self.endInsertRows()

    # Qt model

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        """Name, tooltip, record, id or thumbnail of a row."""
        record = self.record(index.row()) if index.isValid() else None
        if record is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return PurePosixPath(record.path).name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{record.path}\n{record.width}×{record.height} · {status_label(record.status)}"
        if role == RecordRole:
            return record
        if role == ImageIdRole:
            return record.id
        if role == Qt.ItemDataRole.DecorationRole and self.thumbnails is not None:
            thumbs = self.thumbnails
            if not thumbs.wanted(record.id):
                return thumbs.cached(record.id)
            return thumbs.thumbnail(record.id, record.sha256, self.project.image_path(record))
        return None

    def _on_thumbnail(self, image_id: int) -> None:
        row = self._rows.get(image_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class ImageRowDelegate(QStyledItemDelegate):
    """Paints a row: thumbnail, file name, index and size, and a status pill."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Fixed row height (the list uses uniform item sizes)."""
        return QSize(200, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw one row."""
        record = index.data(RecordRole)
        if not isinstance(record, ImageRecord):
            return
        rect = option.rect
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.highlight())
        thumb_rect = QRectF(rect.x() + 6, rect.y() + 5, 64, 48)
        painter.fillRect(thumb_rect, QColor(40, 42, 47))
        thumb = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(thumb, QImage) and not thumb.isNull():
            scaled = thumb.size().scaled(64, 48, Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(
                thumb_rect.x() + (64 - scaled.width()) / 2,
                thumb_rect.y() + (48 - scaled.height()) / 2,
                scaled.width(),
                scaled.height(),
            )
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, thumb)
        text_color = palette.highlightedText().color() if selected else palette.text().color()
        name_font = QFont(option.font)
        name_font.setBold(True)
        left = rect.x() + 80
        pill_width = _paint_status_pill(painter, record.status, rect.right() - 6, rect.y() + 9)
        width = rect.right() - 6 - pill_width - 6 - left
        name = QFontMetrics(name_font).elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole)), Qt.TextElideMode.ElideMiddle, width
        )
        painter.setFont(name_font)
        painter.setPen(text_color)
        painter.drawText(left, rect.y() + 22, name)
        painter.setFont(option.font)
        muted = QColor(text_color)
        muted.setAlpha(150)
        painter.setPen(muted)
        painter.drawText(
            left, rect.y() + 44, f"#{index.row() + 1}  ·  {record.width}×{record.height}"
        )
        painter.restore()


def _paint_status_pill(painter: QPainter, status: ImageStatus, right: int, top: int) -> int:
    """Draw the status as a coloured pill ending at ``right``; returns its width."""
    text = status_label(status)
    font = QFont(painter.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
    font.setBold(True)
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(text) + 12
    rect = QRectF(right - width, top, width, metrics.height() + 2)
    color = QColor(STATUS_COLORS[status])
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    fill = QColor(color)
    fill.setAlpha(60)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setFont(font)
    painter.setPen(color.lighter(130))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return round(width)


def _make_row_view() -> QTableView:
    """A one-column table of fixed-height rows.

    Not a QListView: its layout pass visits every row (two Python ``rowCount``
    calls each, 0.8 s at 100k rows) on every resize; a table with fixed row
    heights lays out in constant time.
    """
    view = QTableView()
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    view.setItemDelegate(ImageRowDelegate(view))
    rows, columns = view.verticalHeader(), view.horizontalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(ROW_HEIGHT)
    rows.hide()
    columns.setStretchLastSection(True)
    columns.hide()
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return view


def _status_or_none(value: object) -> ImageStatus | None:
    return ImageStatus(value) if isinstance(value, str) else None


class ImageBrowser(QWidget):
    """Search and filters over the virtual image list; ``currentImageChanged(image_id)``."""

    currentImageChanged = Signal(int)
    filterApplied = Signal()

    def __init__(
        self, workspace: Workspace, thumbnails: ThumbnailCache | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = ImageListModel(workspace.project, thumbnails, self)
        self._runner = JobRunner(self)
        self._filter = ImageFilter()
        self._filter_generation = 0
        self._quiet = False
        self._build()
        self._fill_filter_choices()
        workspace.changed.connect(self._on_change)

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search file names…"))
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.class_filter = QComboBox()
        self.annotator_filter = QComboBox()
        for combo in (self.status_filter, self.class_filter, self.annotator_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        self.list_view = _make_row_view()
        self.list_view.setModel(self.model)  # after configuring: no layout pass per setting
        self.count_label = QLabel()
        self.count_label.setObjectName("secondaryText")
        filters = QHBoxLayout()
        filters.setSpacing(4)
        filters.addWidget(self.class_filter, 1)
        filters.addWidget(self.annotator_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.status_filter)
        layout.addLayout(filters)
        self.slice_controls = SliceControls(self.workspace, lambda: self._filter)
        self.slice_controls.sliceChosen.connect(self._apply_filter)
        layout.addWidget(self.slice_controls)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.count_label)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(300)
        self._counts_timer.timeout.connect(self._update_status_counts)
        for combo in (self.status_filter, self.class_filter, self.annotator_filter):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._update_count()

    def _fill_filter_choices(self) -> None:
        project = self.workspace.project
        combos = (self.status_filter, self.class_filter, self.annotator_filter)
        chosen = [combo.currentData() for combo in combos]
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        self.status_filter.addItem(self.tr("Any status"), None)
        for status in ImageStatus:
            self.status_filter.addItem(status_title(status), status.value)
        self.class_filter.addItem(self.tr("Any class"), None)
        for label_class in self.workspace.classes():
            self.class_filter.addItem(label_class.name, label_class.id)
        self.annotator_filter.addItem(self.tr("Anyone"), None)
        for person in project.people():
            self.annotator_filter.addItem(person.name, person.id)
        for combo, data in zip(combos, chosen, strict=True):
            combo.setCurrentIndex(max(0, combo.findData(data)))
            combo.blockSignals(False)
        self._update_status_counts()

    def _update_status_counts(self) -> None:
        counts = self.workspace.project.status_counts()
        total = sum(counts.values())
        any_status = self.tr("Any status ({count})").format(count=f"{total:,}")
        self.status_filter.setItemText(0, any_status)
        for i in range(1, self.status_filter.count()):
            status = ImageStatus(self.status_filter.itemData(i))
            label = status_title(status)
            self.status_filter.setItemText(i, f"{label} ({counts.get(status.value, 0):,})")

    # Filtering

    @property
    def current_filter(self) -> ImageFilter:
        """The filter the list shows."""
        return self._filter

    def set_filter(self, flt: ImageFilter) -> None:
        """Show the images matching ``flt`` (computed in the background); syncs the controls."""
        self._filter = flt
        self._show_filter_in_controls(flt)
        self._filter_generation += 1
        generation = self._filter_generation
        if flt.is_empty:
            self._show_ids(None)
            return
        self.count_label.setText(self.tr("Filtering…"))
        path = self.workspace.project.path
        self._runner.run(
            lambda progress: filtered_image_ids(path, flt, progress),
            self.tr("filter images"),
            on_success=lambda ids: (
                self._show_ids(ids) if generation == self._filter_generation else None
            ),
            on_failure=lambda message: self.count_label.setText(
                self.tr("Filter failed: {message}").format(message=message)
            ),
        )

    def _show_filter_in_controls(self, flt: ImageFilter) -> None:
        choices = (
            (self.status_filter, flt.status.value if flt.status is not None else None),
            (self.class_filter, flt.class_id),
            (self.annotator_filter, flt.annotator_id),
        )
        for combo, data in choices:
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(data)) if data is not None else 0)
            combo.blockSignals(False)
        self.slice_controls.show_slice(flt.slice_id)
        if self.search.text() != flt.text:
            self.search.blockSignals(True)
            self.search.setText(flt.text)
            self.search.blockSignals(False)

    def _apply_filter(self) -> None:
        self.set_filter(
            ImageFilter(
                status=_status_or_none(self.status_filter.currentData()),
                class_id=self.class_filter.currentData(),
                annotator_id=self.annotator_filter.currentData(),
                text=self.search.text(),
                slice_id=self.slice_controls.current_slice_id(),
            )
        )

    def _show_ids(self, ids: list[int] | None) -> None:
        current = self.workspace.current_image_id
        self.model.set_ids(ids)
        self._update_count()
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self._select_row(row, emit=False)
        elif self.model.rowCount() > 0:
            self._select_row(0, emit=True)
        self.filterApplied.emit()

    def _update_count(self) -> None:
        total = self.workspace.project.image_count()
        shown = self.model.rowCount()
        if self.model.is_filtered:
            self.count_label.setText(
                self.tr("{shown} of {total} images match").format(
                    shown=f"{shown:,}", total=f"{total:,}"
                )
            )
        else:
            many = self.tr("%Ln images", "", total) if total != 1 else self.tr("%Ln image", "", 1)
            self.count_label.setText(many)

    # Navigation

    @property
    def busy(self) -> bool:
        """True while a filter is being computed."""
        return self._runner.busy

    def current_row(self) -> int:
        """Row of the current image (-1 when none)."""
        return self.list_view.currentIndex().row()

    def row_count(self) -> int:
        """Number of images listed."""
        return self.model.rowCount()

    def set_current_row(self, row: int) -> bool:
        """Make ``row`` current (clamped); False if the list is empty."""
        if self.model.rowCount() == 0:
            return False
        self._select_row(max(0, min(row, self.model.rowCount() - 1)), emit=True)
        return True

    def step(self, delta: int) -> bool:
        """Move ``delta`` rows; False at either end."""
        row = self.current_row() + delta
        if not 0 <= row < self.model.rowCount():
            return False
        self._select_row(row, emit=True)
        return True

    def select_image(self, image_id: int) -> bool:
        """Make an image current if it is listed."""
        row = self.model.row_of(image_id)
        if row is None:
            return False
        self._select_row(row, emit=True)
        return True

    def neighbours(self, ahead: int = 2, behind: int = 1) -> list[ImageRecord]:
        """Records around the current row, next ones first (for prefetch)."""
        row = self.current_row()
        rows = [row + i for i in range(1, ahead + 1)] + [row - i for i in range(1, behind + 1)]
        return [r for r in (self.model.record(x) for x in rows) if r is not None]

    def _select_row(self, row: int, emit: bool) -> None:
        index = self.model.index(row)
        selection = self.list_view.selectionModel()
        self._quiet = not emit  # the view still hears the change and repaints its rows
        try:
            selection.setCurrentIndex(
                index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Current
            )
        finally:
            self._quiet = False
        self.list_view.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        image_id = current.data(ImageIdRole)
        if isinstance(image_id, int):
            self.currentImageChanged.emit(image_id)

    # Store changes

    def _on_change(self, change: Change) -> None:
        if change == EXTERNAL:  # another program committed: reload what is shown
            self.model.images_added()
            self.model.reload_loaded_pages()
            self._update_count()
            self._counts_timer.start()
            return
        if change.entity == Entity.IMAGE and change.action == "create":
            self.model.images_added()
            self._update_count()
        if change.image_ids:
            self.model.refresh_records(change.image_ids)
        if change.entity in (Entity.IMAGE, Entity.ANNOTATION, Entity.PREDICTION):
            self._counts_timer.start()  # one count query for a burst of edits
        if change.entity in (Entity.CLASS, Entity.PERSON):
            self._fill_filter_choices()

    def shutdown(self) -> None:
        """Stop the filter worker and the timers (the project is about to close)."""
        self._debounce.stop()
        self._counts_timer.stop()
        self._runner.shutdown()
        self.model.blockSignals(True)
