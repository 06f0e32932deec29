"""The near-duplicate search finds exactly the pairs that comparing all pairs finds."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from labeler.core.curation import duplicates, hamming_search


def planted_hashes(n: int, seed: int) -> list[int]:
    """Random 64-bit hashes with copies 0-12 bits away and one large identical group."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2**63 - 1, n, dtype=np.int64).astype(np.uint64)
    for k in range(0, n, 5):
        flips = rng.choice(64, int(rng.integers(0, 13)), replace=False)
        mask = sum((1 << int(b)) for b in flips)
        values[int(rng.integers(0, n))] = values[k] ^ np.uint64(mask)
    values[:30] = values[0]
    values[40] = np.uint64(2**64 - 1)  # the top bit set: a pHash is unsigned
    values[41] = np.uint64(2**64 - 2)
    return [int(v) for v in values]


def every_pair(hashes: list[int], threshold: int) -> list[tuple[int, int, int]]:
    """The answer by definition: each pair of positions compared in plain Python."""
    return [
        (a, b, duplicates.hamming(hashes[a], hashes[b]))
        for a, b in combinations(range(len(hashes)), 2)
        if duplicates.hamming(hashes[a], hashes[b]) <= threshold
    ]


@pytest.mark.parametrize("threshold", [0, 2, 5, 10, 11])
def test_near_pairs_equal_every_pair(threshold: int) -> None:
    hashes = planted_hashes(1_500, threshold)
    ids = list(range(7, 7 + len(hashes)))
    expected = [(a + 7, b + 7, d) for a, b, d in every_pair(hashes, threshold)]
    assert duplicates.near_pairs(ids, hashes, threshold) == expected
    assert len(expected) > 400


@pytest.mark.parametrize("threshold", [0, 1, 5, 10, 13])
def test_every_layout_finds_the_same_pairs(threshold: int) -> None:
    """Each block count and width the planner may pick is exact, not only the one it picks."""
    hashes = planted_hashes(1_200, 100 + threshold)
    expected = every_pair(hashes, threshold)
    values = np.array(hashes, dtype=np.uint64)
    tried = 0
    for count in range(1, threshold + 2):
        for width in (None, 4, 9, 16, 22):
            blocks = hamming_search.layout(count, threshold, width)
            if blocks is None or sum(b.probe_count() for b in blocks) > 50_000:
                continue  # past what the planner could pick, and slow
            rows, cols, distances = hamming_search.pairs_within(values, threshold, blocks)
            found = list(zip(rows.tolist(), cols.tolist(), distances.tolist(), strict=True))
            assert found == expected, (count, width)
            tried += 1
    assert tried >= 3


def test_plan_grows_the_blocks_with_the_hashes() -> None:
    """Few hashes compare every pair; many more get wider blocks, so buckets stay small."""
    assert hamming_search.plan_blocks(200, 10) is None
    small = hamming_search.plan_blocks(10_000, 10)
    large = hamming_search.plan_blocks(10_000_000, 10)
    assert small is not None and large is not None
    assert max(b.bits for b in large) > max(b.bits for b in small)
    for blocks in (small, large):
        assert sum(b.radius + 1 for b in blocks) > 10  # the pigeonhole holds
        assert sum(b.bits for b in blocks) <= 64


def test_empty_and_single() -> None:
    assert duplicates.near_pairs([], [], 10) == []
    assert duplicates.near_pairs([3], [5], 10) == []
