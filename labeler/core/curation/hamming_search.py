"""Every pair of 64-bit hashes within a Hamming distance: exact, with an index planned for n.

Multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming space
with multi-index hashing", CVPR 2012): cut the hash into blocks whose radii
``r_i`` satisfy ``sum(r_i + 1) > threshold``. Two hashes within ``threshold``
bits then differ by at most ``r_i`` bits in some block ``i`` (pigeonhole), so
comparing only images whose block keys are that close finds every pair.

How many blocks, and how wide, is planned from the number of hashes with a cost
model fitted on this machine: wider blocks give fewer candidate pairs but more
probes. Comparing two buckets' members as one array is cheap, so up to a few
million hashes four 16-bit blocks (about 15 hashes a bucket at 1M) cost least;
past that, three 21-22-bit blocks. Small sets compare every pair.

The search is bucket-centric: each block's hashes are sorted by key once, and
each probe mask pairs a bucket with the bucket whose key differs by that mask,
so the work per mask is one pass over the non-empty buckets. At 1M random
hashes and distance 10 it takes 16 s on one core; the fixed four-block search it
replaced probed every image and took minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np

HASH_BITS = 64
MAX_KEY_BITS = 22  # a block's lookup table holds 2**bits entries (16 MiB at 22)
_ALL_PAIRS_BLOCK = 2048
_CHUNK = 2_000_000  # candidate pairs compared at once
_PROBES_AT_ONCE = 4_000_000  # bucket probes made at once

# Costs in seconds, fitted to timings of 5k-1M random hashes on one core (numpy 2)
_COST_ALL_PAIRS = 8e-9  # one pair in the blockwise all-pairs comparison
_COST_PROBE = 1.1e-9  # one bucket's key tested under one mask
_COST_HIT = 3.4e-8  # one pair of non-empty buckets found
_COST_CANDIDATE = 5.2e-9  # one candidate pair of hashes compared
_COST_MASK = 2e-5  # the fixed cost of one mask
_COST_GROUP = 4e-5  # one group of bucket pairs of the same two sizes, compared in one call


@dataclass(frozen=True)
class Block:
    """Bits ``shift .. shift + bits - 1`` of the hash, probed out to ``radius`` flipped bits."""

    shift: int
    bits: int
    radius: int

    def probe_count(self) -> int:
        """Keys looked at per bucket: the bucket itself and every key ``radius`` bits away."""
        return sum(math.comb(self.bits, k) for k in range(self.radius + 1))

    def masks(self) -> list[int]:
        """Every key mask with 1 .. ``radius`` bits set (0 is the bucket itself)."""
        return [
            sum(1 << bit for bit in chosen)
            for flipped in range(1, self.radius + 1)
            for chosen in combinations(range(self.bits), flipped)
        ]


def plan_blocks(n: int, threshold: int) -> list[Block] | None:
    """The cheapest block layout for ``n`` hashes, or None when comparing all pairs is cheaper."""
    best: tuple[float, list[Block] | None] = (_COST_ALL_PAIRS * n * n / 2, None)
    for count in range(1, threshold + 2):
        for width in [None, *range(4, min(MAX_KEY_BITS, HASH_BITS // count) + 1)]:
            blocks = layout(count, threshold, width)
            if blocks is not None:
                cost = sum(_block_cost(n, block) for block in blocks)
                if cost < best[0]:
                    best = (cost, blocks)
    return best[1]


def layout(count: int, threshold: int, width: int | None = None) -> list[Block] | None:
    """``count`` blocks of the hash whose radii plus one sum past ``threshold``.

    The blocks are ``width`` bits each (a subset of the hash is enough for the
    pigeonhole), or split all 64 bits as evenly as :data:`MAX_KEY_BITS` allows.
    None when that cannot be done (more blocks than ``threshold + 1``, or a
    radius as wide as its block).
    """
    if width is not None:
        widths = [width] * count
    else:
        widths = [HASH_BITS // count + (1 if i < HASH_BITS % count else 0) for i in range(count)]
        widths = [min(w, MAX_KEY_BITS) for w in widths]
    base, extra = divmod(threshold + 1, count)
    radii = [base - 1 + (1 if i < extra else 0) for i in range(count)]
    if (
        min(radii) < 0
        or sum(widths) > HASH_BITS
        or any(r >= w for r, w in zip(radii, widths, strict=True))
    ):
        return None
    blocks, shift = [], 0
    for width, radius in zip(widths, radii, strict=True):
        blocks.append(Block(shift, width, radius))
        shift += width
    return blocks


def _block_cost(n: int, block: Block) -> float:
    """Expected seconds for one block on ``n`` uniformly spread hashes."""
    probes = block.probe_count()
    load = n / (1 << block.bits)
    filled = -math.expm1(-load)  # the share of keys that hold a hash
    buckets = (1 << block.bits) * filled
    per_mask = buckets * (_COST_PROBE + filled * _COST_HIT) + n * load / 2 * _COST_CANDIDATE
    calls = block.bits + probes * buckets / 2 / _PROBES_AT_ONCE  # a call per top bit at least
    sizes = (1 + 2.5 * math.sqrt(load)) ** 2  # pairs of bucket sizes a call meets
    return probes * (per_mask + _COST_MASK) + calls * sizes * _COST_GROUP


def pairs_within(
    values: np.ndarray, threshold: int, blocks: list[Block] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions ``(row < col)`` and distances of the pairs of ``values`` within ``threshold`` bits.

    ``values`` is a uint64 array. The pairs come sorted by (row, col), each once.
    ``blocks`` is the layout to search with (see :func:`layout`); planned from the
    number of values when None.
    """
    values = np.ascontiguousarray(values, dtype=np.uint64)
    if values.size < 2:
        return _ordered([])
    if blocks is None:
        blocks = plan_blocks(values.size, threshold)
    if blocks is None:
        return _ordered(list(_all_pairs(values, threshold)))
    found = [part for block in blocks for part in _block_pairs(values, block, threshold)]
    return _ordered(found, unique=len(blocks) > 1)


Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def _all_pairs(values: np.ndarray, threshold: int) -> Iterator[Pairs]:
    """Every pair compared, a block of rows at a time."""
    for start in range(0, len(values), _ALL_PAIRS_BLOCK):
        block = values[start : start + _ALL_PAIRS_BLOCK]
        distances = np.bitwise_count(block[:, None] ^ values[None, start:])
        rows, cols = np.nonzero(distances <= threshold)
        keep = rows < cols
        rows, cols = rows[keep], cols[keep]
        yield rows + start, cols + start, distances[rows, cols].astype(np.int64)


