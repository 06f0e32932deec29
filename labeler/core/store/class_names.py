"""Class names as other records hold them: guideline headings, example shapes, package rows.

Pure helpers (and one read) shared by the class edits (:mod:`.class_edits`), the
guideline store and the package checks, so that a renamed or merged class is found
under the names older records use.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from typing import Any

from labeler.core.domain import ExampleShape, GuidelineExample
from labeler.core.store.database import Database

_HEADING = re.compile(r"^(#{1,6}\s+)(\d+(?:\.\d+)*\.?\s+)?(.*?)(\s*#*\s*)$")
_GLOSS = re.compile(r"^(.*?)(\s*\([^()]*\))$")  # "crack (크랙)": a translation after the name


def rename_in_headings(text: str, old: str, new: str) -> str:
    """``text`` with every Markdown heading titled ``old`` retitled ``new``.

    As :func:`labeler.core.guideline_text.class_sections` reads them: any case, after a
    section number, before a gloss in parentheses (kept). Headings inside code fences
    and everything else are left alone.
    """
    lines = text.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match is None:
            continue
        title, gloss = match.group(3).strip(), ""
        glossed = _GLOSS.match(title)
        if title.casefold() != old.casefold() and glossed:
            title, gloss = glossed.group(1).strip(), glossed.group(2)
        if title.casefold() == old.casefold():
            lines[index] = match.group(1) + (match.group(2) or "") + new + gloss + match.group(4)
    return "\n".join(lines)


def current_class_names(database: Database, records: dict[str, Any]) -> dict[str, Any]:
    """Package records with class names resolved to today's names (a copy; input untouched).

    A name no class has now but that is an alias (an old name, a merged class) becomes
    the name of the class that carries the work; names of live classes and unknown
    names are left as they are (the checks then name the unknown ones).
    """
    aliases = dict(
        database.conn.execute(
            "SELECT a.name, c.name FROM class_aliases a JOIN classes c ON c.id = a.class_id "
            "WHERE a.name NOT IN (SELECT name FROM classes)"
        ).fetchall()
    )
    annotations = records.get("annotations") if isinstance(records, dict) else None
    if not aliases or not isinstance(annotations, list):
        return records
    resolved = dict(records)
    rows = []
    for row in annotations:
        if isinstance(row, dict):
            row = copy.deepcopy(row)
            if isinstance(row.get("class"), str) and row["class"] in aliases:
                row["class"] = aliases[row["class"]]
            claimed = row.get("prediction")
            if isinstance(claimed, dict) and isinstance(claimed.get("class"), str):
                claimed["class"] = aliases.get(claimed["class"], claimed["class"])
        rows.append(row)
    resolved["annotations"] = rows
    return resolved


def rename_shapes(shapes_json: str, old: str, new: str) -> str:
    """An example's shapes (JSON) with class ``old`` renamed ``new``; unchanged text if none."""
    shapes = json.loads(shapes_json)
    if not any(shape.get("class") == old for shape in shapes):
        return shapes_json
    for shape in shapes:
        if shape.get("class") == old:
            shape["class"] = new
    return json.dumps(shapes, sort_keys=True)


def class_renames(database: Database) -> dict[str, str]:
    """Earlier names of classes (renamed, not merged) -> the class's name now."""
    rows = database.conn.execute(
        "SELECT a.name, c.name FROM class_aliases a JOIN classes c ON c.id = a.class_id "
        "WHERE a.reason = 'rename' AND a.name NOT IN (SELECT name FROM classes)"
    ).fetchall()
    return dict(rows)


def renamed_in_force(
    rules: dict[str, str], examples: list[GuidelineExample], renames: dict[str, str]
) -> tuple[dict[str, str], list[GuidelineExample]]:
    """A published version's rules and examples as they read after ``renames`` (old -> new).

    What the next draft is compared with when it is published, so a rename alone
    changes no class (and queues nothing for re-review).
    """
    renamed_rules = {}
    for name, text in rules.items():
        new = renames.get(name)
        renamed_rules[new or name] = rename_in_headings(text, name, new) if new else text
    renamed_examples = [
        replace(
            example,
            class_name=renames.get(example.class_name, example.class_name)
            if example.class_name
            else None,
            shapes=tuple(
                ExampleShape(renames.get(s.class_name, s.class_name), s.geometry, s.annotator)
                for s in example.shapes
            ),
        )
        for example in examples
    ]
    return renamed_rules, renamed_examples
