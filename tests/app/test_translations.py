"""Korean: the shipped catalog is current, complete, and the translated views show it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit, QWidget

from labeler.app.i18n import install_translations
from labeler.app.sign_in import SignInDialog
from labeler.app.status_bar import WorkspaceStatusBar
from labeler.core.domain import Role
from labeler.core.i18n import current_language as core_language
from labeler.core.store import Project

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "labeler_ko.ts"
sys.path.insert(0, str(ROOT / "packaging"))
import build_translations  # noqa: E402


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            found[context.findtext("name", ""), message.findtext("source", "")] = message
    return found


def test_every_marked_string_has_a_korean_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "labeler_ko.ts"
    shutil.copy(TS, fresh)
    files = [str(p) for p in build_translations.app_sources()]
    subprocess.run(
        [build_translations.tool("lupdate"), "-locations", "none", *files, "-ts", str(fresh)],
        check=True, capture_output=True,
    )
    missing = [
        f"{context}: {source}"
        for (context, source), message in _messages(fresh).items()
        if (node := message.find("translation")) is not None
        and node.get("type") not in ("obsolete", "vanished")
        and (node.get("type") == "unfinished" or not "".join(node.itertext()).strip())
    ]
    assert not missing, "run packaging/build_translations.py and translate:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", build_translations.LANGUAGES)
def test_the_shipped_catalogs_are_compiled_from_the_sources(
    tmp_path: Path, language: str
) -> None:
    fresh = tmp_path / f"labeler_{language}.qm"
    build_translations.compile_catalog(TS.with_name(f"labeler_{language}.ts"), fresh)
    shipped = build_translations.COMPILED / f"labeler_{language}.qm"
    assert fresh.read_bytes() == shipped.read_bytes(), "run packaging/build_translations.py"


def test_english_plurals_are_made_from_the_s_convention(qapp) -> None:
    from PySide6.QtCore import QCoreApplication

    assert install_translations(qapp, "en") == "en"
    one = QCoreApplication.translate("MainWindow", "Copied %n shape(s)", "", 1)
    many = QCoreApplication.translate("MainWindow", "Copied %n shape(s)", "", 3)
    assert (one, many) == ("Copied 1 shape", "Copied 3 shapes")


def _visible_texts(widget: QWidget) -> list[str]:
    texts = [widget.windowTitle()] if widget.isWindow() else []
    for child in widget.findChildren(QWidget):
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        elif isinstance(child, QGroupBox):
            texts.append(child.title())
        elif isinstance(child, QLineEdit):
            texts.append(child.placeholderText())
        texts.append(child.toolTip())
    return [t for t in texts if t]


def _english_sources() -> set[str]:
    return {source for _context, source in _messages(TS)} | {"OK", "Cancel"}


@pytest.mark.gui
def test_translated_views_show_no_english_source_string(
    korean, qtbot, tmp_path: Path
) -> None:
    with Project.create(tmp_path / "p.labeler", name="현장 <b>A</b>") as project:
        project.add_person("Ana", Role.ANNOTATOR, "Vendor A")
        dialog = SignInDialog(project)
        qtbot.addWidget(dialog)
        bar = WorkspaceStatusBar()
        qtbot.addWidget(bar)
        bar.set_index(2, 40, "a.jpg")
        bar.set_provider("none")
        english = _english_sources()
        shown = _visible_texts(dialog) + _visible_texts(bar)
        assert not [t for t in shown if t in english], shown
        assert "로그인" in shown and "이미지 3 / 40 · a.jpg" in shown
        assert "취소" in shown  # Qt's own button, from Qt's Korean catalog
        assert any("현장 &lt;b&gt;A&lt;/b&gt;" in t for t in shown)  # a name is never markup


@pytest.mark.gui
def test_view_language_menu_switches_and_remembers(qapp, qtbot, window) -> None:
    from PySide6.QtCore import QCoreApplication, QSettings

    from labeler.app.i18n import SETTINGS_LANGUAGE, chosen_language

    menu = window.language_menu
    assert set(menu.choices) == {"en", "ko"} and menu.choices["en"].isChecked()
    try:
        menu.choices["ko"].trigger()
        assert QSettings().value(SETTINGS_LANGUAGE) == "ko"
        assert QCoreApplication.translate("MainWindow", "Undo") == "실행 취소"  # at once
        assert core_language() == "ko"  # the core's messages follow the choice
        assert menu.last_message is not None and "한국어" in menu.last_message.text()
        menu.last_message.close()
        import os

        saved = os.environ.pop("LABELER_LANG")
        try:
            assert chosen_language() == "ko"  # remembered for the next start
        finally:
            os.environ["LABELER_LANG"] = saved  # the setting outranks the choice
        assert chosen_language() == "en"
    finally:
        QSettings().remove(SETTINGS_LANGUAGE)
        install_translations(qapp, "en")
    assert core_language() == "en"


def test_the_core_speaks_the_apps_language(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's language is the core's (gettext): its errors read in the same language."""
    try:
        assert install_translations(qapp, "ko") == "ko"
        assert core_language() == "ko"
        assert install_translations(qapp, "en") == "en"
        assert core_language() == "en"
        # English is what the environment says (LABELER_LANG=en): the core follows it
        # again, so a later change of the environment counts.
        monkeypatch.setenv("LABELER_LANG", "ko")
        assert core_language() == "ko"
        assert install_translations(qapp, "en") == "en"  # chosen against the environment
        assert core_language() == "en"
    finally:
        monkeypatch.setenv("LABELER_LANG", "en")
        install_translations(qapp, "en")