def _block_pairs(values: np.ndarray, block: Block, threshold: int) -> Iterator[Pairs]:
    """Pairs within ``threshold`` whose keys in ``block`` are within its radius."""
    keys = ((values >> np.uint64(block.shift)) & np.uint64((1 << block.bits) - 1)).astype(np.int32)
    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    buckets = _Buckets(starts, np.diff(np.r_[starts, len(values)]), sorted_values)
    for mine, others in _neighbour_buckets(sorted_keys[starts], block):
        for rows, cols, distances in buckets.close_pairs(mine, others, threshold):
            a, b = order[rows], order[cols]
            yield np.minimum(a, b), np.maximum(a, b), distances


def _neighbour_buckets(
    bucket_keys: np.ndarray, block: Block
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(mine, others)``: every pair of buckets whose keys are within the block's radius, once.

    A bucket is its own neighbour first (the pairs inside it).
    """
    everyone = np.arange(bucket_keys.size)
    yield everyone, everyone
    table = np.full(1 << block.bits, -1, dtype=np.int32)
    table[bucket_keys] = everyone
    occupied = table >= 0  # a byte a key: the probe's test stays in cache
    by_top_bit: dict[int, list[int]] = {}
    for mask in block.masks():
        by_top_bit.setdefault(mask.bit_length() - 1, []).append(mask)
    for top, masks in by_top_bit.items():
        # key ^ mask > key exactly when the key's bit ``top`` is clear: each pair once
        lower = np.flatnonzero((bucket_keys >> top) & 1 == 0)
        if not lower.size:
            continue
        lower_keys = bucket_keys[lower]
        per_call = max(1, _PROBES_AT_ONCE // lower.size)
        for first in range(0, len(masks), per_call):
            group = np.array(masks[first : first + per_call], dtype=np.int32)
            probes = (lower_keys[None, :] ^ group[:, None]).ravel()
            hits = np.flatnonzero(occupied[probes])
            yield lower[hits % lower.size], table[probes[hits]].astype(np.int64)


@dataclass(frozen=True)
class _Buckets:
    """Hashes sorted by a block's key: bucket ``k`` holds ``values[starts[k]:][:sizes[k]]``."""

    starts: np.ndarray
    sizes: np.ndarray
    values: np.ndarray

    def close_pairs(self, mine: np.ndarray, others: np.ndarray, threshold: int) -> Iterator[Pairs]:
        """Sorted positions and distances of the close members of ``mine[k]`` and ``others[k]``.

        Bucket pairs of the same two sizes are compared together as a
        ``(pairs, size_a, size_b)`` array: no index is made for a pair that is
        not close. Where ``mine[k] == others[k]`` only ``row < col`` counts.
        """
        if not mine.size:
            return
        size_a, size_b = self.sizes[mine], self.sizes[others]
        shapes = size_a * (int(self.sizes.max()) + 1) + size_b
        by_shape = np.argsort(shapes, kind="stable")
        firsts = np.flatnonzero(np.r_[True, shapes[by_shape][1:] != shapes[by_shape][:-1]])
        for begin, end in zip(firsts, np.r_[firsts[1:], by_shape.size], strict=True):
            chosen = by_shape[begin:end]
            width_a, width_b = int(size_a[chosen[0]]), int(size_b[chosen[0]])
            step = max(1, _CHUNK // (width_a * width_b))
            for part in range(0, chosen.size, step):
                picked = chosen[part : part + step]
                yield self._compare(mine[picked], others[picked], width_a, width_b, threshold)

    def _compare(
        self, mine: np.ndarray, others: np.ndarray, width_a: int, width_b: int, threshold: int
    ) -> Pairs:
        """Close pairs of buckets all ``width_a`` by ``width_b`` members."""
        rows = self.starts[mine][:, None] + np.arange(width_a)
        cols = self.starts[others][:, None] + np.arange(width_b)
        distances = np.bitwise_count(self.values[rows][:, :, None] ^ self.values[cols][:, None, :])
        close = distances <= threshold
        if not close.any():  # the usual case: nothing to index
            return _ordered([])
        close &= (mine != others)[:, None, None] | np.triu(np.ones((width_a, width_b), bool), 1)
        pair, i, j = np.nonzero(close)
        return rows[pair, i], cols[pair, j], distances[pair, i, j].astype(np.int64)


def _ordered(found: list[Pairs], unique: bool = False) -> Pairs:
    """Concatenated pairs sorted by (row, col), each pair once when ``unique``."""
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    rows, cols, distances = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((cols, rows))
    rows, cols, distances = rows[order], cols[order], distances[order]
    if unique and rows.size:
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, distances = rows[first], cols[first], distances[first]
    return rows, cols, distances
