"""Export file names found without one name per image in memory equal ``unique_names``."""

from __future__ import annotations

import random

import pytest

from labeler.core.export import names
from labeler.core.export.model import split_name, unique_names

_POOL = ["a.jpg", "A.JPG", "b.png", "a-3.jpg", "a-3-3.jpg", "a-5.jpg", "x", "x-7", "X-7",
         ".hid", ".hid-2", "c.d.e", "c.d-9.e", "b-4.png", "사진.jpg", "사진-2.jpg"]


def _cases(count: int) -> list[list[tuple[int, str]]]:
    cases = []
    for seed in range(count):
        rng = random.Random(seed)
        ids = sorted(rng.sample(range(1, 40), rng.randint(0, 25)))
        cases.append(
            [
                (i, f"d{rng.randint(0, 2)}/{rng.choice(_POOL)}"
                 if rng.random() < 0.7 else f"e/a-{rng.choice(ids)}.jpg")
                for i in ids
            ]
        )
    return cases


def _all_names(records: list[tuple[int, str]]) -> dict[int, str]:
    paths = dict(records)
    renamed = names.renamed_images(iter(records), lambda few: {i: paths[i] for i in few})
    return {i: renamed.get(i) or "".join(split_name(p)) for i, p in records}


@pytest.mark.parametrize("collide", [False, True])
def test_renamed_images_name_every_image_as_unique_names(monkeypatch, collide: bool) -> None:
    if collide:  # every name hashes into one of three buckets: the text decides
        monkeypatch.setattr(names, "hash", lambda text: len(text) % 3, raising=False)
    for records in _cases(600):
        assert _all_names(records) == unique_names(records), records


def test_only_clashing_names_are_read_again() -> None:
    records = [(i, f"f/img{i}.jpg") for i in range(1, 2000)] + [(2000, "g/IMG7.JPG")]
    asked: list[int] = []
    paths = dict(records)

    def path_of(few: list[int]) -> dict[int, str]:
        asked.extend(few)
        return {i: paths[i] for i in few}

    renamed = names.renamed_images(iter(records), path_of)
    assert renamed == {7: "img7-7.jpg", 2000: "IMG7-2000.JPG"}
    assert sorted(asked) == [7, 2000]
