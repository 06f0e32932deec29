"""The indexed near-duplicate search finds exactly the pairs that comparing all pairs finds."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core.curation import duplicates


def planted_hashes(n: int, seed: int) -> list[int]:
    """Random 64-bit hashes with copies 0-12 bits away and one large identical group."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2**63 - 1, n, dtype=np.int64).astype(np.uint64)
    for k in range(0, n, 5):
        flips = rng.choice(64, int(rng.integers(0, 13)), replace=False)
        mask = sum((1 << int(b)) for b in flips)
        values[int(rng.integers(0, n))] = values[k] ^ np.uint64(mask)
    values[:30] = values[0]
    return [int(v) for v in values]


@pytest.mark.parametrize("threshold", [0, 2, 5, 10, 11])
def test_indexed_search_equals_all_pairs(monkeypatch: pytest.MonkeyPatch, threshold: int) -> None:
    hashes = planted_hashes(3_000, threshold)
    ids = list(range(7, 7 + len(hashes)))
    every = duplicates.near_pairs(ids, hashes, threshold)
    monkeypatch.setattr(duplicates, "_ALL_PAIRS_UP_TO", 10)
    indexed = duplicates.near_pairs(ids, hashes, threshold)
    assert indexed == every and len(every) > 400
    assert all(a < b and duplicates.hamming(hashes[a - 7], hashes[b - 7]) == d for a, b, d in every)
