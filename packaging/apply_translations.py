"""Fill translations into a .ts file from a tab-separated list (for translating in bulk).

    python packaging/apply_translations.py resources/translations/labeler_ko.ts ko.tsv

Each line of the TSV is ``context<TAB>source<TAB>translation`` (``\\n`` and ``\\t`` escaped
as in the source string); a plural source (``%n``) takes its one Korean form. Entries
found are marked finished; lines that match nothing are listed, so a typo is seen. Then
run ``python packaging/build_translations.py`` to compile the .qm.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def _unescape(text: str) -> str:
    return text.replace("\\t", "\t").replace("\\n", "\n")


def apply(ts_path: Path, tsv_path: Path) -> list[str]:
    """Write the TSV's translations into the .ts; returns the TSV lines that matched nothing."""
    tree = ET.parse(ts_path)
    wanted: dict[tuple[str, str], str] = {}
    for line in tsv_path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        context, source, translation = line.split("\t")
        wanted[_unescape(context), _unescape(source)] = _unescape(translation)
    used = set()
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""))
            if key not in wanted:
                continue
            used.add(key)
            node = message.find("translation")
            assert node is not None
            node.attrib.pop("type", None)
            forms = node.findall("numerusform")
            if forms:
                for form in forms:
                    form.text = wanted[key]
            else:
                node.text = wanted[key]
    ET.indent(tree)
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return [f"{c}\t{s}" for (c, s) in wanted if (c, s) not in used]


if __name__ == "__main__":
    unmatched = apply(Path(sys.argv[1]), Path(sys.argv[2]))
    for line in unmatched:
        print("no such string:", line)
    sys.exit(1 if unmatched else 0)
