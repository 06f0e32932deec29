"""Who covered which image, as columns: one row per *side* (an image and one annotator).

A project of a million images has two to three million sides. Held as Python dicts
keyed by ``(image, person)`` tuples they cost about a kilobyte each across the four
maps agreement needs (object rows, guideline version and week, seconds, coverage); as
the columns below they cost 56 bytes. The read-only mapping views keep the dict-style
access (``labels.spans.get((image, person), (0, 0))``) for code that asks about one
side at a time; the whole-project passes use the columns directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np

NO_VERSION = -1  # a side whose annotations were made before any guideline was published


@dataclass
class Sides:
    """Columns of every side, sorted by image then person (the order of ``pairs``)."""

    image: np.ndarray
    person: np.ndarray
    start: np.ndarray  # the side's object rows are [start, end) of ProjectLabels.objects
    end: np.ndarray
    version: np.ndarray  # guideline version id, NO_VERSION when none
    week: np.ndarray  # code into week_names
    week_names: list[str]
    seconds: np.ndarray  # the annotations' own seconds (not the image timer)
    images: np.ndarray = field(init=False)  # distinct images, sorted
    offsets: np.ndarray = field(init=False)  # sides of images[k]: offsets[k]:offsets[k+1]

    def __post_init__(self) -> None:
        if self.image.size:
            starts = np.flatnonzero(np.r_[True, self.image[1:] != self.image[:-1]])
        else:
            starts = np.zeros(0, dtype=np.int64)
        self.images = self.image[starts]
        self.offsets = np.r_[starts, self.image.size].astype(np.int64)

    @classmethod
    def empty(cls) -> Sides:
        """No sides at all."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, none, none, none, ["unknown"], np.zeros(0))

    def __len__(self) -> int:
        return int(self.image.size)

    @cached_property
    def _stride(self) -> int:
        return int(self.person.max(initial=0)) + 1

    @cached_property
    def _keys(self) -> np.ndarray:
        return self.image * self._stride + self.person

    def find(self, image: int, person: int) -> int:
        """The row of one side, or -1 when that person did not cover that image."""
        if not 0 <= person < self._stride:
            return -1
        key = image * self._stride + person
        at = int(np.searchsorted(self._keys, key))
        return at if at < self._keys.size and int(self._keys[at]) == key else -1

    def find_many(self, images: np.ndarray, people: np.ndarray) -> np.ndarray:
        """The rows of many sides (-1 where not covered)."""
        images, people = np.asarray(images, np.int64), np.asarray(people, np.int64)
        keys = images * self._stride + people
        at = np.searchsorted(self._keys, keys)
        inside = at < self._keys.size
        found = np.full(keys.size, -1, dtype=np.int64)
        hit = inside.copy()
        hit[inside] = self._keys[at[inside]] == keys[inside]
        hit &= (people >= 0) & (people < self._stride)
        found[hit] = at[hit]
        return found

    def image_slot(self, image: int) -> int:
        """The position of ``image`` in :attr:`images`, or -1 when nobody covered it."""
        at = int(np.searchsorted(self.images, image))
        return at if at < self.images.size and int(self.images[at]) == image else -1

    def coder_counts(self) -> np.ndarray:
        """How many people covered each of :attr:`images`."""
        return np.diff(self.offsets)

    def coders_of(self, images: np.ndarray) -> np.ndarray:
        """How many people covered each of ``images`` (0 for an image nobody covered)."""
        images = np.asarray(images, np.int64)
        at = np.searchsorted(self.images, images)
        inside = at < self.images.size
        counts = np.zeros(images.size, dtype=np.int64)
        hit = inside.copy()
        hit[inside] = self.images[at[inside]] == images[inside]
        counts[hit] = self.coder_counts()[at[hit]]
        return counts


class CoverageView(Mapping[int, list[int]]):
    """Image id -> the people who covered it, in id order (like the dict it replaces)."""

    def __init__(self, sides: Sides) -> None:
        self._sides = sides

    def __getitem__(self, image: int) -> list[int]:
        slot = self._sides.image_slot(int(image))
        if slot < 0:
            raise KeyError(image)
        lo, hi = int(self._sides.offsets[slot]), int(self._sides.offsets[slot + 1])
        return self._sides.person[lo:hi].tolist()

    def __iter__(self) -> Iterator[int]:
        return iter(self._sides.images.tolist())

    def __len__(self) -> int:
        return int(self._sides.images.size)

    def __contains__(self, image: object) -> bool:
        return isinstance(image, int | np.integer) and self._sides.image_slot(int(image)) >= 0


_Value = TypeVar("_Value")


class _SideView(Mapping[tuple[int, int], _Value]):
    """A read-only ``(image, person) -> value`` map over one or more side columns."""

    def __init__(self, sides: Sides) -> None:
        self._sides = sides

    def _present(self, row: int) -> bool:
        return row >= 0

    def _value(self, row: int) -> _Value:
        raise NotImplementedError

    def _row(self, key: object) -> int:
        if not (isinstance(key, tuple) and len(key) == 2):
            return -1
        image, person = key
        row = self._sides.find(int(image), int(person))
        return row if row >= 0 and self._present(row) else -1

    def __getitem__(self, key: tuple[int, int]) -> _Value:
        row = self._row(key)
        if row < 0:
            raise KeyError(key)
        return self._value(row)

    def __contains__(self, key: object) -> bool:
        return self._row(key) >= 0

    def _rows(self) -> np.ndarray:
        return np.arange(len(self._sides))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        rows = self._rows()
        return iter(zip(self._sides.image[rows].tolist(), self._sides.person[rows].tolist(),
                        strict=True))

    def __len__(self) -> int:
        return int(self._rows().size)


class SpanView(_SideView[tuple[int, int]]):
    """``(image, person) -> (start, end)`` object rows, for sides with objects only."""

    def _present(self, row: int) -> bool:
        return bool(self._sides.end[row] > self._sides.start[row])

    def _value(self, row: int) -> tuple[int, int]:
        return int(self._sides.start[row]), int(self._sides.end[row])

    def _rows(self) -> np.ndarray:
        return np.flatnonzero(self._sides.end > self._sides.start)


class FactView(_SideView[tuple[int | None, str]]):
    """``(image, person) -> (guideline version id or None, ISO week)`` of every side."""

    def _value(self, row: int) -> tuple[int | None, str]:
        version = int(self._sides.version[row])
        week = self._sides.week_names[int(self._sides.week[row])]
        return (None if version == NO_VERSION else version), week


class SecondsView(_SideView[float]):
    """``(image, person) -> seconds`` the side's annotations recorded (sides with some)."""

    def _present(self, row: int) -> bool:
        return bool(self._sides.seconds[row] > 0)

    def _value(self, row: int) -> float:
        return float(self._sides.seconds[row])

    def _rows(self) -> np.ndarray:
        return np.flatnonzero(self._sides.seconds > 0)
