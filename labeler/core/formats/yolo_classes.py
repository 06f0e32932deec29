"""Where a YOLO dataset's class names come from.

In order of preference: an explicit list from the caller; else the first of
``classes.txt``, ``obj.names`` (one name per line), ``data.yaml``,
``dataset.yaml`` (the ``names:`` key, a list or an ``index: name`` mapping) found
in the label file's folder or up to :data:`SEARCH_DEPTH` folders above it.

``names:`` is read with PyYAML when it is importable, otherwise with a small
parser for the subset that dataset files use: a flow list ``[a, 'b c']``, a flow
mapping ``{0: a, 1: b}``, or a block of ``- name`` or ``0: name`` lines, with
quoting and ``#`` comments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import decode_text, read_bytes

yaml: ModuleType | None
try:
    import yaml
except ImportError:  # pragma: no cover - depends on the environment
    yaml = None

CLASS_FILE_NAMES = (
    "classes.txt",
    "obj.names",
    "data.yaml",
    "dataset.yaml",
    "data.yml",
    "dataset.yml",
)
SEARCH_DEPTH = 3  # folders searched above the label file's own folder

_NAMES_KEY = re.compile(r"^names\s*:(.*)$")


class ClassListResolver:
    """Finds (and caches) the class list that applies to each label file."""

    def __init__(self, explicit: list[str] | None) -> None:
        self.explicit = list(explicit) if explicit is not None else None
        self._file_in_dir: dict[Path, Path | None] = {}
        self._lists: dict[Path, list[str] | AnnotationFormatError] = {}

    def source_for(self, label_path: Path) -> Path | None:
        """The class file that applies to ``label_path``, or None when there is none."""
        folder = label_path.parent
        for _ in range(SEARCH_DEPTH + 1):
            found = self._class_file_in(folder)
            if found is not None:
                return found
            if folder.parent == folder:
                break
            folder = folder.parent
        return None

    def classes_for(self, label_path: Path) -> tuple[list[str] | None, Path | None]:
        """The class names for ``label_path`` and the file they came from.

        Raises the class file's :class:`AnnotationFormatError` if it is malformed.
        """
        if self.explicit is not None:
            return self.explicit, None
        source = self.source_for(label_path)
        if source is None:
            return None, None
        if source not in self._lists:
            try:
                self._lists[source] = read_class_file(source)
            except AnnotationFormatError as exc:
                self._lists[source] = exc
        found = self._lists[source]
        if isinstance(found, AnnotationFormatError):
            raise found
        return found, source

    def _class_file_in(self, folder: Path) -> Path | None:
        if folder not in self._file_in_dir:
            self._file_in_dir[folder] = next(
                (folder / n for n in CLASS_FILE_NAMES if (folder / n).is_file()), None
            )
        return self._file_in_dir[folder]


def read_class_file(path: Path) -> list[str]:
    """The class names in a ``classes.txt`` / ``obj.names`` or ``data.yaml`` file."""
    text = decode_text(path, read_bytes(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_names_yaml(path, text)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    names: list[str] = []
    for number, line in enumerate(lines, start=1):
        name = line.strip()
        if not name:
            raise AnnotationFormatError(
                path, f"line {number}", "empty line; expected one class name per line"
            )
        names.append(name)
    if not names:
        raise AnnotationFormatError(path, "", "no class names; expected one name per line")
    return names


def parse_names_yaml(path: Path, text: str) -> list[str]:
    """The ``names:`` of a YOLO dataset YAML file, as a list indexed by class id."""
    if yaml is not None:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1} column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise AnnotationFormatError(path, where, f"invalid YAML: {problem}") from exc
        if not isinstance(document, dict) or "names" not in document:
            raise AnnotationFormatError(path, "names", "no top-level 'names:' key with the classes")
        return names_from_value(path, document["names"])
    return names_from_value(path, parse_names_minimal(path, text))


def names_from_value(path: Path, value: object) -> list[str]:
    """Class names from a parsed ``names`` value: a list, or a mapping ``index: name``."""
    if isinstance(value, list):
        return [_name(path, item, f"names[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        raise AnnotationFormatError(
            path, "names", "expected a list of class names or a mapping of index: name"
        )
    by_index: dict[int, str] = {}
    for key, item in value.items():
        index = _index(key)
        if index is None or index < 0:
            raise AnnotationFormatError(
                path, f"names.{key}", f"key {key!r} is not a class index (0, 1, 2, ...)"
            )
        by_index[index] = _name(path, item, f"names.{key}")
    missing = [i for i in range(len(by_index)) if i not in by_index]
    if missing:
        raise AnnotationFormatError(
            path,
            "names",
            f"class index {missing[0]} is missing; expected indices 0..{len(by_index) - 1}",
        )
    return [by_index[i] for i in range(len(by_index))]


def _index(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.strip().isdigit():
        return int(key)
    return None


def _name(path: Path, item: object, location: str) -> str:
    if isinstance(item, bool) or not isinstance(item, str | int | float):
        raise AnnotationFormatError(
            path, location, f"class name {item!r} is not text; put it in quotes"
        )
    name = str(item).strip()
    if not name:
        raise AnnotationFormatError(path, location, "empty class name")
    return name


# --- the minimal YAML subset, for when PyYAML is not installed ----------------------


def parse_names_minimal(path: Path, text: str) -> list[str] | dict[str, str]:
    """The ``names:`` value of a simple YAML document, without PyYAML."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = _NAMES_KEY.match(line)
        if match is None:
            continue
        rest = _strip_comment(match.group(1)).strip()
        if rest.startswith(("[", "{")):
            return _flow(path, lines, number, rest)
        if rest:
            raise AnnotationFormatError(
                path, f"line {number}", f"names is {rest!r}; expected a list or mapping"
            )
        return _block(path, lines, number)
    raise AnnotationFormatError(path, "names", "no top-level 'names:' key with the classes")


