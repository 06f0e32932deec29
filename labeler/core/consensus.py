"""Consensus: one rule for what several annotators agree an image holds.

Every caller that needs "the consensus" asks this module, with a
:class:`ConsensusConfig` that names how it differs from the others:

* :data:`FINAL_LABELS`, the labels that ship (reviews count; a tie or a missed
  quorum goes to a person): export (:mod:`labeler.core.export`), label-error triage
  (:mod:`labeler.core.curation`), the curation report and panel (the adjudication
  list) and ``labeler consensus``, with the user's ``quorum`` and ``iou_threshold``.
* :data:`SCORING`, what work is scored against (objects at least half the annotators
  marked, majority class, reviews ignored: people's own work is scored):
  agreement's "F1 vs consensus" (:mod:`labeler.core.agreement`) and
  ``disagreements --consensus``, both with ``leave_out=person``; diagnose's default
  truth on images without reviewed objects (:mod:`labeler.core.diagnosis.truth`),
  which the triage panel's "model run vs consensus" shows too.

Per image:

1. With ``reviews``, annotations whose latest review is a rejection are left out;
   ``leave_out`` drops one annotator (a person scored against the others).
2. The annotators are everyone who answered the image (``answered_by``, see
   :mod:`labeler.core.store.answers`) and everyone with a mark on it. With a single
   annotator the marks pass through (``method="single"``).
3. With several, box/polygon shapes are clustered with the shared matching engine
   (:func:`labeler.core.matching.match_shapes`, same class first, then across
   classes): annotators in ascending order, each one's shapes (by id) matched
   one-to-one against the clusters built so far, so a cluster holds at most one
   shape per annotator. ``match_to`` says what a cluster is matched as: its
   ``"medoid"`` with its leading class, or its ``"first"`` member. Tags (image-level
   classes) form one cluster per class.
4. With ``reviews``, an accepted annotation wins its cluster. Otherwise the count
   that must reach the quorum, ``ceil(quorum x annotators)`` (at least one), is the
   winning class's votes (``votes="class"``) or everyone who marked the object,
   whatever class (``votes="members"``). ``annotators`` counts the image's
   annotators, not the cluster's members: a person who drew nothing there, or
   answered "nothing here", is a vote for no object. A cluster whose absent votes
   reach the quorum and outnumber that count is a *negative* (dropped, counted in
   :attr:`ImageConsensus.negatives`). Two classes with the most votes are a tie:
   ``tie="adjudicate"`` leaves the cluster *unresolved* (``reason="tie"``, for a
   person), ``tie="first_seen"`` takes the class of the earliest annotator. A
   cluster below the quorum is unresolved (``reason="below_quorum"``).
5. The geometry is one member's of the winning class: ``pick="class_medoid"`` the
   one with the highest IoU sum with the winning class's members (lowest id on
   ties; the lowest id when there are at most two), ``pick="most_overlap"`` the one
   with the highest IoU sum with all members (the earliest annotator's on ties).

An image every annotator answered empty has no labels: a consensus negative,
exported as a background image.

The two presets are the two rules the project had before they met here, with their
differences as named parameters so each caller's numbers stay what they were. On two
annotators they differ only in ``reviews``, ``tie`` and ``pick`` (whose box stands for
an object both drew: the lower annotation id, or the earlier annotator's); from three
on, ``votes`` and ``match_to`` matter too. :mod:`labeler.core.consensus_batch`
holds the array forms (many images at once) of the same rule: the two-annotator
clustering of :data:`FINAL_LABELS` and the decision of :data:`SCORING`.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol, TypeVar

import numpy as np

from labeler.core.domain import Annotation, Review, ReviewDecision
from labeler.core.geometry import Geometry, Tag
from labeler.core.gold_filter import GoldExclusions
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, Shape, iou_matrix, match_shapes

Votes = Literal["class", "members"]
TieRule = Literal["adjudicate", "first_seen"]
MatchTo = Literal["medoid", "first"]
Pick = Literal["class_medoid", "most_overlap"]
# Who marked a set of shapes: a person id, a run id, a name (any hashable key).
_Coder = TypeVar("_Coder", bound=Hashable)


@dataclass(frozen=True)
class ConsensusConfig:
    """How clusters form, what needs the quorum, and how ties and reviews count.

    The defaults are :data:`FINAL_LABELS`; see the module docstring for each field.
    """

    iou_threshold: float = DEFAULT_IOU_THRESHOLD
    quorum: float = 0.5
    votes: Votes = "class"
    tie: TieRule = "adjudicate"
    match_to: MatchTo = "medoid"
    pick: Pick = "class_medoid"
    reviews: bool = True
    leave_out: Hashable | None = None  # an annotator not counted (leave-one-out scoring)

    def required_votes(self, annotators: int) -> int:
        """Votes a class needs on an image labeled by ``annotators`` people."""
        return max(1, math.ceil(self.quorum * annotators - 1e-9))

    def with_iou(self, iou_threshold: float) -> ConsensusConfig:
        """The same rule with another IoU threshold."""
        return replace(self, iou_threshold=iou_threshold)

    def left_out(self, annotator: Hashable) -> ConsensusConfig:
        """The same rule without ``annotator`` (a person scored against the others)."""
        return replace(self, leave_out=annotator)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings (the user's choices: threshold and quorum)."""
        return {"iou_threshold": self.iou_threshold, "quorum": self.quorum}


