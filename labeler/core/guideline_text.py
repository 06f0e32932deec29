"""Guideline Markdown: per-class rule sections, section numbers, and diffs.

A guideline is Markdown. A heading whose title is a class name, optionally after a
section number and before a gloss in parentheses (``### 3.2 crack``, ``### 3.2 crack (크랙)``:
a guideline in another language keeps the class name the labels use), starts that class's
rule section, which runs to the next heading of the same or a higher level. Section
numbers (``2.1``, ``3.2``) come from headings and from list items that start with one
(``- 2.1 Draw tight boxes``); a reviewer's reason code names one of them.
"""

from __future__ import annotations

import difflib
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s+|$)")
_ITEM_NUMBER = re.compile(r"^\s*[-*+]\s+(\d+(?:\.\d+)+)\.?\s")
_GLOSS = re.compile(r"\s*\([^()]*\)$")  # "crack (크랙)": a translation after the class name


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(line index, level, title)`` of every Markdown heading outside code fences."""
    found: list[tuple[int, int, str]] = []
    fenced = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((index, len(match.group(1)), match.group(2)))
    return found


def _title_without_number(title: str) -> str:
    match = _NUMBER.match(title)
    return title[match.end() :].strip() if match else title.strip()


def class_sections(text: str, class_names: list[str]) -> dict[str, str]:
    """The rule section of each class the text has a heading for (matched case-insensitively).

    Classes without a section are left out. Each section includes its heading line.
    """
    lines = text.splitlines()
    headings = _headings(lines)
    wanted = {name.casefold(): name for name in class_names}
    sections: dict[str, str] = {}
    for position, (start, level, title) in enumerate(headings):
        bare = _title_without_number(title)
        name = wanted.get(bare.casefold()) or wanted.get(_GLOSS.sub("", bare).casefold())
        if name is None or name in sections:
            continue
        end = len(lines)
        for later_start, later_level, _ in headings[position + 1 :]:
            if later_level <= level:
                end = later_start
                break
        sections[name] = "\n".join(lines[start:end]).strip()
    return sections


def section_numbers(text: str) -> set[str]:
    """Every section number the guideline defines, from headings and numbered list items."""
    lines = text.splitlines()
    numbers: set[str] = set()
    for _, _, title in _headings(lines):
        match = _NUMBER.match(title)
        if match:
            numbers.add(match.group(1))
    for line in lines:
        match = _ITEM_NUMBER.match(line)
        if match:
            numbers.add(match.group(1))
    return numbers


def section_title(text: str, number: str) -> str | None:
    """The heading or list item that defines section ``number``, or None."""
    for line in text.splitlines():
        heading = _HEADING.match(line)
        body = heading.group(2) if heading else None
        if body is None:
            item = _ITEM_NUMBER.match(line)
            body = line.strip().lstrip("-*+ ").strip() if item else None
        if body is not None:
            match = _NUMBER.match(body)
            if match and match.group(1) == number:
                return body
    return None


def diff_lines(old: str, new: str, old_name: str = "old", new_name: str = "new") -> list[str]:
    """A unified diff of two texts, one line per item, without line endings ([] if equal)."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""
        )
    ]


def changed_rule_classes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Classes whose rule section was added, removed or edited, sorted by name."""
    names = set(old) | set(new)
    return sorted(
        name for name in names if _normalised(old.get(name)) != _normalised(new.get(name))
    )


def _normalised(text: str | None) -> str | None:
    if text is None:
        return None
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
