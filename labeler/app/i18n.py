"""The app's language: Qt translators for labeler's own strings and Qt's standard ones.

Strings are marked in the code with ``self.tr("...")`` (a QObject's class is the
context) or ``QCoreApplication.translate("Context", "...")``; ``packaging/
build_translations.py`` extracts them into ``resources/translations/labeler_ko.ts``
(edit it with Qt Linguist) and compiles ``labeler/data/translations/labeler_ko.qm``,
which ships in the package. The language is ``LABELER_LANG``, else the system locale
(:func:`labeler.language.user_language`), or the one chosen in View ▸ Language
(:func:`chosen_language`). Choosing one installs it at once: dialogs opened from then on
speak it, and the window's menus and panels when it opens again (restart, or File ▸
Recent). The core's own messages (errors, curation's reasons: gettext) follow the
language installed here (:func:`labeler.core.i18n.set_language`).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from labeler.core.i18n import set_language as set_core_language
from labeler.data import data_path
from labeler.language import DEFAULT_LANGUAGE, LANGUAGES, user_language

SETTINGS_LANGUAGE = "language"  # the language chosen in View ▸ Language (QSettings)
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}  # each in its own language

_LOCALES = {"en": QLocale.Language.English, "ko": QLocale.Language.Korean}
_installed: list[QTranslator] = []  # kept alive: Qt does not own installed translators
_catalogs: list[bytes] = []  # the bytes our translators read (Qt keeps pointers into them)


def _load_copy(translator: QTranslator, path: Path) -> bool:
    """Load a catalog from a copy in memory, not by mapping the file.

    QTranslator maps a .qm file it loads by name; rewriting that file while the app
    runs (``packaging/build_translations.py`` in a checkout) would then crash it.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if not translator.load(data):
        return False
    _catalogs.append(data)
    return True


def translation_file(language: str) -> str:
    """The compiled catalog of labeler's strings in ``language``."""
    return str(data_path("translations", f"labeler_{language}.qm"))


def _install_catalogs(app: QCoreApplication, language: str) -> bool:
    """Labeler's catalog of ``language`` and Qt's own; False when ours is missing."""
    ours = QTranslator()
    if not _load_copy(ours, Path(translation_file(language))):
        return False
    qt = QTranslator()  # Qt's own dialogs and buttons ("Cancel", "OK", file dialogs)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(ours)
    _installed.append(ours)
    return True


def chosen_language() -> str:
    """``LABELER_LANG`` when set, else the language chosen in the app, else the locale's."""
    if os.environ.get("LABELER_LANG"):
        return user_language()
    saved = QSettings().value(SETTINGS_LANGUAGE)
    return saved if isinstance(saved, str) and saved in LANGUAGES else user_language()


def install_translations(app: QCoreApplication, language: str | None = None) -> str:
    """Translate the app into ``language`` (default: the user's); returns the language used.

    Numbers and dates follow the language's locale (``QLocale.setDefault``). English
    loads only its plural forms; a language whose catalog is missing falls back to
    English.
    """
    language = language or chosen_language()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _catalogs.clear()
    if language not in _LOCALES:
        language = DEFAULT_LANGUAGE
    if language != DEFAULT_LANGUAGE and not _install_catalogs(app, language):
        language = DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:  # English needs only its plural forms ("1 image")
        plurals = QTranslator()
        if _load_copy(plurals, Path(translation_file(language))):
            app.installTranslator(plurals)
            _installed.append(plurals)
    QLocale.setDefault(QLocale(_LOCALES[language]))
    _tell_the_core(language)
    return language


def _tell_the_core(language: str) -> None:
    """The core's messages (gettext, :mod:`labeler.core.i18n`) speak the app's language.

    A language that is the environment's anyway (``LABELER_LANG`` or the locale) is
    left to the core to follow, so a later change of the environment still counts.
    """
    set_core_language(None if language == user_language() else language)


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # the name lupdate reads
    """Mark ``source`` for translation in ``context`` and return it unchanged.

    Qt's own ``QT_TRANSLATE_NOOP`` is typed as returning ``object``; this one keeps
    declarative tables of strings typed as ``str``. ``lupdate`` finds the calls by name,
    so marking works the same; translate where shown with ``QCoreApplication.translate``.
    """
    return source