FINAL_LABELS = ConsensusConfig()
"""The labels that ship: reviews count, a tie or a missed quorum is adjudicated."""

SCORING = ConsensusConfig(
    votes="members", tie="first_seen", match_to="first", pick="most_overlap", reviews=False
)
"""What people and models are scored against: half the annotators marked it, majority class."""


class Mark(Protocol):
    """One annotator's mark in a cluster (a :class:`~labeler.core.matching.Shape` or tag)."""

    @property
    def id(self) -> int:
        """The annotation's id."""

    @property
    def label(self) -> Hashable:
        """Its class."""

    @property
    def geometry(self) -> Geometry:
        """Its box, polygon or tag."""

    @property
    def owner(self) -> Hashable | None:
        """Who made it."""


@dataclass(frozen=True)
class TagMark:
    """A tag (image-level class) given by one annotator."""

    id: int
    label: Hashable
    owner: Hashable | None
    geometry: Tag = field(default_factory=Tag)


@dataclass
class Cluster:
    """One object as marked by several annotators: annotator -> their mark, in order."""

    image_id: int
    members: dict[Hashable, Mark] = field(default_factory=dict)

    @property
    def representative(self) -> Mark:
        """The first member's mark (what ``match_to="first"`` matches later annotators to)."""
        return next(iter(self.members.values()))


@dataclass(frozen=True)
class FinalLabel:
    """One label of the consensus and where it came from."""

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
    annotators: tuple[Hashable, ...]
    labels: list[FinalLabel] = field(default_factory=list)
    unresolved: list[UnresolvedCluster] = field(default_factory=list)
    rejected: tuple[int, ...] = ()
    accepted: tuple[int, ...] = ()
    negatives: int = 0  # clusters outvoted by annotators who saw nothing there

    def shapes(self) -> list[Shape]:
        """The box/polygon labels as shapes owned by ``"consensus"``, scored by their share.

        The share is the part of the annotators who marked the object.
        """
        return [
            Shape(
                x.representative_id,
                x.class_id,
                x.geometry,
                len(x.annotation_ids) / len(self.annotators),
                "consensus",
            )
            for x in self.labels
            if not isinstance(x.geometry, Tag)
        ]

    def tag_classes(self) -> set[int]:
        """The classes of the tag labels."""
        return {x.class_id for x in self.labels if isinstance(x.geometry, Tag)}


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
    config = config or FINAL_LABELS
    if not config.reviews:
        decisions = {}
    rejected = tuple(a.id for a in annotations if decisions.get(a.id) == ReviewDecision.REJECT)
    live = sorted(
        (a for a in annotations if a.id not in rejected and a.annotator_id != config.leave_out),
        key=lambda a: a.id,
    )
    accepted = tuple(a.id for a in live if decisions.get(a.id) == ReviewDecision.ACCEPT)
    people = {a.annotator_id for a in live} | set(answered_by)
    people.discard(config.leave_out)
    shapes: dict[Hashable, list[Mark]] = {person: [] for person in sorted(people)}
    tags: dict[Hashable, list[Mark]] = {person: [] for person in shapes}
    for a in live:
        if isinstance(a.geometry, Tag):
            tags[a.annotator_id].append(TagMark(a.id, a.class_id, a.annotator_id))
        else:
            shapes[a.annotator_id].append(Shape.from_annotation(a))
    result = decide_image(image_id, shapes, tags, config, frozenset(accepted), shape_pairs)
    result.rejected = rejected
    return result


