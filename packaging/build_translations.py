"""Extract the app's strings into the .ts sources and compile the shipped .qm catalogs.

    python packaging/build_translations.py            # update .ts, then compile .qm
    python packaging/build_translations.py --check    # exit 1 if a .qm is out of date

``pyside6-lupdate`` (shipped with PySide6) reads every ``self.tr(...)`` and
``QCoreApplication.translate(...)`` in ``labeler/app`` and updates
``resources/translations/labeler_<lang>.ts`` in place (existing translations are
kept; strings gone from the code are marked obsolete). Translate in Qt Linguist or in
the XML; then ``pyside6-lrelease`` compiles ``labeler/data/translations/
labeler_<lang>.qm``, which ships in the wheel and the bundle. Run it after changing a
user-visible string; ``tests/app/test_translations.py`` fails when the .qm is stale or
a string has no Korean translation.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "translations"
COMPILED = ROOT / "labeler" / "data" / "translations"
LANGUAGES = ("ko", "en")  # English: only the plural forms of "%n image(s)" strings


def tool(name: str) -> str:
    """The path of a PySide6 tool (``lupdate``/``lrelease``), as pip installed it."""
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6 (pip install -e .)")
    return found


def app_sources() -> list[Path]:
    """Every Python file of the app, in a stable order."""
    return sorted((ROOT / "labeler" / "app").rglob("*.py"))


def update_sources(language: str) -> Path:
    """Run lupdate over the app into the language's .ts (no line numbers: stable diffs).

    English is the source language: its catalog holds only the plural forms, made
    from the ``(s)`` convention (``%n image(s)`` -> ``%n image`` / ``%n images``).
    """
    ts = SOURCES / f"labeler_{language}.ts"
    SOURCES.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in app_sources()]
    only_plurals = ["-pluralonly"] if language == "en" else []
    subprocess.run(
        [tool("lupdate"), "-locations", "none", *only_plurals, "-target-language", language,
         *files, "-ts", str(ts.relative_to(ROOT))],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    if language == "en":
        fill_english_plurals(ts)
    return ts


def fill_english_plurals(ts: Path) -> None:
    """Give every plural message its English singular and plural, from ``(s)``."""
    tree = ET.parse(ts)
    for message in tree.getroot().iter("message"):
        if message.get("numerus") != "yes":
            continue
        source = message.findtext("source", "")
        node = message.find("translation")
        assert node is not None
        for form in list(node):
            node.remove(form)
        node.attrib.pop("type", None)
        for text in (source.replace("(s)", ""), source.replace("(s)", "s")):
            ET.SubElement(node, "numerusform").text = text
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def compile_catalog(ts: Path, qm: Path) -> None:
    """Compile one .ts into a .qm (written beside it, then renamed into place)."""
    qm.parent.mkdir(parents=True, exist_ok=True)
    partial = qm.with_name(qm.name + ".partial")
    subprocess.run(
        [tool("lrelease"), str(ts), "-qm", str(partial)], check=True, capture_output=True
    )
    partial.replace(qm)


def main() -> int:
    """Update and compile every language (or, with --check, only compare)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the .qm files")
    args = parser.parse_args()
    stale = []
    for language in LANGUAGES:
        ts, qm = SOURCES / f"labeler_{language}.ts", COMPILED / f"labeler_{language}.qm"
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / qm.name
                compile_catalog(ts, fresh)
                if not qm.exists() or not filecmp.cmp(fresh, qm, shallow=False):
                    stale.append(str(qm))
            continue
        compile_catalog(update_sources(language), qm)
        print(f"{language}: {ts.relative_to(ROOT)} -> {qm.relative_to(ROOT)}")
    if stale:
        print("out of date (run python packaging/build_translations.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
