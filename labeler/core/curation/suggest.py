"""What to label next: unlabeled images ranked by what labeling them would teach.

An image's score mixes

* uncertainty: how close the newest model run's scores on it are to 0.5
  (``1 - |2s - 1|``, the most uncertain prediction counts; an image no run has
  covered gets 0.5, one the model found nothing on gets 0.25);
* rarity: the rarest class the model predicts on it (score >= ``min_score``),
  rarity being ``1 / (1 + labeled objects of the class)`` scaled so the rarest
  class scores 1;

as ``w_uncertainty * uncertainty + w_rarity * rarity``. For diversity, one image
per near-duplicate cluster is suggested, and none from a cluster that already
holds a labeled image. An image someone answered, even with nothing drawn on it
(:mod:`labeler.core.store.answers`), counts as labeled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from labeler.core.curation.duplicates import DuplicateConfig, find_duplicates
from labeler.core.curation.stats import StatsCache, collect_stats, refs_from_project
from labeler.core.domain import ImageStatus, Prediction
from labeler.core.progress import Progress

NO_RUN_UNCERTAINTY = 0.5
NOTHING_FOUND_UNCERTAINTY = 0.25


@dataclass(frozen=True)
class SuggestConfig:
    """Weights and limits of the ranking."""

    w_uncertainty: float = 0.6
    w_rarity: float = 0.4
    min_score: float = 0.25
    diversity: bool = True
    hamming_threshold: int = DuplicateConfig().hamming_threshold

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return asdict(self)


@dataclass(frozen=True)
class Suggestion:
    """One image worth labeling next, and why."""

    image_id: int
    path: str
    score: float
    uncertainty: float
    rarity: float
    predicted_classes: tuple[int, ...]
    similar_images: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        data = asdict(self)
        data["predicted_classes"] = list(self.predicted_classes)
        return data


def class_rarity(labeled_counts: Mapping[int, int], class_ids: Sequence[int]) -> dict[int, float]:
    """Rarity per class in [0, 1]: ``1 / (1 + count)``, scaled so the rarest class is 1."""
    raw = {c: 1.0 / (1 + labeled_counts.get(c, 0)) for c in class_ids}
    top = max(raw.values(), default=1.0)
    return {c: v / top for c, v in raw.items()}


def score_image(
    predictions: Sequence[Prediction] | None, rarity: Mapping[int, float], config: SuggestConfig
) -> tuple[float, float, float, tuple[int, ...]]:
    """``(score, uncertainty, rarity, predicted classes)`` of one image."""
    if predictions is None:
        uncertainty = NO_RUN_UNCERTAINTY
    elif not predictions:
        uncertainty = NOTHING_FOUND_UNCERTAINTY
    else:
        uncertainty = max(1.0 - abs(2.0 * p.score - 1.0) for p in predictions)
    classes = tuple(sorted({p.class_id for p in predictions or () if p.score >= config.min_score}))
    rare = max((rarity.get(c, 1.0) for c in classes), default=0.0)
    score = config.w_uncertainty * uncertainty + config.w_rarity * rare
    return round(score, 6), round(uncertainty, 6), round(rare, 6), classes


def suggest_images(
    project: object,
    n: int = 100,
    config: SuggestConfig | None = None,
    progress: Progress | None = None,
    cache: StatsCache | None = None,
) -> list[Suggestion]:
    """The ``n`` unlabeled images most worth labeling next, best first (ties: lower id)."""
    config = config or SuggestConfig()
    progress = progress or Progress()
    answered = set(project.answers_by_image())  # type: ignore[attr-defined]
    labeled = project.labeled_image_ids() | answered  # type: ignore[attr-defined]
    done = {ImageStatus.DONE, ImageStatus.REJECTED}
    unlabeled = [
        r
        for r in project.unlabeled_images(done)  # type: ignore[attr-defined]
        if r.id not in answered  # "nothing here" is an answer: not to label again
    ]
    counts = project.live_class_counts()  # type: ignore[attr-defined]
    rarity = class_rarity(counts, [c.id for c in project.classes()])  # type: ignore[attr-defined]
    covered = dict(project.latest_predictions_by_image([r.id for r in unlabeled]))  # type: ignore[attr-defined]
    ranked = []
    for record in unlabeled:
        progress.check()
        score, uncertainty, rare, classes = score_image(covered.get(record.id), rarity, config)
        ranked.append(Suggestion(record.id, record.path, score, uncertainty, rare, classes, 0))
    ranked.sort(key=lambda s: (-s.score, s.image_id))
    if config.diversity and ranked:
        ranked = _diverse(project, ranked, labeled, config, progress, cache)
    return ranked[:n]


def _diverse(
    project: object,
    ranked: list[Suggestion],
    labeled: set[int],
    config: SuggestConfig,
    progress: Progress,
    cache: StatsCache | None,
) -> list[Suggestion]:
    """Keep the best image of each near-duplicate cluster; skip clusters already labeled."""
    wanted = {s.image_id for s in ranked} | labeled
    refs = [r for r in refs_from_project(project) if r.image_id in wanted]
    if cache is None:
        cache = StatsCache.for_project(project.path)  # type: ignore[attr-defined]
    stats = collect_stats(refs, cache, progress)
    report = find_duplicates(stats, None, DuplicateConfig(config.hamming_threshold))
    group = report.group_of()
    sizes = Counter(group.values())
    taken: set[int] = {group[i] for i in labeled if i in group}
    result = []
    for suggestion in ranked:
        key = group.get(suggestion.image_id)
        if key is not None:
            if key in taken:
                continue
            taken.add(key)
            suggestion = Suggestion(**{**asdict(suggestion), "similar_images": sizes[key] - 1})
        result.append(suggestion)
    return result
