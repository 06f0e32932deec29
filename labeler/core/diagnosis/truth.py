"""What a model is judged against: reviewed labels, else the annotators' consensus.

The rule, per image the model run covered:

1. **reviewed** — objects a reviewer vouched for (latest review ``accept``, or the
   annotation a reviewer's ``fix`` created) are the truth of their image; when
   several annotators' vouched objects overlap, they count once.
2. **consensus** — otherwise the consensus of everyone who answered or labeled
   the image (:mod:`labeler.core.store.answers`): objects marked by at least half
   of them (matched with the one matching engine), majority class. A single
   annotator's labels are their own consensus. An empty answer is a vote for
   "nothing here". A reviewer's fix counts as the answer of the annotator whose
   annotation it replaced (the fixed version is the truth; the reviewer is not a
   coder of the image). An annotation whose latest review is a rejection is not
   counted: its annotator's answer stands without it.
3. **empty** — an image everyone answered with nothing drawn, or finished (done,
   needs review, rejected) with no labels and no answers recorded (older
   projects), is truth "nothing here": the model's detections there are false
   positives.
4. Anything else (nobody answered it) is left out, and counted as such.

With ``annotator=NAME`` the truth is that person's labels on the images they
answered or labeled (an empty answer is an empty truth), and other images are
left out.

The consensus is :data:`labeler.core.consensus.SCORING` (the rule agreement scores
people against; reviews enter through step 1, not through the consensus), computed
for every image at once (:func:`labeler.core.consensus_batch.consensus_many`); the
reviewed objects of an image are clustered the same way out of one coder, so
overlapping ones count once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from labeler.core.agreement.batch import ShapeTable, cluster_columns, coverage_ranks
from labeler.core.agreement.data import FINISHED
from labeler.core.consensus import SCORING
from labeler.core.consensus_batch import consensus_many
from labeler.core.domain import Person
from labeler.core.gold_filter import GoldExclusions
from labeler.core.i18n import N_
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, Shape
from labeler.core.store import Project
from labeler.core.store.bulk import ShapeColumns

TRUTH_RULE = N_(
    "Truth per image: objects a reviewer accepted (or fixed) when the image has any; "
    "otherwise the consensus of everyone who answered it (objects at least half of them "
    "marked, majority class; an answer with nothing drawn votes 'nothing here'); an image "
    "answered with nothing drawn is a negative; images nobody answered and images the run "
    "did not cover are left out. --truth NAME uses one annotator's answers, empty ones too."
)
NOT_ANSWERED = N_("not answered by anyone")  # a JSON key: translated where shown


@dataclass
class Truth:
    """The truth objects (as columns, grouped by image) and where each image's came from."""

    images: list[int]
    sources: dict[int, str]
    columns: ShapeColumns
    share: np.ndarray | None = None  # consensus: share of coders who marked each object
    description: str = "reviewed or consensus"
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> images

    def source_counts(self) -> dict[str, int]:
        """How many images took their truth from each source."""
        return dict(sorted(Counter(self.sources.values()).items()))

    @cached_property
    def shapes(self) -> dict[int, list[Shape]]:
        """The truth objects per image (consensus shapes carry their share as score)."""
        return {image: self.image_shapes(image) for image in self.images}

    def image_shapes(self, image_id: int) -> list[Shape]:
        """:attr:`shapes` of one image, made when asked (nothing kept for the others)."""
        order, images, starts = self._by_image
        at = int(np.searchsorted(images, image_id))
        if at == images.size or int(images[at]) != image_id:
            return []
        c = self.columns
        found = []
        for row in order[starts[at] : starts[at + 1]].tolist():
            score = None if self.share is None else float(self.share[row])
            owner = "consensus" if self.share is not None else int(c.owner[row])
            found.append(Shape(int(c.id[row]), int(c.class_id[row]), c.geometry(row), score, owner))
        return found

    @cached_property
    def _by_image(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows by image (stable: row order within an image), the images, their starts."""
        order = np.argsort(self.columns.image_id, kind="stable")
        images, starts = np.unique(self.columns.image_id[order], return_index=True)
        return order, images, np.r_[starts, order.size]


def _grouped(columns: ShapeColumns, images: list[int]) -> tuple[np.ndarray, np.ndarray]:
    position = np.searchsorted(np.asarray(images, dtype=np.int64), columns.image_id)
    return position, np.argsort(position, kind="stable")


def resolve_truth(
    project: Project,
    images: set[int],
    annotator: Person | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
) -> Truth:
    """The truth on ``images`` by the rule above (or one ``annotator``'s labels).

    ``left_out`` counts the images of ``images`` without a truth, by reason.
    """
    gold = GoldExclusions.load(project)  # gold answers are never truth
    objects = _credited_objects(project, gold)
    scope = np.fromiter(images, np.int64, len(images))
    scope.sort()
    coverage = project.answered_coverage_array()  # sorted by image, person
    coverage = coverage[gold.side_mask(coverage[:, 0], coverage[:, 1])]
    coverage = coverage[np.isin(coverage[:, 0], scope)]
    in_scope = np.isin(objects.image_id, scope)
    if annotator is not None:
        chosen = sorted({int(i) for i, p in coverage.tolist() if p == annotator.id})
        mine = objects.take(np.flatnonzero(in_scope & (objects.owner == annotator.id)))
        _, order = _grouped(mine, chosen)
        sources = {i: "annotator" for i in chosen}
        left = len(images) - len(chosen)
        return Truth(
            chosen,
            sources,
            mine.take(order),
            None,
            f"annotator {annotator.name}",
            {f"not answered by {annotator.name}": left} if left else {},
        )
    vouched = project.reviewed_annotation_ids()
    reviewed = in_scope & np.isin(objects.id, np.fromiter(vouched, np.int64, len(vouched)))
    reviewed_images = np.unique(objects.image_id[reviewed])  # sorted arrays, not sets:
    labeled = np.unique(coverage[:, 0])  # a million images
    consensus_images = np.setdiff1d(labeled, reviewed_images, assume_unique=True)
    rejected = project.rejected_annotation_ids()  # a reviewer said wrong: never truth
    kept = ~np.isin(objects.id, np.fromiter(rejected, np.int64, len(rejected)))
    use = reviewed | (kept & in_scope & np.isin(objects.image_id, consensus_images))
    truth_images = np.union1d(reviewed_images, consensus_images)
    columns, share = _consensus(
        objects.take(np.flatnonzero(use)), truth_images.tolist(), set(reviewed_images.tolist()),
        coverage, iou_threshold,
    )
    with_objects = project.labeled_image_ids() - gold.empty_references  # drawn or tagged
    has_objects = np.isin(truth_images, np.fromiter(with_objects, np.int64, len(with_objects)))
    del with_objects
    is_reviewed = np.isin(truth_images, reviewed_images)
    kinds = np.where(~has_objects, 0, np.where(is_reviewed, 1, 2))
    names = ("empty", "reviewed", "consensus")
    sources = {i: names[k] for i, k in zip(truth_images.tolist(), kinds.tolist(), strict=True)}
    finished = np.fromiter(project.image_ids_with_status(FINISHED), np.int64)
    unlabeled = np.setdiff1d(np.intersect1d(finished, scope), labeled)
    for image in unlabeled.tolist():
        sources[image] = "empty"
    left = len(images) - len(sources)
    return Truth(
        sorted(sources), sources, columns, share, left_out={NOT_ANSWERED: left} if left else {}
    )


def _credited_objects(project: Project, gold: GoldExclusions) -> ShapeColumns:
    """Live boxes and polygons, a reviewer's fix credited to the annotator it corrects.

    Gold answers are left out (:mod:`labeler.core.gold_filter`).
    """
    objects = project.object_columns()
    if gold:
        objects = objects.take(np.flatnonzero(gold.id_mask(objects.id)))
    owners = project.fix_owners()
    if owners and len(objects):
        fixes = np.flatnonzero(np.isin(objects.id, np.fromiter(owners, np.int64, len(owners))))
        objects.owner[fixes] = [owners[int(i)] for i in objects.id[fixes].tolist()]
    return objects


def _consensus(
    objects: ShapeColumns,
    images: list[int],
    reviewed: set[int],
    coverage: np.ndarray,
    iou_threshold: float,
) -> tuple[ShapeColumns, np.ndarray]:
    """The consensus objects of every image (reviewed ones out of 1 coder), grouped by image."""
    rule = SCORING.with_iou(iou_threshold)
    group, _ = _grouped(objects, images)
    is_reviewed = np.isin(objects.image_id, np.fromiter(reviewed, np.int64, len(reviewed)))
    vouchers = np.unique(np.stack([objects.image_id, objects.owner], axis=1)[is_reviewed], axis=0)
    coder = np.zeros(len(objects), dtype=np.int64)
    image, owner = objects.image_id, objects.owner
    coder[is_reviewed] = coverage_ranks(
        image[is_reviewed], owner[is_reviewed], vouchers.reshape(-1, 2)
    )
    others = ~is_reviewed
    coder[others] = coverage_ranks(image[others], owner[others], coverage)
    order = np.lexsort((objects.id, coder, group))
    objects, group, coder = objects.take(order), group[order], coder[order]
    table = ShapeTable.from_columns(objects)
    clusters = cluster_columns(
        table, np.arange(len(objects)), group, coder, len(images), rule.iou_threshold
    )
    per_image = np.bincount(np.searchsorted(images, coverage[:, 0]), minlength=len(images))
    coders = np.where(np.isin(images, list(reviewed)), 1, per_image)
    best, share = consensus_many(table, clusters, coders[clusters.group], rule)
    kept = np.flatnonzero(best >= 0)
    kept = kept[np.argsort(clusters.group[kept], kind="stable")]
    return objects.take(best[kept]), share[kept]
