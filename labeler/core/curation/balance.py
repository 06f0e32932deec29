"""Class balance: how many objects and images each class has, and which are rare."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class BalanceConfig:
    """A class is rare below ``rare_share`` of all objects or ``min_objects`` objects."""

    rare_share: float = 0.05
    min_objects: int = 20

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return asdict(self)


@dataclass(frozen=True)
class ClassCount:
    """One class's objects and images (those containing it), and its share of objects."""

    class_id: int
    name: str
    objects: int
    images: int
    share: float
    rare: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class BalanceReport:
    """Class counts in class order, plus the ratio of the largest to the smallest class."""

    config: BalanceConfig
    classes: list[ClassCount] = field(default_factory=list)

    @property
    def rare(self) -> list[str]:
        """Names of the rare classes."""
        return [c.name for c in self.classes if c.rare]

    @property
    def imbalance_ratio(self) -> float | None:
        """Most objects over fewest (None when a class has none or there are no classes)."""
        counts = [c.objects for c in self.classes]
        if not counts or min(counts) == 0:
            return None
        return round(max(counts) / min(counts), 3)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "settings": self.config.to_dict(),
            "classes": [c.to_dict() for c in self.classes],
            "rare": self.rare,
            "imbalance_ratio": self.imbalance_ratio,
        }


def class_balance(
    class_names: Mapping[int, str],
    labels: Iterable[tuple[int, int]],
    config: BalanceConfig | None = None,
) -> BalanceReport:
    """Balance of ``(image_id, class_id)`` labels over the classes in ``class_names`` order."""
    objects: dict[int, int] = dict.fromkeys(class_names, 0)
    images: dict[int, set[int]] = {c: set() for c in class_names}
    for image_id, class_id in labels:
        objects[class_id] = objects.get(class_id, 0) + 1
        images.setdefault(class_id, set()).add(image_id)
    return balance_of_counts(class_names, objects, {c: len(s) for c, s in images.items()}, config)


def balance_of_counts(
    class_names: Mapping[int, str],
    objects: Mapping[int, int],
    images: Mapping[int, int],
    config: BalanceConfig | None = None,
) -> BalanceReport:
    """:func:`class_balance` from counts: objects and images (containing it) per class.

    ``objects`` may count classes outside ``class_names``; they add to the total.
    """
    config = config or BalanceConfig()
    total = sum(objects.values())
    report = BalanceReport(config)
    for class_id, name in class_names.items():
        n = objects.get(class_id, 0)
        share = n / total if total else 0.0
        rare = n < config.min_objects or share < config.rare_share
        report.classes.append(
            ClassCount(class_id, name, n, images.get(class_id, 0), round(share, 6), rare)
        )
    return report
