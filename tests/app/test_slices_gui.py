"""Slices in the app: the browser shows one, saves its filter; the QA errors save FP/FN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.image_browser import ImageFilter
from labeler.app.main_window import MainWindow
from labeler.core.domain import Role
from labeler.core.slices import parse_rule, save_slice
from labeler.core.store import Project
from tests.app.conftest import open_window
from tests.core.diagnosis.two_runs import DENT, TwoRuns, make_two_runs

pytestmark = pytest.mark.gui


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    two = make_two_runs(tmp_path)
    with Project.open(two.path) as project:
        project.add_person("quinn", Role.QA_LEAD)
        save_slice(project, "weak misses", parse_rule("fn:weak"), "before the window opened")
    return two


@pytest.fixture
def window(qtbot: QtBot, two: TwoRuns) -> Iterator[MainWindow]:
    main = open_window(qtbot, two.path, "quinn")
    yield main
    main.close()


def _listed(window: MainWindow) -> list[int]:
    model = window.image_browser.model
    return [model.record(r).id for r in range(model.rowCount())]  # type: ignore[union-attr]


def test_browser_shows_a_slice(window: MainWindow, qtbot: QtBot, two: TwoRuns) -> None:
    browser = window.image_browser
    controls = browser.slice_controls
    assert controls.slice_filter.itemText(1) == "weak misses (2)"
    assert controls.choose("weak misses")
    qtbot.waitUntil(lambda: browser.model.is_filtered and not browser.busy, timeout=10_000)
    assert _listed(window) == [two.images[0], two.images[3]]
    assert "2 of 5 images match" in browser.count_label.text()
    assert browser.current_filter.slice_id == controls.current_slice_id()
    assert not controls.choose("no such slice")
    browser.set_filter(ImageFilter())
    qtbot.waitUntil(lambda: not browser.model.is_filtered, timeout=10_000)
    assert controls.current_slice_id() is None


def test_save_the_browser_filter_as_a_slice(window: MainWindow, qtbot: QtBot, two: TwoRuns) -> None:
    browser = window.image_browser
    browser.set_filter(ImageFilter(class_id=DENT, text="img"))
    qtbot.waitUntil(lambda: browser.model.is_filtered and not browser.busy, timeout=10_000)
    controls = browser.slice_controls
    controls.save_current_filter("dents", "dent images to re-check")
    qtbot.waitUntil(lambda: controls.saver.last is not None, timeout=10_000)
    with Project.open(two.path) as project:
        saved = project.slice_named("dents")
        assert saved.rule == {
            "terms": [{"kind": "class", "value": "dent"}, {"kind": "path", "value": "*img*"}]
        }
        assert (
            project.slice_image_ids(saved.id) == _listed(window) == [two.images[1], two.images[3]]
        )
        assert saved.note == "dent images to re-check"
    qtbot.waitUntil(lambda: controls.slice_filter.count() == 3, timeout=5_000)  # heard the change
    controls.save_current_filter("dents")  # the name is taken: said so, nothing saved
    qtbot.waitUntil(lambda: controls.saver.error is not None, timeout=10_000)
    assert "already exists" in controls.status.text()


def test_qa_errors_save_as_a_slice(window: MainWindow, qtbot: QtBot, two: TwoRuns) -> None:
    view = window.qa_view
    assert view.dock is not None
    view.dock.show()
    qtbot.waitUntil(view.has_result, timeout=15_000)
    assert view.set_run(two.weak)
    qtbot.waitUntil(lambda: view.has_result() and view.data.run_id == two.weak, timeout=15_000)  # type: ignore[union-attr]
    buttons = view.error_slices
    assert buttons.rule("fp") == {"terms": [{"kind": "fp", "value": str(two.weak)}]}
    assert buttons.save("fn", "fn of weak", "false negatives of the weak run")
    qtbot.waitUntil(lambda: buttons.saver.last is not None, timeout=15_000)
    with Project.open(two.path) as project:
        saved = project.slice_named("fn of weak")
        assert project.slice_image_ids(saved.id) == [two.images[0], two.images[3]]


def test_send_a_slice_to_people_and_to_a_vendor(
    window: MainWindow, qtbot: QtBot, two: TwoRuns, tmp_path: Path
) -> None:
    from labeler.app.slice_send import SendToWorkDialog
    from labeler.core.domain import AssignmentTask

    controls = window.image_browser.slice_controls
    assert not controls.send_button.isEnabled()  # no slice chosen yet
    assert controls.choose("weak misses") and controls.send_button.isEnabled()
    dialog = SendToWorkDialog(window.workspace.project, "weak misses", window)
    assert dialog.request() is None and "note" in dialog.problem.text()
    dialog.note.setText("false negatives of the weak run")
    assert dialog.request() is None and "Tick" in dialog.problem.text()
    assert dialog.check_person("alice") and not dialog.check_person("zed")
    dialog.blind.setChecked(True)
    request = dialog.request()
    assert request is not None and request.people == ["alice"] and request.blind
    controls.send(request)
    qtbot.waitUntil(lambda: controls.sent is not None, timeout=15_000)
    assert controls.sent.startswith("Assigned 2 images to alice")  # type: ignore[union-attr]
    with Project.open(two.path) as project:
        alice = project.person_by_name("alice")
        assert alice is not None
        mine = project.assignments_for(alice.id, AssignmentTask.ANNOTATE)
        assert {a.image_id for a in mine} == {two.images[0], two.images[3]}
        assert all(a.blind for a in mine)
    dialog.to_vendor.setChecked(True)
    dialog.package.setText(str(tmp_path / "weak.lbpkg"))
    request = dialog.request()
    assert request is not None and request.vendor == "acme"
    controls.send(request)
    qtbot.waitUntil(lambda: controls.sent is not None, timeout=30_000)
    assert "for acme: 2 images" in controls.sent  # type: ignore[operator]
    assert (tmp_path / "weak.lbpkg").is_file()
    with Project.open(two.path) as project:
        work = project.slice_work(project.slice_named("weak misses").id)
        assert [w.kind for w in work] == ["assignments", "package"]
        assert work[1].note == "false negatives of the weak run"
    dialog.close()
