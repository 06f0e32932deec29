"""Which language labeler speaks to this user: ``LABELER_LANG``, else the system locale.

Korean (``ko``) and English (``en``) are the languages labeler ships; any other locale
falls back to English. Qt-free, so the core, the CLI and the app all ask the same function.
"""

from __future__ import annotations

import locale
import os

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"


def _language_of(tag: str) -> str | None:
    code = tag.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def user_language(environ: dict[str, str] | None = None) -> str:
    """``LABELER_LANG`` when set to a shipped language, else the locale's, else English."""
    env = os.environ if environ is None else environ
    chosen = env.get("LABELER_LANG", "")
    if chosen:
        return _language_of(chosen) or DEFAULT_LANGUAGE
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return _language_of(env[name]) or DEFAULT_LANGUAGE
    if environ is None:
        system = locale.getlocale()[0] or ""
        return _language_of(system) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
