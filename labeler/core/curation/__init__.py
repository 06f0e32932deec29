"""Curation: duplicates, unsuitable images, likely label errors, class balance, what to label.

Every check is configurable and returns plain data (``to_dict()`` for JSON) that
the CLI prints and a GUI view can show. :func:`curate_project` runs them all on
a project; the export pipeline runs the ones its options ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labeler.core.consensus import FINAL_LABELS, ConsensusConfig, project_consensus
from labeler.core.curation.balance import BalanceConfig, BalanceReport, class_balance
from labeler.core.curation.duplicates import DuplicateConfig, DuplicateReport, find_duplicates
from labeler.core.curation.label_errors import (
    Labeled,
    LabelErrorConfig,
    LabelErrorReport,
    find_label_errors,
    project_predictions,
)
from labeler.core.curation.quality import QualityConfig, QualityReport, check_quality
from labeler.core.curation.stats import StatsCache, collect_stats, refs_from_project
from labeler.core.progress import Progress

__all__ = [
    "BalanceConfig",
    "CurationConfig",
    "CurationReport",
    "DuplicateConfig",
    "LabelErrorConfig",
    "QualityConfig",
    "curate_project",
]


@dataclass(frozen=True)
class CurationConfig:
    """Settings of every check."""

    duplicates: DuplicateConfig = field(default_factory=DuplicateConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    label_errors: LabelErrorConfig = field(default_factory=LabelErrorConfig)
    balance: BalanceConfig = field(default_factory=BalanceConfig)
    consensus: ConsensusConfig = FINAL_LABELS  # label errors are judged on the shipped labels
    workers: int = 2


@dataclass
class CurationReport:
    """The results of every check on a project."""

    duplicates: DuplicateReport
    quality: QualityReport
    label_errors: LabelErrorReport
    balance: BalanceReport
    images: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "images": self.images,
            "duplicates": self.duplicates.to_dict(),
            "quality": self.quality.to_dict(),
            "label_errors": self.label_errors.to_dict(),
            "class_balance": self.balance.to_dict(),
        }


def curate_project(
    project: object,
    config: CurationConfig | None = None,
    progress: Progress | None = None,
    cache: StatsCache | None = None,
) -> CurationReport:
    """Run every check on every image of a project.

    Image statistics are cached in the project's sidecar
    (``P.labeler.imagestats.json``) unless another ``cache`` is given. Label
    errors are checked against the final labels (consensus where several people
    labeled an image) and the newest model run's predictions.
    """
    config = config or CurationConfig()
    progress = progress or Progress()
    if cache is None:
        cache = StatsCache.for_project(project.path)  # type: ignore[attr-defined]
    refs = refs_from_project(project)
    stats = collect_stats(refs, cache, progress, config.workers)
    sha = {r.image_id: r.sha256 for r in refs}
    duplicates = find_duplicates(stats, sha, config.duplicates)
    quality = check_quality(refs, stats, config.quality)
    consensus = project_consensus(project, config.consensus)
    labels = {
        image_id: [Labeled(x.representative_id, x.class_id, x.geometry) for x in c.labels]
        for image_id, c in consensus.items()
    }
    predictions = project_predictions(project, sorted(labels))
    errors = find_label_errors(labels, predictions, config.label_errors)
    names = {c.id: c.name for c in project.classes()}  # type: ignore[attr-defined]
    pairs = [(i, x.class_id) for i, c in consensus.items() for x in c.labels]
    balance = class_balance(names, pairs, config.balance)
    return CurationReport(duplicates, quality, errors, balance, len(refs))