def _strip_comment(line: str) -> str:
    """``line`` without a ``#`` comment (a ``#`` inside quotes is kept)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and not (quote == '"' and line[i - 1] == "\\"):
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _split(body: str, sep: str) -> list[str]:
    """``body`` split at ``sep`` characters outside quotes and brackets."""
    parts, current, quote, depth = [], [], "", 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote and not (quote == '"' and body[i - 1] == "\\"):
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _scalar(path: Path, token: str, number: int) -> str:
    """A plain, 'single' or "double" quoted YAML scalar."""
    token = token.strip()
    where = f"line {number}"
    if token[:1] in ("'", '"'):
        if len(token) < 2 or token[-1] != token[0]:
            raise AnnotationFormatError(path, where, f"unclosed quote in {token!r}")
        if token[0] == "'":
            return token[1:-1].replace("''", "'")
        try:
            return str(json.loads(token))
        except json.JSONDecodeError as exc:
            raise AnnotationFormatError(path, where, f"bad escape in {token!r}") from exc
    if token[:1] in ("[", "{"):
        raise AnnotationFormatError(path, where, f"nested {token!r}; expected a class name")
    return token


def _flow(path: Path, lines: list[str], number: int, first: str) -> list[str] | dict[str, str]:
    """A ``[...]`` or ``{...}`` value, which may continue over several lines."""
    closing = "]" if first.startswith("[") else "}"
    body = first
    end = number
    while not _balanced(body):
        if end >= len(lines):
            raise AnnotationFormatError(path, f"line {number}", f"no closing {closing!r}")
        body += " " + _strip_comment(lines[end]).strip()
        end += 1
    body = body.strip()
    if not body.endswith(closing):
        raise AnnotationFormatError(
            path, f"line {number}", f"unexpected text after the closing {closing!r}"
        )
    inner = body[1:-1]
    items = [item for item in _split(inner, ",") if item.strip()]
    if closing == "]":
        return [_scalar(path, item, number) for item in items]
    return dict(_pair(path, item, number) for item in items)


def _balanced(body: str) -> bool:
    """Whether every bracket opened in ``body`` (outside quotes) is closed."""
    depth, quote = 0, ""
    for i, ch in enumerate(body):
        if quote:
            if ch == quote and not (quote == '"' and body[i - 1] == "\\"):
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth <= 0


def _pair(path: Path, item: str, number: int) -> tuple[str, str]:
    """``key: value`` split at the first colon outside quotes."""
    key, sep, value = item.partition(":")
    if not sep:
        raise AnnotationFormatError(path, f"line {number}", f"expected 'index: name', got {item!r}")
    return _scalar(path, key, number), _scalar(path, value, number)


def _block(path: Path, lines: list[str], number: int) -> list[str] | dict[str, str]:
    """The ``- name`` or ``index: name`` lines that follow ``names:``."""
    items: list[str] = []
    pairs: dict[str, str] = {}
    for index in range(number, len(lines)):
        raw = _strip_comment(lines[index])
        content = raw.strip()
        if not content:
            continue
        if not raw[:1].isspace() and not content.startswith("-"):
            break
        line_no = index + 1
        if content == "-" or content.startswith("- "):
            items.append(_scalar(path, content[1:], line_no))
        else:
            key, value = _pair(path, content, line_no)
            pairs[key] = value
        if items and pairs:
            raise AnnotationFormatError(
                path, f"line {line_no}", "mixes '- name' and 'index: name' entries under names"
            )
    if not items and not pairs:
        raise AnnotationFormatError(path, f"line {number}", "names: is empty; expected classes")
    return items if items else pairs
