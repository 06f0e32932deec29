"""Where a YOLO dataset's class names come from.

In order of preference: an explicit list from the caller; else the first of
``classes.txt``, ``obj.names`` (one name per line), ``data.yaml``,
``dataset.yaml`` (the ``names:`` key, a list or an ``index: name`` mapping) found
in the label file's folder or up to :data:`SEARCH_DEPTH` folders above it.

``names:`` is read with PyYAML's ``safe_load`` (a runtime dependency), so a
dataset file means here what it means to Ultralytics.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import decode_text, read_bytes
from labeler.core.i18n import _

CLASS_FILE_NAMES = (
    "classes.txt",
    "obj.names",
    "data.yaml",
    "dataset.yaml",
    "data.yml",
    "dataset.yml",
)
SEARCH_DEPTH = 3  # folders searched above the label file's own folder



class ClassListResolver:
    """Finds (and caches) the class list that applies to each label file."""

    def __init__(self, explicit: list[str] | None) -> None:
        self.explicit = list(explicit) if explicit is not None else None
        self._file_in_dir: dict[Path, Path | None] = {}
        self._lists: dict[Path, list[str] | AnnotationFormatError] = {}

    def source_for(self, label_path: Path) -> Path | None:
        """The class file that applies to ``label_path``, or None when there is none."""
        folder = label_path.parent
        for _level in range(SEARCH_DEPTH + 1):
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
                path, f"line {number}", _("empty line; expected one class name per line")
            )
        names.append(name)
    if not names:
        raise AnnotationFormatError(path, "", _("no class names; expected one name per line"))
    return names


def parse_names_yaml(path: Path, text: str) -> list[str]:
    """The ``names:`` of a YOLO dataset YAML file, as a list indexed by class id."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise AnnotationFormatError(
            path, where, _("invalid YAML: {problem}").format(problem=problem)
        ) from exc
    if not isinstance(document, dict) or "names" not in document:
        raise AnnotationFormatError(path, "names", _("no top-level 'names:' key with the classes"))
    return names_from_value(path, document["names"])


def names_from_value(path: Path, value: object) -> list[str]:
    """Class names from a parsed ``names`` value: a list, or a mapping ``index: name``."""
    if isinstance(value, list):
        return [_name(path, item, f"names[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        raise AnnotationFormatError(
            path, "names", _("expected a list of class names or a mapping of index: name")
        )
    by_index: dict[int, str] = {}
    for key, item in value.items():
        index = _index(key)
        if index is None or index < 0:
            raise AnnotationFormatError(
                path,
                f"names.{key}",
                _("key {key!r} is not a class index (0, 1, 2, ...)").format(key=key),
            )
        by_index[index] = _name(path, item, f"names.{key}")
    missing = [i for i in range(len(by_index)) if i not in by_index]
    if missing:
        raise AnnotationFormatError(
            path,
            "names",
            _("class index {missing} is missing; expected indices 0..{last_index}").format(
                missing=missing[0], last_index=len(by_index) - 1
            ),
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
            path, location, _("class name {item!r} is not text; put it in quotes").format(item=item)
        )
    name = str(item).strip()
    if not name:
        raise AnnotationFormatError(path, location, _("empty class name"))
    return name
