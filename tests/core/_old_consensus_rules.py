"""Consensus: the final labels of each image, from reviews and several annotators.

Per image:

1. Annotations whose latest review is a rejection are left out.
2. With a single annotator the annotations pass through (``method="single"``).
3. With several, their shapes are clustered with the shared matching engine
   (:func:`labeler.core.matching.match_shapes`, same class first, then across
   classes): each annotator's shapes are matched one-to-one against the clusters
   built so far, so a cluster holds at most one shape per annotator.
4. An accepted review wins its cluster: the accepted annotation is the answer.
   Otherwise the class is voted: it needs ``ceil(quorum x annotators)`` votes
   (at least one) and a strict majority over the runner-up; the geometry is the
   cluster's best representative, the member of the winning class with the
   highest mean IoU to the others. ``annotators`` counts the image's annotators,
   not the cluster's members: a person who drew nothing there is a vote for no
   class. A cluster that fails is *unresolved* and listed for adjudication with
   its ``reason``: ``"tie"`` when two classes have the most votes (even if both
   reach the quorum), else ``"below_quorum"``.

Tags (image-level classes) are voted the same way, one cluster per tag class.

The annotators of an image are everyone who answered it (``answered_by``, see
:mod:`labeler.core.store.answers`) and everyone with a live annotation on it. A
person who answered with nothing drawn votes "nothing here" on every cluster: a
cluster whose absent votes reach the quorum and outnumber its leading class is
a *negative* (dropped, counted in :attr:`ImageConsensus.negatives`). An image
every annotator answered empty has no labels: a consensus negative, exported as
a background image.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from labeler.core.domain import Annotation, Review, ReviewDecision
from labeler.core.geometry import Geometry, Tag
from labeler.core.gold_filter import GoldExclusions
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, Shape, iou_matrix, match_shapes


@dataclass(frozen=True)
class ConsensusConfig:
    """How clusters form and how many votes a label needs."""

    iou_threshold: float = DEFAULT_IOU_THRESHOLD
    quorum: float = 0.5

    def required_votes(self, annotators: int) -> int:
        """Votes a class needs on an image labeled by ``annotators`` people."""
        return max(1, math.ceil(self.quorum * annotators - 1e-9))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return {"iou_threshold": self.iou_threshold, "quorum": self.quorum}


@dataclass(frozen=True)
class FinalLabel:
    """One label of the final dataset and where it came from."""

    class_id: int
    geometry: Geometry
    annotation_ids: tuple[int, ...]
    representative_id: int
    votes: int
    reason: str  # "accepted", "single", "vote"


@dataclass(frozen=True)
class UnresolvedCluster:
    """Annotations that did not reach a quorum: for a person to adjudicate."""

    image_id: int
    annotation_ids: tuple[int, ...]
    votes: tuple[tuple[int, int], ...]  # (class_id, votes), most votes first
    required: int
    annotators: int
    best: FinalLabel  # the plurality candidate, for a "keep anyway" policy
    reason: str = "below_quorum"  # or "tie": two classes share the most votes

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (what the GUI's adjudication list shows)."""
        return {
            "image_id": self.image_id,
            "annotation_ids": list(self.annotation_ids),
            "votes": [{"class_id": c, "votes": v} for c, v in self.votes],
            "required": self.required,
            "annotators": self.annotators,
            "reason": self.reason,
        }


@dataclass
class ImageConsensus:
    """The final labels of one image, and what is left to adjudicate."""

    image_id: int
    method: str  # "none", "single", "consensus"
    annotators: tuple[int, ...]
    labels: list[FinalLabel] = field(default_factory=list)
    unresolved: list[UnresolvedCluster] = field(default_factory=list)
    rejected: tuple[int, ...] = ()
    accepted: tuple[int, ...] = ()
    negatives: int = 0  # clusters outvoted by annotators who saw nothing there


def latest_decisions(reviews: Iterable[Review], target_kind: str) -> dict[int, ReviewDecision]:
    """The most recent decision per target of one kind (reviews in id order)."""
    latest: dict[int, ReviewDecision] = {}
    for review in sorted(reviews, key=lambda r: r.id):
        if review.target_kind == target_kind:
            latest[review.target_id] = review.decision
    return latest


