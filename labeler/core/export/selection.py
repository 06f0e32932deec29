"""Which labels of which images an export holds (before the curation filters).

``only`` chooses the labels:

* ``"all"`` (default): every live annotation; on an image labeled by several
  people, their consensus (:mod:`labeler.core.consensus`) instead;
* ``"reviewed"``: only images a reviewer accepted (the image, or every one of
  its final labels);
* ``"consensus"``: only images confirmed by more than one person: a consensus of
  several annotators with nothing unresolved, or an accepted review.

In every mode rejected annotations are left out, images rejected in review are
excluded, and images nobody answered are excluded with the reason "not answered".
An image answered with nothing drawn (by everyone who answered it, or by a quorum:
see :mod:`labeler.core.consensus`) is a negative, exported as a background image;
so is an image marked done with no annotations and no answers recorded (older
projects). ``unresolved`` says what happens to
an image with unresolved consensus clusters: ``"exclude-image"`` (default),
``"drop"`` (drop those objects) or ``"keep"`` (keep the plurality candidate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from labeler.core.consensus import ConsensusConfig, ImageConsensus, UnresolvedCluster
from labeler.core.consensus import image_consensus as compute_consensus
from labeler.core.domain import Annotation, ImageRecord, ImageStatus, ReviewDecision
from labeler.core.export.model import ExportObject

ONLY_MODES = ("all", "reviewed", "consensus")
NOT_ANSWERED = "not answered: nobody finished this image or labeled anything on it"
UNRESOLVED_POLICIES = ("exclude-image", "drop", "keep")


@dataclass
class Selection:
    """The outcome for one image: its objects, or the reasons it is left out."""

    image_id: int
    objects: list[ExportObject] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    unresolved: list[UnresolvedCluster] = field(default_factory=list)
    method: str = "none"

    @property
    def included(self) -> bool:
        """True when no reason excludes the image."""
        return not self.reasons


def select_image(
    record: ImageRecord,
    annotations: Sequence[Annotation],
    decisions: Mapping[int, ReviewDecision],
    image_decision: ReviewDecision | None,
    only: str = "all",
    unresolved: str = "exclude-image",
    config: ConsensusConfig | None = None,
    answered_by: Iterable[int] = (),
    shape_pairs: Sequence[tuple[int, int]] | None = None,
) -> Selection:
    """Decide one image's labels (see the module doc for the rules).

    ``answered_by``: the people who answered the image, with or without objects;
    ``shape_pairs``: see :func:`labeler.core.consensus.image_consensus`.
    """
    selection = Selection(record.id)
    if image_decision == ReviewDecision.REJECT or record.status == ImageStatus.REJECTED:
        selection.reasons.append("rejected in review")
        return selection
    consensus = compute_consensus(
        record.id, annotations, decisions, config, answered_by, shape_pairs
    )
    selection.method = consensus.method
    selection.unresolved = list(consensus.unresolved)
    image_accepted = image_decision == ReviewDecision.ACCEPT
    if consensus.method == "none" and not (image_accepted or record.status == ImageStatus.DONE):
        selection.reasons.append(NOT_ANSWERED)
        return selection
    selection.objects = [
        ExportObject(label.class_id, label.geometry, label.annotation_ids)
        for label in consensus.labels
    ]
    _apply_unresolved(selection, consensus, unresolved)
    if only == "reviewed" and not _reviewed(consensus, image_accepted):
        selection.reasons.append("not reviewed")
    elif only == "consensus" and not _confirmed(consensus, image_accepted):
        selection.reasons.append("not confirmed by a second person (one annotator, no review)")
    return selection


def _apply_unresolved(selection: Selection, consensus: ImageConsensus, policy: str) -> None:
    if not consensus.unresolved:
        return
    if policy == "exclude-image":
        selection.reasons.append(
            f"unresolved consensus: {len(consensus.unresolved)} cluster(s) to adjudicate"
        )
    elif policy == "keep":
        selection.objects += [
            ExportObject(c.best.class_id, c.best.geometry, c.annotation_ids)
            for c in consensus.unresolved
        ]
        selection.objects.sort(key=lambda o: o.annotation_ids)


def _reviewed(consensus: ImageConsensus, image_accepted: bool) -> bool:
    if image_accepted:
        return True
    labels = consensus.labels
    return bool(labels) and not consensus.unresolved and all(x.reason == "accepted" for x in labels)


def _confirmed(consensus: ImageConsensus, image_accepted: bool) -> bool:
    if image_accepted or _reviewed(consensus, False):
        return True
    return consensus.method == "consensus" and not consensus.unresolved
