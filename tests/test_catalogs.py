"""The core's and the CLI's gettext catalogs: complete in Korean, current, and loaded.

``packaging/build_catalogs.py`` extracts every ``_()``/``ngettext()``/``N_()`` message of
labeler/core (domain ``core``) and labeler/cli (domain ``cli``) with Babel; these tests
fail when a marked message has no Korean translation, a translation drops or invents a
``{field}``, or a shipped ``.mo`` no longer matches its ``.po`` and the code.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("babel")

ROOT = Path(__file__).resolve().parents[1]
_FIELD = re.compile(r"\{[^{}]*\}")


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_catalogs", ROOT / "packaging" / "build_catalogs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalogs"] = module
    spec.loader.exec_module(module)
    return module


build_catalogs = _builder()


@pytest.mark.parametrize("domain", sorted(build_catalogs.DOMAINS))
def test_shipped_catalogs_are_current(domain: str) -> None:
    """The .po holds exactly the code's messages and the .mo is compiled from it."""
    assert build_catalogs.build(domain, "ko", check=True), (
        f"run: python packaging/build_catalogs.py --domain {domain}"
    )


@pytest.mark.parametrize("domain", sorted(build_catalogs.DOMAINS))
def test_every_marked_message_has_korean(domain: str) -> None:
    """No marked message is left in English for a Korean user, and fields survive."""
    catalog = build_catalogs.updated_catalog(domain, "ko")
    missing, broken = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(ids[0])
            continue
        wanted = set(_FIELD.findall(ids[-1]))
        for text in strings:
            if set(_FIELD.findall(text)) != wanted:
                broken.append(f"{ids[0]!r} -> {text!r}")
    assert not missing, f"{len(missing)} {domain} messages without Korean: {missing[:20]}"
    assert not broken, f"translations whose {{fields}} differ: {broken[:20]}"


def test_catalog_follows_the_chosen_language() -> None:
    """set_language switches every later message; None follows LABELER_LANG again."""
    from labeler.core import i18n

    try:
        i18n.set_language("ko")
        assert i18n.current_language() == "ko"
        i18n.set_language("en")
        assert i18n.current_language() == "en"
        i18n.set_language("xx")  # not shipped: back to the environment's choice
        assert i18n.current_language() == "en"  # tests/conftest.py sets LABELER_LANG=en
    finally:
        i18n.set_language(None)


def test_damaged_catalog_leaves_messages_in_english(tmp_path, monkeypatch) -> None:
    """A .mo that is not a catalog never breaks the command that wanted to speak."""
    from labeler.core import i18n

    bad = tmp_path / "locale" / "ko" / "LC_MESSAGES"
    bad.mkdir(parents=True)
    (bad / "core.mo").write_bytes(b"not a catalog")
    monkeypatch.setattr("labeler.data.data_path", lambda *parts: tmp_path.joinpath(*parts))
    i18n.catalog.cache_clear()
    try:
        i18n.set_language("ko")
        assert i18n.translate("anything at all") == "anything at all"
    finally:
        i18n.set_language(None)
        i18n.catalog.cache_clear()