def shape_consensus(
    image_id: int,
    shapes_by_coder: Mapping[_Coder, Sequence[Shape]],
    config: ConsensusConfig = SCORING,
) -> list[Shape]:
    """The consensus objects of one image's coders (in the mapping's order), as shapes.

    ``shapes_by_coder`` holds everyone who covered the image, an empty list for an
    empty answer. The shapes carry their share of coders as score (see
    :meth:`ImageConsensus.shapes`). Reviews do not enter: the shapes are what each
    coder made.
    """
    coders: dict[Hashable, list[Mark]] = {
        c: list(s) for c, s in shapes_by_coder.items() if c != config.leave_out
    }
    return decide_image(image_id, coders, {c: [] for c in coders}, config).shapes()


def tag_consensus(
    tags_by_coder: Mapping[_Coder, Iterable[int]], config: ConsensusConfig = SCORING
) -> set[int]:
    """The tag classes that reach the quorum among the coders of one image."""
    coders = [c for c in tags_by_coder if c != config.leave_out]
    marks: dict[Hashable, list[Mark]] = {}
    ids = iter(range(1 << 62))  # tags given as classes have no ids: number them
    for coder in coders:
        given = sorted(tags_by_coder[coder])
        marks[coder] = [TagMark(next(ids), t, coder) for t in given]
    return decide_image(0, {c: [] for c in coders}, marks, config).tag_classes()


def decide_image(
    image_id: int,
    shapes: Mapping[Hashable, Sequence[Mark]],
    tags: Mapping[Hashable, Sequence[Mark]],
    config: ConsensusConfig,
    accepted: frozenset[int] = frozenset(),
    shape_pairs: Sequence[tuple[int, int]] | None = None,
) -> ImageConsensus:
    """The consensus of one image's marks: ``shapes`` and ``tags`` by annotator, in order.

    Both mappings hold every annotator of the image (empty lists for an empty answer).
    ``accepted``: ids of marks a reviewer accepted (only with ``config.reviews``).
    """
    annotators = tuple(shapes)
    result = ImageConsensus(image_id, "none", annotators, accepted=tuple(sorted(accepted)))
    if len(annotators) == 1:
        result.method = "single"
        only = annotators[0]  # tags and shapes each in order, merged by id
        marks = heapq.merge(tags[only], shapes[only], key=lambda m: m.id)
        result.labels = [
            FinalLabel(m.label, m.geometry, (m.id,), m.id, 1, "single")  # type: ignore[arg-type]
            for m in marks
        ]
    elif annotators:
        result.method = "consensus"
        clusters = _tag_clusters(image_id, tags)
        if shape_pairs is not None:
            clusters += _paired_clusters(image_id, shapes, shape_pairs)
        else:
            clusters += cluster_shapes(image_id, shapes, config)  # type: ignore[arg-type]
        required = config.required_votes(len(annotators))
        winners = accepted if config.reviews else frozenset()
        for cluster in clusters:
            _decide(result, cluster, winners, required, config)
    return result


