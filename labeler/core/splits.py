"""Train/validation/test splits: seeded, stratified by class presence, leak-free.

Images that must stay together (a near-duplicate cluster) form one unit; units
are assigned greedily in the manner of iterative stratification (Sechidis et
al., 2011): units holding the rarest classes first, each to the split that still
lacks that class the most, ties broken by the images the split still lacks and
then by a seeded draw. The same inputs and seed always give the same splits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from labeler.core.errors import LabelerError
from labeler.core.i18n import _

DEFAULT_SPLIT_NAMES = ("train", "val", "test")


class SplitSpecError(LabelerError):
    """A split specification such as ``train=0.8,val=0.2`` is malformed."""


@dataclass(frozen=True)
class SplitItem:
    """One image to assign: its id, the classes it contains, and its group (if any)."""

    image_id: int
    classes: frozenset[Hashable] = frozenset()
    group: int | None = None


def parse_ratios(text: str) -> dict[str, float]:
    """Parse ``train=0.8,val=0.2`` (or ``80,20`` for train/val[/test]) into ratios summing to 1.

    Raises :class:`SplitSpecError` naming the part at fault.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise SplitSpecError(
            _("split {text!r} is empty; expected e.g. train=0.8,val=0.2").format(text=text)
        )
    ratios: dict[str, float] = {}
    for index, part in enumerate(parts):
        if "=" in part:
            name, _sep, value = part.partition("=")
            name = name.strip()
        elif index < len(DEFAULT_SPLIT_NAMES):
            name, value = DEFAULT_SPLIT_NAMES[index], part
        else:
            raise SplitSpecError(
                _("split part {part!r} has no name; write name=ratio").format(part=part)
            )
        if not name.replace("_", "").replace("-", "").isalnum():
            raise SplitSpecError(
                _("split name {name!r} must be letters, digits, - or _").format(name=name)
            )
        try:
            ratio = float(value)
        except ValueError:
            raise SplitSpecError(
                _("split {name}: {value!r} is not a number").format(name=name, value=value.strip())
            ) from None
        if not math.isfinite(ratio) or ratio <= 0:
            raise SplitSpecError(
                _("split {name}: ratio must be a positive number, got {value}").format(
                    name=name, value=value
                )
            )
        if name in ratios:
            raise SplitSpecError(
                _("split {name!r} is named twice in {text!r}").format(name=name, text=text)
            )
        ratios[name] = ratio
    total = sum(ratios.values())
    return {name: ratio / total for name, ratio in ratios.items()}


def _units(items: Iterable[SplitItem]) -> list[tuple[tuple[int, ...], frozenset[Hashable]]]:
    """Items merged by group: (image ids, union of classes), ordered by first image id."""
    grouped: dict[object, list[SplitItem]] = {}
    for item in sorted(items, key=lambda i: i.image_id):
        key = ("g", item.group) if item.group is not None else ("i", item.image_id)
        grouped.setdefault(key, []).append(item)
    units = []
    for members in grouped.values():
        classes: frozenset[Hashable] = frozenset().union(*(m.classes for m in members))
        units.append((tuple(m.image_id for m in members), classes))
    return sorted(units, key=lambda u: u[0][0])


def assign_splits(
    items: Iterable[SplitItem], ratios: Mapping[str, float], seed: int = 0
) -> dict[int, str]:
    """Image id -> split name. Groups never straddle splits; classes are spread by ratio."""
    if not ratios:
        raise SplitSpecError(_("no splits given"))
    names = list(ratios)
    units = _units(items)
    rng = random.Random(seed)
    rng.shuffle(units)
    class_totals: dict[Hashable, int] = {}
    for ids, classes in units:
        for cls in classes:
            class_totals[cls] = class_totals.get(cls, 0) + len(ids)
    total_images = sum(len(ids) for ids, _ in units)
    want_images = {n: ratios[n] * total_images for n in names}
    want_class = {n: {c: ratios[n] * t for c, t in class_totals.items()} for n in names}

    def rarest(unit: tuple[tuple[int, ...], frozenset[Hashable]]) -> tuple[int, str]:
        counts = [(class_totals[c], repr(c)) for c in unit[1]]
        return min(counts) if counts else (math.inf, "")  # type: ignore[return-value]

    units.sort(key=rarest)  # stable: the seeded shuffle decides among equals
    result: dict[int, str] = {}
    for ids, classes in units:
        key = min(classes, key=lambda c: (class_totals[c], repr(c))) if classes else None
        order = list(names)
        rng.shuffle(order)
        chosen = max(
            order,
            key=lambda n: (
                want_class[n][key] if key is not None else want_images[n],
                want_images[n],
            ),
        )
        for image_id in ids:
            result[image_id] = chosen
        want_images[chosen] -= len(ids)
        for cls in classes:
            want_class[chosen][cls] -= len(ids)
    return result


def split_counts(assignment: Mapping[int, str], ratios: Mapping[str, float]) -> dict[str, int]:
    """Images per split, every split named in ``ratios`` included."""
    counts = dict.fromkeys(ratios, 0)
    for name in assignment.values():
        counts[name] = counts.get(name, 0) + 1
    return counts
