"""Mixing gold images into work: in-house assignment batches and vendor packages.

Gold images join a person's work at a chosen ``rate`` after their first ``after`` images
(Labelbox's benchmarks: after the first 5, about 10 %), at seeded random places so no
period gives them away. Nothing marks them: an in-house person gets them in the same
assignment call as the rest of their batch; a package's annotators get assignments
copied from their own in the package (same batch, flags and creation time), and the
package lists its images in the mixed order. A gold image's reference labels never go
into a package (a package carries the vendor's own people and work only).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from labeler.core.domain import AssignmentTask, ImageRecord, Role
from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.store import Project

DEFAULT_AFTER = 5


class GoldRateError(LabelerError):
    """A gold rate or start that cannot be used."""


@dataclass(frozen=True)
class GoldPlan:
    """How many gold images each person got (by person id)."""

    per_person: dict[int, list[int]]

    @property
    def total(self) -> int:
        """Gold assignments made, over everyone."""
        return sum(len(v) for v in self.per_person.values())


def check_rate(rate: float, after: int) -> None:
    """Refuse a rate outside [0, 1) or a negative start."""
    if not 0 <= rate < 1 or math.isnan(rate):
        raise GoldRateError(
            _("the gold rate is a share from 0 up to (not including) 1, not {rate}").format(
                rate=rate
            )
        )
    if after < 0:
        raise GoldRateError(
            _("gold images start after 0 or more images, not {after}").format(after=after)
        )


def gold_count(regular: int, rate: float, after: int) -> int:
    """How many gold images make ``rate`` of what a person sees after their first ``after``."""
    tail = max(0, regular - after)
    if rate <= 0 or tail == 0:
        return 0
    return max(1, round(rate * tail / (1 - rate)))


def mix(regular: list[int], gold: list[int], after: int, seed: int) -> list[int]:
    """``regular`` with ``gold`` placed at random among the images after the first ``after``."""
    head, tail = list(regular[:after]), list(regular[after:])
    slots = len(tail) + len(gold)
    places = set(random.Random(seed).sample(range(slots), len(gold)))
    mixed, g, t = [], iter(gold), iter(tail)
    for slot in range(slots):
        mixed.append(next(g) if slot in places else next(t))
    return head + mixed


def _gold_for(
    project: Project, person_id: int, exclude: set[int], count: int, seed: int
) -> list[int]:
    """Up to ``count`` gold images the person never had, answered or worked on."""
    had = {a.image_id for a in project.assignments(person_id=person_id)}
    had |= {a.image_id for a in project.answers_by(person_id)}
    pool = sorted(project.gold_image_ids() - had - exclude)
    random.Random(seed).shuffle(pool)
    return pool[:count]


def assign_with_gold(
    project: Project,
    image_ids: list[int],
    person_ids: list[int],
    *,
    rate: float,
    after: int = DEFAULT_AFTER,
    overlap: int = 1,
    blind: bool = False,
    hide_prelabels: bool = False,
    batch: str = "",
    seed: int = 0,
) -> GoldPlan:
    """Assign images to annotate as :meth:`Project.assign_images` does, with gold mixed in.

    Each person's share (spread as ``assign_images`` spreads it) gets
    :func:`gold_count` gold images they have never had, at random places after their
    first ``after``, in one assignment call per person, so each work list looks alike.
    With gold the assignments must be ``blind`` (else the reference shows). The image
    status an in-house person sees is the image's own (a gold image was reviewed, so it
    is done); a package starts every image afresh.
    """
    check_rate(rate, after)
    if rate > 0 and not blind:
        raise GoldRateError(
            _(
                "gold images go out in blind assignments only (--blind): otherwise the "
                "annotator would see the reference labels on them"
            )
        )
    people = list(dict.fromkeys(person_ids))
    images = list(dict.fromkeys(image_ids))
    if not people:
        raise LabelerError(_("assign images to at least one person"))
    if not 1 <= overlap <= len(people):
        raise LabelerError(
            _("overlap must be between 1 and the number of people ({n_people})").format(
                n_people=len(people)
            )
        )
    shares: dict[int, list[int]] = {p: [] for p in people}
    for index, image_id in enumerate(images):
        for j in range(overlap):
            shares[people[(index * overlap + j) % len(people)]].append(image_id)
    plan: dict[int, list[int]] = {}
    with project.transaction():
        for n, person in enumerate(people):
            count = gold_count(len(shares[person]), rate, after)
            gold = _gold_for(project, person, set(images), count, seed + n)
            plan[person] = gold
            if shares[person] or gold:
                project.assign_images(
                    mix(shares[person], gold, after, seed + n),
                    [person],
                    AssignmentTask.ANNOTATE,
                    blind=blind,
                    hide_prelabels=hide_prelabels,
                    batch=batch,
                )
    return GoldPlan(plan)


def add_gold_to_package(
    project: Project,
    images: list[ImageRecord],
    vendor: str,
    *,
    rate: float,
    after: int = DEFAULT_AFTER,
    seed: int = 0,
) -> tuple[list[ImageRecord], GoldPlan]:
    """The package's images with gold mixed in for the vendor's annotators, and the plan.

    Each annotator of ``vendor`` with annotate assignments on ``images`` gets gold images
    as assignments copied from their own (same batch, flags and creation time). The
    returned list is the order the package lists its images in: each person's gold at
    random places after their first ``after`` images.
    """
    check_rate(rate, after)
    order = [i.id for i in images]
    wanted = set(order)
    placed = list(order)
    plan: dict[int, list[int]] = {}
    annotators = [
        p for p in project.people() if p.organization == vendor and p.role is Role.ANNOTATOR
    ]
    with project.transaction():
        for n, person in enumerate(annotators):
            mine = [
                a
                for a in project.assignments(person_id=person.id, task=AssignmentTask.ANNOTATE)
                if a.image_id in wanted
            ]
            if not mine:
                continue
            own = [i for i in order if i in {a.image_id for a in mine}]
            gold = _gold_for(
                project, person.id, wanted, gold_count(len(own), rate, after), seed + n
            )
            if not gold:
                continue
            like = _typical(mine)
            project.assign_like(gold, person.id, like)
            plan[person.id] = gold
            placed = _place(placed, mix(own, gold, after, seed + n))
    records = {r.id: r for r in project.images_by_ids(sorted(set(placed)))}
    return [records[i] for i in placed], GoldPlan(plan)


def _typical(assignments: list) -> int:
    """The id of the newest assignment with the most common batch and flags."""
    key = Counter((a.batch, a.blind, a.hide_prelabels) for a in assignments).most_common(1)[0][0]
    return max(a.id for a in assignments if (a.batch, a.blind, a.hide_prelabels) == key)


def _place(order: list[int], person_order: list[int]) -> list[int]:
    """``order`` with the gold of ``person_order`` inserted right after its predecessor there."""
    result = list(order)
    present = set(result)
    previous: int | None = None
    for image_id in person_order:
        if image_id not in present:
            at = result.index(previous) + 1 if previous is not None else 0
            result.insert(at, image_id)
            present.add(image_id)
        previous = image_id
    return result