def cluster_shapes(
    image_id: int,
    shapes_by_coder: Mapping[_Coder, Sequence[Shape]],
    config: ConsensusConfig = SCORING,
) -> list[Cluster]:
    """Cluster one image's shapes across coders (in the mapping's order).

    Each coder's shapes are matched (same class first, then across classes) to the
    clusters formed so far, each cluster seen as ``config.match_to`` says; unmatched
    shapes start clusters of their own.
    """
    clusters: list[Cluster] = []
    for coder, mine in shapes_by_coder.items():
        if not mine:
            continue
        anchors = [_anchor(c, n, config.match_to) for n, c in enumerate(clusters)]
        found = match_shapes(anchors, list(mine), iou_threshold=config.iou_threshold)
        for match in (*found.matches, *found.class_mismatches):
            clusters[int(match.a.id)].members[coder] = match.b
        for shape in found.unmatched_b:
            clusters.append(Cluster(image_id, {coder: shape}))
    return clusters


def _anchor(cluster: Cluster, index: int, match_to: MatchTo) -> Shape:
    """The cluster as one shape to match against, with id ``index``."""
    members = list(cluster.members.values())
    if match_to == "first":
        mark = members[0]
        return Shape(index, mark.label, mark.geometry)  # type: ignore[arg-type]
    medoid = _medoid(members)
    label = Counter(m.label for m in members).most_common(1)[0][0]
    return Shape(index, label, medoid.geometry)  # type: ignore[arg-type]


def _tag_clusters(image_id: int, tags: Mapping[Hashable, Sequence[Mark]]) -> list[Cluster]:
    """One cluster per tag class (an annotator's first tag of a class, by id)."""
    by_class: dict[Hashable, Cluster] = {}
    marks = sorted((m for given in tags.values() for m in given), key=lambda m: m.id)
    for mark in marks:
        cluster = by_class.setdefault(mark.label, Cluster(image_id))
        cluster.members.setdefault(mark.owner, mark)
    return [by_class[c] for c in sorted(by_class)]  # type: ignore[type-var]


def _paired_clusters(
    image_id: int, shapes: Mapping[Hashable, Sequence[Mark]], pairs: Sequence[tuple[int, int]]
) -> list[Cluster]:
    """:func:`cluster_shapes` of two annotators' shapes from their matched pairs.

    The first annotator's shapes start the clusters (by id); each matched shape of
    the second joins its partner's; the second's unmatched shapes follow, by id.
    Two annotators' clusters are the same whatever ``match_to`` says.
    """
    owners = [c for c, given in shapes.items() if given]
    first = sorted(shapes[owners[0]], key=lambda m: m.id)
    clusters = [Cluster(image_id, {owners[0]: m}) for m in first]
    where = {m.id: n for n, m in enumerate(first)}
    lookup = {m.id: m for m in shapes[owners[1]]}
    joined = set()
    for a, b in pairs:
        clusters[where[a]].members[owners[1]] = lookup[b]
        joined.add(b)
    second = sorted(shapes[owners[1]], key=lambda m: m.id)
    return clusters + [Cluster(image_id, {owners[1]: m}) for m in second if m.id not in joined]


def _medoid(members: Sequence[Mark]) -> Mark:
    """The member with the highest mean IoU to the others (lowest id on ties)."""
    if len(members) <= 2 or isinstance(members[0].geometry, Tag):
        return min(members, key=lambda m: m.id)
    geometries = [m.geometry for m in members]
    ious = iou_matrix(geometries, geometries)  # type: ignore[arg-type]
    totals = ious.sum(axis=1)
    best = max(range(len(members)), key=lambda i: (round(float(totals[i]), 9), -members[i].id))
    return members[best]


def _most_overlap(candidates: Sequence[Mark], members: Sequence[Mark]) -> Mark:
    """The candidate whose IoUs with all members sum highest (the first on ties)."""
    if isinstance(candidates[0].geometry, Tag):
        return candidates[0]
    overlap = iou_matrix(
        [c.geometry for c in candidates],  # type: ignore[misc]
        [m.geometry for m in members],  # type: ignore[misc]
    )
    return candidates[int(np.argmax(overlap.sum(axis=1)))]


