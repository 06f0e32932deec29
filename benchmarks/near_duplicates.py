"""Near-duplicate search (issue 13): the planned multi-index search against fixed layouts.

Random 64-bit hashes (as the scale projects' statistics cache holds) with 1 % planted
copies 0-10 bits away, Hamming threshold 10, one core. For each size it times:

* ``planned``: :func:`labeler.core.curation.hamming_search.pairs_within` (the layout
  the cost model picks for that many hashes);
* ``fixed 4x16``: the same search forced onto four 16-bit blocks, the layout used
  before the planner (whose candidates grow as n**2 / 65,536 per probe);
* ``all pairs``: every pair compared blockwise (up to 20,000 hashes).

Every method must find the same pairs; the script checks it.

    python benchmarks/near_duplicates.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from labeler.core.curation import hamming_search

THRESHOLD = 10


def planted(n: int, seed: int = 0) -> np.ndarray:
    """``n`` random hashes plus 1 % copies of some of them with 0-10 bits flipped."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2**63 - 1, n, dtype=np.int64).astype(np.uint64)
    copies = max(1, n // 100)
    flips = np.zeros(copies, dtype=np.uint64)
    for k in range(copies):
        for bit in rng.choice(64, int(rng.integers(0, THRESHOLD + 1)), replace=False):
            flips[k] |= np.uint64(1 << int(bit))
    return np.concatenate([values, values[rng.integers(0, n, copies)] ^ flips])


def timed(values: np.ndarray, blocks: list[hamming_search.Block] | None) -> tuple[float, int]:
    start = time.perf_counter()
    rows, _cols, _distances = hamming_search.pairs_within(values, THRESHOLD, blocks)
    return time.perf_counter() - start, int(rows.size)


def all_pairs(values: np.ndarray) -> tuple[float, int]:
    start = time.perf_counter()
    rows, _cols, _distances = hamming_search._ordered(
        list(hamming_search._all_pairs(values, THRESHOLD))
    )
    return time.perf_counter() - start, int(rows.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    args = parser.parse_args()
    fixed = hamming_search.layout(4, THRESHOLD, 16)
    print("| hashes | plan | planned | fixed 4x16 | all pairs | fixed / planned | pairs |")
    print("|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        values = planted(n)
        plan = hamming_search.plan_blocks(values.size, THRESHOLD)
        shape = "all pairs" if plan is None else "+".join(f"{b.bits}r{b.radius}" for b in plan)
        ours, found = timed(values, None)
        base, found_fixed = timed(values, fixed)
        every = all_pairs(values) if values.size <= 20_000 else None
        assert found == found_fixed and (every is None or every[1] == found), "pairs differ"
        every_text = f"{every[0]:.2f} s" if every else "-"
        print(
            f"| {values.size:,} | {shape} | {ours:.2f} s | {base:.2f} s | {every_text} "
            f"| {base / ours:.1f}x | {found:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
