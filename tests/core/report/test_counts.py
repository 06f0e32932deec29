"""The report's batched disagreement counts equal a tally of ``disagreements_all_pairs``."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from labeler.core.agreement.data import ProjectLabels
from labeler.core.disagreements import disagreements_all_pairs
from labeler.core.report.counts import disagreement_counts
from tests.core.diagnosis.test_agreement_batch import build


@pytest.mark.parametrize(("seed", "iou"), [(0, 0.5), (1, 0.3)])
def test_counts_equal_the_tally(tmp_path: Path, seed: int, iou: float) -> None:
    with build(tmp_path / "p.labeler", seed) as project:
        counts = disagreement_counts(ProjectLabels.load(project), iou)
        found = disagreements_all_pairs(project, iou)
    by_pair: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for d in found:
        by_pair[d.side_a, d.side_b][d.type.value] += 1
    assert counts["total"] == len(found)
    assert counts["by_type"] == {
        t: sum(1 for d in found if d.type.value == t) for t in counts["types"]
    }
    assert counts["by_type"]["tag_mismatch"] > 0 and counts["by_type"]["class_mismatch"] > 0
    assert [(p["a"], p["b"]) for p in counts["by_pair"]] == sorted(by_pair)
    for pair in counts["by_pair"]:
        assert pair["by_type"] == {t: by_pair[pair["a"], pair["b"]][t] for t in counts["types"]}
