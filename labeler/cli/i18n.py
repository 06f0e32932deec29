"""The CLI's messages in the user's language (gettext, the ``cli`` domain).

Mark every message the CLI prints for a person with ``_()`` (or ``ngettext`` for counts);
never ``--json`` keys or values a program reads. See :mod:`labeler.core.i18n`.
"""

from __future__ import annotations

from labeler.core.i18n import N_, translate, translate_plural

__all__ = ["N_", "_", "ngettext"]


def _(message: str) -> str:
    """A CLI message in the current language."""
    return translate(message, "cli")


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form of a CLI message for ``n``."""
    return translate_plural(singular, plural, n, "cli")