def _ranked(members: Sequence[Mark], tie: TieRule) -> list[tuple[Hashable, int]]:
    """(class, votes), most votes first; ties by class id, or by first appearance."""
    votes = Counter(m.label for m in members)  # in order of first appearance
    if tie == "first_seen":
        return votes.most_common()
    return sorted(votes.items(), key=lambda cv: (-cv[1], cv[0]))


def _decide(
    result: ImageConsensus,
    cluster: Cluster,
    accepted: frozenset[int],
    required: int,
    config: ConsensusConfig,
) -> None:
    """Turn one cluster into a final label, a negative or an unresolved entry."""
    members = list(cluster.members.values())
    ids = tuple(sorted(m.id for m in members))
    winners = [m for m in members if m.id in accepted]
    if winners:
        chosen = max(winners, key=lambda m: m.id)
        result.labels.append(
            FinalLabel(chosen.label, chosen.geometry, ids, chosen.id, len(members), "accepted")  # type: ignore[arg-type]
        )
        return
    ranked = _ranked(members, config.tie)
    top_class, top_votes = ranked[0]
    count = top_votes if config.votes == "class" else len(members)
    absent = len(result.annotators) - len(members)
    if absent >= required and absent > count:
        result.negatives += 1  # a quorum saw nothing there
        return
    candidates = [m for m in members if m.label == top_class]
    if config.pick == "class_medoid":
        rep = _medoid(candidates)
    else:
        rep = _most_overlap(candidates, members)
    label = FinalLabel(top_class, rep.geometry, ids, rep.id, count, "vote")  # type: ignore[arg-type]
    tied = config.tie == "adjudicate" and len(ranked) > 1 and ranked[1][1] == top_votes
    if count >= required and not tied:
        result.labels.append(label)
    else:
        result.unresolved.append(
            UnresolvedCluster(
                result.image_id,
                ids,
                tuple(ranked),  # type: ignore[arg-type]
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

    Covers every image someone answered or labeled; a reviewer's fix counts for the
    annotator whose annotation it replaced. :func:`consensus_stream` gives the same
    pairs without holding them all (a million images).
    """
    return dict(consensus_stream(project, config, image_ids))


STREAM_CHUNK = 20_000  # images whose annotations are read and decided at once


def consensus_stream(
    project: object,
    config: ConsensusConfig | None = None,
    image_ids: Iterable[int] | None = None,
    chunk: int = STREAM_CHUNK,
) -> Iterator[tuple[int, ImageConsensus]]:
    """``(image id, consensus)`` of every covered image, in id order, a run at a time.

    Reads the live annotations of ``chunk`` images at a time (the store's
    ``annotations_of_images``), so memory holds one run's annotations and
    results, plus the answers and review decisions of the project. Images whose
    shapes come from exactly two people are matched for the whole run in one array
    pass (:func:`labeler.core.consensus_batch.two_annotator_pairs`: the same clusters).
    """
    from labeler.core.consensus_batch import two_annotator_pairs  # it imports this module

    config = config or FINAL_LABELS
    answered = labeled_answers(project)
    owners = project.fix_owners()  # type: ignore[attr-defined]
    gold = GoldExclusions.load(project)
    decisions = latest_decisions(project.reviews("annotation"), "annotation")  # type: ignore[attr-defined]
    ids = np.array(
        sorted(set(image_ids)) if image_ids is not None else project.image_ids(),  # type: ignore[attr-defined]
        dtype=np.int64,
    )
    ids.sort()
    for lo in range(0, ids.size, chunk):
        run = ids[lo : lo + chunk]
        wanted = set(run.tolist())
        live = project.annotations_of_images(int(run[0]), int(run[-1]))  # type: ignore[attr-defined]
        by_image: dict[int, list[Annotation]] = {}
        for a in credit_annotations(live, owners, gold):
            if a.image_id in wanted:
                by_image.setdefault(a.image_id, []).append(a)
        del live
        pairs = two_annotator_pairs(by_image, decisions, config)
        for image_id in run.tolist():
            if image_id in by_image or image_id in answered:
                yield image_id, image_consensus(
                    image_id, by_image.get(image_id, ()), decisions, config,
                    answered.get(image_id, ()), pairs.get(image_id),
                )


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