def image_consensus(
    image_id: int,
    annotations: Sequence[Annotation],
    decisions: Mapping[int, ReviewDecision],
    config: ConsensusConfig | None = None,
    answered_by: Iterable[int] = (),
    shape_pairs: Sequence[tuple[int, int]] | None = None,
) -> ImageConsensus:
    """The consensus of one image's live annotations, given the latest review decisions.

    ``answered_by``: the people who answered the image (with or without objects).
    ``shape_pairs``: for an image whose shapes come from exactly two people, the pairs
    :func:`labeler.core.consensus_batch.two_annotator_pairs` matched for it (the same
    clusters, without matching the image again).
    """
    config = config or ConsensusConfig()
    rejected = tuple(a.id for a in annotations if decisions.get(a.id) == ReviewDecision.REJECT)
    live = sorted((a for a in annotations if a.id not in rejected), key=lambda a: a.id)
    accepted = tuple(a.id for a in live if decisions.get(a.id) == ReviewDecision.ACCEPT)
    annotators = tuple(sorted({a.annotator_id for a in live} | set(answered_by)))
    result = ImageConsensus(image_id, "none", annotators, rejected=rejected, accepted=accepted)
    if len(annotators) == 1:
        result.method = "single"
        result.labels = [
            FinalLabel(a.class_id, a.geometry, (a.id,), a.id, 1, "single") for a in live
        ]
    elif annotators:
        result.method = "consensus"
        shapes = (
            _paired_clusters(live, shape_pairs)
            if shape_pairs is not None
            else _shape_clusters(live, config.iou_threshold)
        )
        clusters = _tag_clusters(live) + shapes
        required = config.required_votes(len(annotators))
        for cluster in clusters:
            _decide(result, cluster, set(accepted), required, config.iou_threshold)
    return result


def _tag_clusters(annotations: Sequence[Annotation]) -> list[list[Annotation]]:
    by_class: dict[int, dict[int, Annotation]] = {}
    for a in annotations:
        if isinstance(a.geometry, Tag):
            by_class.setdefault(a.class_id, {}).setdefault(a.annotator_id, a)
    return [list(by_class[c].values()) for c in sorted(by_class)]


def _shape_clusters(annotations: Sequence[Annotation], threshold: float) -> list[list[Annotation]]:
    """Cluster box/polygon annotations across annotators, one shape per annotator each."""
    by_annotator: dict[int, list[Annotation]] = {}
    for a in annotations:
        if not isinstance(a.geometry, Tag):
            by_annotator.setdefault(a.annotator_id, []).append(a)
    clusters: list[list[Annotation]] = []
    for annotator in sorted(by_annotator):
        mine = [Shape.from_annotation(a) for a in by_annotator[annotator]]
        reps = [_representative_shape(c, n) for n, c in enumerate(clusters)]
        result = match_shapes(reps, mine, iou_threshold=threshold)
        lookup = {a.id: a for a in by_annotator[annotator]}
        for match in (*result.matches, *result.class_mismatches):
            clusters[int(match.a.id)].append(lookup[match.b.id])
        for shape in result.unmatched_b:
            clusters.append([lookup[shape.id]])
    return clusters


def _paired_clusters(
    annotations: Sequence[Annotation], pairs: Sequence[tuple[int, int]]
) -> list[list[Annotation]]:
    """:func:`_shape_clusters` of two annotators' shapes from their matched pairs.

    The first annotator's shapes start the clusters (by id); each matched shape of
    the second joins its partner's; the second's unmatched shapes follow, by id.
    """
    shapes = sorted((a for a in annotations if not isinstance(a.geometry, Tag)),
                    key=lambda a: a.id)
    owners = sorted({a.annotator_id for a in shapes})
    clusters = [[a] for a in shapes if a.annotator_id == owners[0]]
    where = {cluster[0].id: n for n, cluster in enumerate(clusters)}
    lookup = {a.id: a for a in shapes}
    joined = set()
    for first, second in pairs:
        clusters[where[first]].append(lookup[second])
        joined.add(second)
    clusters += [[a] for a in shapes if a.annotator_id != owners[0] and a.id not in joined]
    return clusters


def _representative_shape(cluster: list[Annotation], index: int) -> Shape:
    """The cluster as one shape for matching: its medoid, labeled with its leading class."""
    medoid = _medoid(cluster)
    label = Counter(a.class_id for a in cluster).most_common(1)[0][0]
    return Shape(index, label, medoid.geometry)  # type: ignore[arg-type]


