"""Splits: seeded, stratified by class presence, groups kept together, ratios parsed."""

from __future__ import annotations

from collections import Counter

import pytest

from labeler.core.splits import SplitItem, SplitSpecError, assign_splits, parse_ratios, split_counts


def test_parse_ratios_named_and_positional() -> None:
    assert parse_ratios("train=0.8,val=0.2") == {"train": 0.8, "val": 0.2}
    assert parse_ratios("70,20,10") == pytest.approx({"train": 0.7, "val": 0.2, "test": 0.1})
    assert parse_ratios("train=8, val=2") == pytest.approx({"train": 0.8, "val": 0.2})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("train=x", "not a number"),
        ("train=0.8,train=0.2", "named twice"),
        ("train=-1", "positive"),
        ("a/b=1", "letters"),
        ("1,1,1,1", "no name"),
    ],
)
def test_parse_ratios_refuses_bad_specs(text: str, message: str) -> None:
    with pytest.raises(SplitSpecError, match=message):
        parse_ratios(text)


def _items(n: int = 200) -> list[SplitItem]:
    items = []
    for i in range(n):
        classes = (
            {"common"} | ({"rare"} if i % 20 == 0 else set()) | ({"mid"} if i % 4 == 1 else set())
        )
        items.append(SplitItem(i, frozenset(classes), group=i // 5 if i < 50 else None))
    return items


def test_same_seed_same_splits_other_seed_other_splits() -> None:
    ratios = {"train": 0.8, "val": 0.2}
    first = assign_splits(_items(), ratios, seed=7)
    assert first == assign_splits(list(reversed(_items())), ratios, seed=7)
    assert first != assign_splits(_items(), ratios, seed=8)


def test_ratios_and_class_presence_are_respected() -> None:
    ratios = {"train": 0.7, "val": 0.2, "test": 0.1}
    items = _items()
    assignment = assign_splits(items, ratios, seed=1)
    counts = split_counts(assignment, ratios)
    assert counts["train"] == pytest.approx(140, abs=6)
    assert counts["val"] == pytest.approx(40, abs=6)
    assert counts["test"] == pytest.approx(20, abs=6)
    rare = Counter(assignment[i.image_id] for i in items if "rare" in i.classes)
    assert set(rare) == {"train", "val", "test"}  # 10 rare images spread over all three


def test_groups_never_straddle_splits() -> None:
    items = _items()
    for seed in range(5):
        assignment = assign_splits(items, {"train": 0.5, "val": 0.5}, seed=seed)
        by_group: dict[int, set[str]] = {}
        for item in items:
            if item.group is not None:
                by_group.setdefault(item.group, set()).add(assignment[item.image_id])
        assert all(len(s) == 1 for s in by_group.values())


def test_images_without_classes_are_assigned_too() -> None:
    items = [SplitItem(i) for i in range(10)]
    assignment = assign_splits(items, {"train": 0.8, "val": 0.2})
    assert Counter(assignment.values()) == {"train": 8, "val": 2}
