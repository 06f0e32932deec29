"""Disagreement counts by type and pair for the report, for every image at once.

The same counts as tallying :func:`labeler.core.disagreements.disagreements_all_pairs`
(every pair of annotators on every image both covered): ``missing`` and ``extra``
are the objects left unmatched on either side, ``class_mismatch`` the
cross-class pairs, ``low_overlap`` the same-class matches below the low-overlap
IoU, ``tag_mismatch`` the tags one side gave and the other did not.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from labeler.core.agreement.batch import match_rows
from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.pooling import LabelRows, pair_positions, ranges
from labeler.core.disagreements import DisagreementType
from labeler.core.matching import DEFAULT_LOW_OVERLAP


def disagreement_counts(
    labels: ProjectLabels, iou_threshold: float, low_overlap: float = DEFAULT_LOW_OVERLAP
) -> dict[str, Any]:
    """Totals by type and, per pair of annotators, by type (JSON-ready)."""
    types = [t.value for t in DisagreementType]
    rows = LabelRows.of(labels)
    pairs = labels.coverage_pairs
    spans = np.stack([labels.sides.start, labels.sides.end], axis=1).reshape(-1, 2)
    side_a, side_b = pair_positions(pairs)
    a, b = ranges(spans[side_a]), ranges(spans[side_b])
    found = match_rows(rows.table, a, b, iou_threshold)
    n = side_a.size
    same = np.bincount(found.problem[found.same], minlength=n)
    cross = np.bincount(found.problem[~found.same], minlength=n)
    low = np.bincount(found.problem[found.same & (found.iou < low_overlap)], minlength=n)
    per_type = {
        "missing": np.diff(a.offsets) - same - cross,
        "extra": np.diff(b.offsets) - same - cross,
        "class_mismatch": cross,
        "low_overlap": low,
        "tag_mismatch": _tag_mismatches(labels, pairs, side_a, side_b),
    }
    person_a, person_b = pairs[side_a, 1], pairs[side_b, 1]
    by_pair: dict[tuple[int, int], Counter[str]] = {}
    keys = person_a * (int(pairs[:, 1].max(initial=0)) + 1) + person_b
    for key in np.unique(keys).tolist():
        mine = keys == key
        by_pair[int(person_a[mine][0]), int(person_b[mine][0])] = Counter(
            {t: int(per_type[t][mine].sum()) for t in types}
        )
    by_pair = {k: c for k, c in by_pair.items() if sum(c.values())}
    return {
        "total": int(sum(int(v.sum()) for v in per_type.values())),
        "types": types,
        "by_type": {t: int(per_type[t].sum()) for t in types},
        "by_pair": [
            {
                "a": labels.person_name(pa),
                "b": labels.person_name(pb),
                "total": sum(c.values()),
                "by_type": {t: c[t] for t in types},
            }
            for (pa, pb), c in sorted(
                by_pair.items(),
                key=lambda item: (labels.person_name(item[0][0]), labels.person_name(item[0][1])),
            )
        ],
    }


def _tag_mismatches(
    labels: ProjectLabels, pairs: np.ndarray, side_a: np.ndarray, side_b: np.ndarray
) -> np.ndarray:
    """Tags one side of each comparison gave and the other did not."""
    found = np.zeros(side_a.size, dtype=np.int64)
    if not labels.has_tag_classes:
        return found
    tags = labels.tags
    for k, (i, j) in enumerate(zip(side_a.tolist(), side_b.tolist(), strict=True)):
        image, a = pairs[i].tolist()
        b = int(pairs[j, 1])
        found[k] = len(tags[image][a] ^ tags[image][b])
    return found
