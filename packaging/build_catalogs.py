"""Extract the core's and the CLI's messages into .po sources and compile the shipped .mo.

    python packaging/build_catalogs.py                 # both domains: update .po, compile .mo
    python packaging/build_catalogs.py --domain cli    # one domain
    python packaging/build_catalogs.py --check         # exit 1 if a .po or .mo is out of date
    python packaging/build_catalogs.py --apply cli ko.tsv   # fill translations, then build

Messages are marked with ``_()``, ``ngettext()`` and ``N_()`` (see
:mod:`labeler.core.i18n`). Babel extracts them: the ``core`` domain from ``labeler/core``,
the ``cli`` domain from ``labeler/cli``, ``labeler/demo`` (the progress lines of
``labeler demo``) and ``labeler/app/launch.py`` (what the app prints to the terminal,
before Qt's translator exists). Each language's source is
``resources/locale/<lang>/<domain>.po``
(existing translations are kept, messages gone from the code are dropped, no fuzzy
guesses: a new message is untranslated until someone translates it); the compiled
``labeler/data/locale/<lang>/LC_MESSAGES/<domain>.mo`` ships in the wheel and the
bundle. English is the source language and needs no catalog (gettext's own English
plural rule applies).

``--apply DOMAIN FILE`` reads tab-separated lines ``msgid<TAB>translation`` (for a plural
message, the msgid is the singular; Korean has one plural form) and writes them into the
language's .po (``--language``, default ko). Escapes ``\\n`` and ``\\t`` are read as
newline and tab. ``tests/test_catalogs.py`` fails when a marked message has no Korean
translation or a catalog is stale.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "locale"
COMPILED = ROOT / "labeler" / "data" / "locale"
LANGUAGES = ("ko",)  # English is the source language
# The app's launcher prints to the terminal before Qt's translator exists: the cli domain.
DOMAINS = {
    "core": ("labeler/core",),
    "cli": ("labeler/cli", "labeler/demo", "labeler/app/launch.py"),
}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Fixed header dates: a rebuild with no message changes leaves the files byte-identical.
_STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def extract(domain: str) -> Catalog:
    """Every message marked in the domain's folders, in a stable order."""
    template = Catalog(
        project="labeler", domain=domain, creation_date=_STABLE_DATE, revision_date=_STABLE_DATE
    )
    for folder in DOMAINS[domain]:
        for where, message, comments, context in _messages(folder):
            template.add(message, locations=[where], auto_comments=comments, context=context)
    return template


def _messages(place: str) -> Iterator[tuple[tuple[str, int], Any, list[str], str | None]]:
    """The marked messages of a folder (every .py under it) or of one file."""
    options: dict[str, Any] = {
        "keywords": KEYWORDS,
        "comment_tags": ("TRANSLATORS:",),
        "strip_comment_tags": True,
    }
    if (ROOT / place).is_file():
        for lineno, message, comments, context in extract_from_file(
            "python", ROOT / place, **options
        ):
            yield (place, lineno), message, comments, context
        return
    found = extract_from_dir(ROOT / place, method_map=[("**.py", "python")], **options)
    for filename, lineno, message, comments, context in found:
        yield (f"{place}/{filename}", lineno), message, comments, context


def source_path(domain: str, language: str) -> Path:
    """The translators' .po of ``domain`` in ``language``."""
    return SOURCES / language / f"{domain}.po"


def compiled_path(domain: str, language: str) -> Path:
    """The shipped .mo of ``domain`` in ``language``."""
    return COMPILED / language / "LC_MESSAGES" / f"{domain}.mo"


def read_catalog(path: Path, language: str, domain: str) -> Catalog:
    """The .po at ``path``, or an empty catalog of the language."""
    if not path.exists():
        return Catalog(locale=language, domain=domain, creation_date=_STABLE_DATE)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def updated_catalog(domain: str, language: str) -> Catalog:
    """The language's catalog updated to the code's messages (translations kept)."""
    catalog = read_catalog(source_path(domain, language), language, domain)
    catalog.update(extract(domain), no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.creation_date = _STABLE_DATE
    catalog.revision_date = _STABLE_DATE
    catalog.fuzzy = False
    catalog.project, catalog.version = "labeler", ""
    catalog.copyright_holder = "the labeler authors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = "labeler translators"
    catalog.header_comment = (
        f"# {language} translations of labeler's {domain} messages.\n"
        "# Edit the translations here (or with --apply); packaging/build_catalogs.py\n"
        "# updates the messages from the code and compiles the .mo."
    )
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    """The .po text (no line numbers, so moving code does not churn the file)."""
    out = io.BytesIO()
    write_po(out, catalog, include_lineno=False, sort_output=True, width=100)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled catalog (fuzzy entries are not compiled)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def build(domain: str, language: str, check: bool) -> bool:
    """Update (or, with ``check``, compare) one catalog; True when it was current."""
    catalog = updated_catalog(domain, language)
    wanted = {source_path(domain, language): po_bytes(catalog)}
    compiled = read_po(io.BytesIO(wanted[source_path(domain, language)]), locale=language)
    wanted[compiled_path(domain, language)] = mo_bytes(compiled)
    current = True
    for path, data in wanted.items():
        if path.exists() and path.read_bytes() == data:
            continue
        current = False
        if check:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    return current


def apply_translations(domain: str, language: str, tsv: Path) -> int:
    """Write ``msgid<TAB>translation`` lines into the .po; the number applied."""
    catalog = updated_catalog(domain, language)
    applied = 0
    for number, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise SystemExit(f"{tsv}:{number}: expected msgid<TAB>translation")
        msgid, text = (_unescape(part) for part in line.split("\t", 1))
        message = catalog.get(msgid)
        if message is None:
            raise SystemExit(f"{tsv}:{number}: no such message in {domain}: {msgid!r}")
        message.string = (text,) if message.pluralizable else text
        applied += 1
    source_path(domain, language).parent.mkdir(parents=True, exist_ok=True)
    source_path(domain, language).write_bytes(po_bytes(catalog))
    return applied


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def main(argv: list[str] | None = None) -> int:
    """Update and compile the catalogs (or check them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", choices=[*DOMAINS, "all"], default="all")
    parser.add_argument("--language", choices=LANGUAGES, default="ko")
    parser.add_argument("--check", action="store_true", help="exit 1 if anything is stale")
    parser.add_argument("--apply", nargs=2, metavar=("DOMAIN", "TSV"))
    args = parser.parse_args(argv)
    if args.apply:
        domain, tsv = args.apply
        if domain not in DOMAINS:
            raise SystemExit(f"unknown domain {domain!r}: {', '.join(DOMAINS)}")
        print(f"applied {apply_translations(domain, args.language, Path(tsv))} translations")
        build(domain, args.language, check=False)
        return 0
    domains = list(DOMAINS) if args.domain == "all" else [args.domain]
    current = all([build(d, lang, args.check) for d in domains for lang in LANGUAGES])
    return 0 if current or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
