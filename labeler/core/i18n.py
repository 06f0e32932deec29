"""Translated text for the core and the CLI: the standard library's gettext.

The app translates its own widgets with Qt's catalogs (:mod:`labeler.app.i18n`); what the
core says (error messages a person reads, in the CLI or in the app) and what the CLI
prints go through gettext instead, so they translate without Qt. Two domains:

* ``core``: messages raised or returned by :mod:`labeler.core` (mark them with
  ``from labeler.core.i18n import _, ngettext``);
* ``cli``: messages printed by :mod:`labeler.cli` (``from labeler.cli.i18n import _``).

Mark a message where it is written, with named fields filled after translation:
``_("{path}: not a labeler project").format(path=path)`` (never an f-string inside
``_()``; the translator must see the fields). Plurals: ``ngettext("{n} image",
"{n} images", n).format(n=n)``. ``--json`` keys and values a program reads are never
marked. Catalogs: ``resources/locale/<lang>/<domain>.po`` (sources, edit them),
compiled by ``packaging/build_catalogs.py`` into ``labeler/data/locale/<lang>/
LC_MESSAGES/<domain>.mo``, which ship in the package.

The language is :func:`labeler.language.user_language` (``LABELER_LANG``, else the
locale) unless :func:`set_language` chose one (the app does, from View ▸ Language).
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import lru_cache

from labeler.language import LANGUAGES, user_language

DOMAINS = ("core", "cli")

_chosen: str | None = None


def set_language(language: str | None) -> None:
    """Speak ``language`` from now on (None: follow ``LABELER_LANG`` / the locale again)."""
    global _chosen
    _chosen = language if language in LANGUAGES else None


def current_language() -> str:
    """The language messages are translated into now."""
    return _chosen or user_language()


@lru_cache(maxsize=8)
def catalog(domain: str, language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``domain`` in ``language`` (untranslated when there is none).

    The ``.mo`` file is read into memory once; a missing or damaged catalog leaves the
    messages in English rather than failing the command that wanted to say something.
    """
    from labeler.data import data_path

    try:
        data = data_path("locale", language, "LC_MESSAGES", f"{domain}.mo").read_bytes()
        return _gettext.GNUTranslations(io.BytesIO(data))
    except Exception:  # missing (OSError), damaged (struct/header errors): English, no crash
        return _gettext.NullTranslations()


def translate(message: str, domain: str = "core") -> str:
    """``message`` in the current language (``message`` itself when untranslated)."""
    return catalog(domain, current_language()).gettext(message)


def translate_plural(singular: str, plural: str, n: int, domain: str = "core") -> str:
    """The form of ``singular``/``plural`` for ``n`` in the current language."""
    return catalog(domain, current_language()).ngettext(singular, plural, n)


def _(message: str) -> str:
    """A core message in the current language (the ``core`` domain)."""
    return translate(message, "core")


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form of a core message for ``n`` (the ``core`` domain)."""
    return translate_plural(singular, plural, n, "core")


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translate it on use)."""
    return message