def _medoid(members: Sequence[Annotation]) -> Annotation:
    """The member with the highest mean IoU to the others (lowest id on ties)."""
    if len(members) <= 2 or isinstance(members[0].geometry, Tag):
        return min(members, key=lambda a: a.id)
    ious = iou_matrix([m.geometry for m in members], [m.geometry for m in members])  # type: ignore[misc]
    totals = ious.sum(axis=1)
    best = max(range(len(members)), key=lambda i: (round(float(totals[i]), 9), -members[i].id))
    return members[best]


def _decide(
    result: ImageConsensus,
    cluster: list[Annotation],
    accepted: set[int],
    required: int,
    threshold: float,
) -> None:
    """Turn one cluster into a final label or an unresolved entry."""
    ids = tuple(sorted(a.id for a in cluster))
    winners = [a for a in cluster if a.id in accepted]
    if winners:
        chosen = max(winners, key=lambda a: a.id)
        result.labels.append(
            FinalLabel(chosen.class_id, chosen.geometry, ids, chosen.id, len(cluster), "accepted")
        )
        return
    votes = Counter(a.class_id for a in cluster)
    ranked = sorted(votes.items(), key=lambda cv: (-cv[1], cv[0]))
    top_class, top_votes = ranked[0]
    absent = len(result.annotators) - len({a.annotator_id for a in cluster})
    if absent >= required and absent > top_votes:
        result.negatives += 1  # a quorum saw nothing there
        return
    members = [a for a in cluster if a.class_id == top_class]
    rep = _medoid(members)
    label = FinalLabel(top_class, rep.geometry, ids, rep.id, top_votes, "vote")
    tied = len(ranked) > 1 and ranked[1][1] == top_votes
    if top_votes >= required and not tied:
        result.labels.append(label)
    else:
        result.unresolved.append(
            UnresolvedCluster(
                result.image_id,
                ids,
                tuple(ranked),
                required,
                len(result.annotators),
                label,
                "tie" if tied else "below_quorum",
            )
        )


def project_consensus(
    project: object,
    config: ConsensusConfig | None = None,
    image_ids: Iterable[int] | None = None,
) -> dict[int, ImageConsensus]:
    """Consensus of every image (or of ``image_ids``) of a project, by image id.

    Covers every image someone answered or labeled. Reads all live annotations,
    answers and reviews in a few queries (the store's bulk ``annotations()``,
    ``answers_by_image()`` and ``reviews()``); a reviewer's fix counts for the
    annotator whose annotation it replaced.
    """
    wanted = set(image_ids) if image_ids is not None else None
    answered = labeled_answers(project)
    by_image: dict[int, list[Annotation]] = {}
    for a in credited_annotations(project):
        if wanted is None or a.image_id in wanted:
            by_image.setdefault(a.image_id, []).append(a)
    for image_id in answered:
        if wanted is None or image_id in wanted:
            by_image.setdefault(image_id, [])
    decisions = latest_decisions(project.reviews("annotation"), "annotation")  # type: ignore[attr-defined]
    return {
        image_id: image_consensus(
            image_id, by_image[image_id], decisions, config, answered.get(image_id, ())
        )
        for image_id in sorted(by_image)
    }


def credited_annotations(project: object) -> list[Annotation]:
    """Live annotations, a reviewer's fix credited to the annotator whose work it corrects.

    The fix is the version that counts, but the reviewer is not one more annotator. Gold
    answers (:mod:`labeler.core.gold_filter`) are left out: they are never labels.
    """
    owners = project.fix_owners()  # type: ignore[attr-defined]
    live = project.annotations()  # type: ignore[attr-defined]
    return credit_annotations(live, owners, GoldExclusions.load(project))


def credit_annotations(
    live: Iterable[Annotation], owners: Mapping[int, int], gold: GoldExclusions
) -> list[Annotation]:
    """:func:`credited_annotations` of some live annotations (``owners``: fix -> annotator)."""
    return [
        replace(a, annotator_id=owners[a.id]) if a.id in owners else a
        for a in gold.annotations(live)
    ]


def labeled_answers(project: object) -> dict[int, set[int]]:
    """Image id -> who answered it, leaving out answers on gold images (never labels)."""
    answered = project.answers_by_image()  # type: ignore[attr-defined]
    return GoldExclusions.load(project).answers(answered)
