"""Slices: a named subset of images, the rule that made it, and sending it to work.

A rule is a list of terms that must all hold (``{"terms": [{"kind", "value"}, ...]}``),
written on the command line as space-separated ``kind:value`` words (shell quoting
for values with spaces, e.g. ``'vendor:Vendor A'``):

* ``class:NAME`` (a live label of that class), ``tag:NAME`` (an image tag),
  ``status:S``, ``person:NAME`` (labeled or answered by), ``vendor:ORG`` (labeled or
  answered by someone of that organization), ``guideline:N`` (labeled under version N)
* ``disagreement:TYPE`` (missing, extra, class_mismatch, low_overlap, tag_mismatch,
  between any two annotators)
* ``fn:RUN`` / ``fp:RUN``, optionally ``:CLASS`` and/or ``:REASON`` (false negatives
  or positives of a model run, as ``labeler diagnose`` lists them)
* ``curation:FLAG`` (blurry, dark, overexposed, too_small, odd_aspect, unreadable,
  exact_duplicate, near_duplicate, overlooked, swapped, bad_location)
* ``suggest:N`` (the N images ``labeler suggest`` ranks first)
* ``name:GLOB`` (file name), ``path:GLOB`` (stored path), ``ids:1,2,5-9`` (hand-picked)

Saving evaluates the rule and freezes the matching image ids; :func:`diff_slice`
evaluates it again and says which images it would add or remove, and
:func:`refresh_slice` re-freezes. :func:`send_to_people` and :func:`send_to_vendor`
turn a slice into in-house assignments or a vendor package in one step, recording
the note of why; :func:`slice_changes` says what happened on its images since.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from labeler.core.domain import AssignmentTask, ImageStatus
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.i18n import N_, _
from labeler.core.store import Project
from labeler.core.store.slices import ImageActivity, SavedSlice, SliceWork

QUALITY_FLAGS = ("blurry", "dark", "overexposed", "too_small", "odd_aspect", "unreadable")
DUPLICATE_FLAGS = ("exact_duplicate", "near_duplicate")
LABEL_ERROR_FLAGS = ("overlooked", "swapped", "bad_location")
CURATION_FLAGS = QUALITY_FLAGS + DUPLICATE_FLAGS + LABEL_ERROR_FLAGS
DISAGREEMENT_TYPES = ("missing", "extra", "class_mismatch", "low_overlap", "tag_mismatch")
FP_REASONS = ("wrong_class", "duplicate", "poor_localization", "background")
FN_REASONS = ("wrong_class", "poor_localization", "missed")
TERM_KINDS = (
    "all", "class", "tag", "status", "person", "vendor", "guideline", "disagreement",
    "fn", "fp", "curation", "suggest", "name", "path", "ids",
)  # fmt: skip
RULE_HELP = N_(
    "space-separated terms that must all hold: class:NAME, tag:NAME, status:S, person:NAME, "
    "vendor:ORG, guideline:N, disagreement:TYPE, fn:RUN[:CLASS][:REASON], "
    "fp:RUN[:CLASS][:REASON], curation:FLAG, suggest:N, name:GLOB, path:GLOB, ids:1,2,5-9, all"
)


class SliceRuleError(LabelerError):
    """A slice rule term that cannot be understood."""


@dataclass
class SliceDiff:
    """A slice's frozen images against a fresh evaluation of its rule."""

    slice: SavedSlice
    frozen: list[int]
    now: list[int]

    @property
    def added(self) -> list[int]:
        """Images the rule matches now that the slice does not hold."""
        return sorted(set(self.now) - set(self.frozen))

    @property
    def removed(self) -> list[int]:
        """Images the slice holds that the rule no longer matches."""
        return sorted(set(self.frozen) - set(self.now))

    def to_dict(self, paths: dict[int, str]) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "slice": self.slice.name,
            "frozen": len(self.frozen),
            "now": len(self.now),
            "added": [{"image_id": i, "image": paths.get(i)} for i in self.added],
            "removed": [{"image_id": i, "image": paths.get(i)} for i in self.removed],
        }


@dataclass
class SliceChanges:
    """What happened on a slice's images since it was saved or last sent to work."""

    slice: SavedSlice
    since: str
    since_what: str
    activity: list[ImageActivity] = field(default_factory=list)

    def changed(self) -> list[ImageActivity]:
        """The images something happened on."""
        return [a for a in self.activity if a.changed]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "since": self.since,
            "since_what": self.since_what,
            "images": len(self.activity),
            "changed": len(self.changed()),
            "status": _count(a.status for a in self.activity),
            "labels_added": sum(a.added for a in self.activity),
            "labels_edited": sum(a.edited for a in self.activity),
            "labels_deleted": sum(a.deleted for a in self.activity),
            "reviews": sum(a.reviews for a in self.activity),
            "answers": sum(a.answers for a in self.activity),
            "per_image": [
                {
                    "image_id": a.image_id,
                    "image": a.path,
                    "status": a.status,
                    "added": a.added,
                    "edited": a.edited,
                    "deleted": a.deleted,
                    "reviews": a.reviews,
                    "answers": a.answers,
                    "by": sorted(a.by),
                }
                for a in self.changed()
            ],
        }


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


# Rules


def parse_rule(text: str) -> dict[str, Any]:
    """A rule from its command-line form; raises :class:`SliceRuleError` naming the term."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise SliceRuleError(_("slice rule {text!r}: {exc}").format(text=text, exc=exc)) from exc
    if not words:
        raise SliceRuleError(
            _("an empty slice rule: use {RULE_HELP}").format(RULE_HELP=_(RULE_HELP))
        )
    terms = []
    for word in words:
        kind, _sep, value = word.partition(":")
        if word == "all":
            kind, value = "all", ""
        elif kind not in TERM_KINDS or not value:
            raise SliceRuleError(
                _("unknown slice rule term {word!r}; use {RULE_HELP}").format(
                    word=word, RULE_HELP=_(RULE_HELP)
                )
            )
        terms.append({"kind": kind, "value": value})
    return {"terms": terms}


def rule_for_images(image_ids: Iterable[int]) -> dict[str, Any]:
    """The rule of a hand-picked list: ``ids:...`` (ranges where the ids run on)."""
    ids = sorted(set(int(i) for i in image_ids))
    parts: list[str] = []
    start = prev = None
    for i in [*ids, None]:
        if i is not None and prev is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = i
    return {"terms": [{"kind": "ids", "value": ",".join(parts)}]}


def rule_text(rule: dict[str, Any]) -> str:
    """A rule's command-line form (values with spaces quoted)."""
    words = []
    for term in rule.get("terms", []):
        word = "all" if term["kind"] == "all" else f"{term['kind']}:{term['value']}"
        words.append(shlex.quote(word))
    return " ".join(words)


def parse_ids(text: str) -> set[int]:
    """``1,2,5-9`` as a set of ids."""
    ids: set[int] = set()
    for part in text.split(","):
        low, _sep, high = part.strip().partition("-")
        try:
            ids.update(range(int(low), int(high or low) + 1))
        except ValueError as exc:
            raise SliceRuleError(
                _("bad image ids {text!r}: use ids:1,2,5-9").format(text=text)
            ) from exc
    return ids


def evaluate_rule(project: Project, rule: dict[str, Any]) -> list[int]:
    """The images of the project the rule matches now, in id order."""
    images = {r.id: r for r in project.images()}
    chosen = set(images)
    for term in rule.get("terms", []):
        kind, value = str(term["kind"]), str(term["value"])
        if kind == "all":
            continue
        matcher = _MATCHERS.get(kind)
        if matcher is None:
            raise SliceRuleError(
                _("unknown slice rule term {kind!r}; use {RULE_HELP}").format(
                    kind=kind, RULE_HELP=_(RULE_HELP)
                )
            )
        chosen &= matcher(project, value, images)
    return sorted(chosen)


def _class_images(project: Project, value: str, images: dict) -> set[int]:
    label_class = project.class_by_name(value)
    if label_class is None:
        known = ", ".join(c.name for c in project.classes())
        raise SliceRuleError(
            _("class:{value}: no class named {value!r} (classes: {known})").format(
                value=value, known=known
            )
        )
    return project.image_ids_labeled(class_ids=[label_class.id])


def _tag_images(project: Project, value: str, images: dict) -> set[int]:
    label_class = project.class_by_name(value)
    if label_class is None or label_class.kind != "tag":
        tags = ", ".join(c.name for c in project.classes() if c.kind == "tag") or "none"
        raise SliceRuleError(
            _("tag:{value}: no tag class named {value!r} (tags: {tags})").format(
                value=value, tags=tags
            )
        )
    return project.image_ids_labeled(class_ids=[label_class.id])


def _status_images(project: Project, value: str, images: dict) -> set[int]:
    statuses = [s.value for s in ImageStatus]
    if value not in statuses:
        raise SliceRuleError(
            _("status:{value}: use one of {statuses}").format(
                value=value, statuses=", ".join(statuses)
            )
        )
    return {i for i, r in images.items() if r.status.value == value}


def _people_images(project: Project, ids: list[int]) -> set[int]:
    return project.image_ids_labeled(annotator_ids=ids) | project.image_ids_answered_by(ids)


def _person_images(project: Project, value: str, images: dict) -> set[int]:
    person = project.person_by_name(value)
    if person is None:
        raise SliceRuleError(_("person:{value}: no person named {value!r}").format(value=value))
    return _people_images(project, [person.id])


def _vendor_images(project: Project, value: str, images: dict) -> set[int]:
    people = [p.id for p in project.people() if p.organization == value]
    if not people:
        vendors = sorted({p.organization for p in project.people() if p.organization})
        raise SliceRuleError(
            _("vendor:{value}: nobody is from {value!r} (organizations: {vendors})").format(
                value=value, vendors=", ".join(vendors) or "none"
            )
        )
    return _people_images(project, people)


def _guideline_images(project: Project, value: str, images: dict) -> set[int]:
    number = value.removeprefix("v")
    if not number.isdigit():
        raise SliceRuleError(
            _("guideline:{value}: give a version number (guideline:2)").format(value=value)
        )
    try:
        version = project.guideline_version(int(number))
    except LabelerError as exc:
        raise SliceRuleError(_("guideline:{value}: {exc}").format(value=value, exc=exc)) from exc
    return project.image_ids_labeled(guideline_version_ids=[version.id])


def _disagreement_images(project: Project, value: str, images: dict) -> set[int]:
    from labeler.core.disagreements import disagreements_all_pairs

    if value not in DISAGREEMENT_TYPES:
        raise SliceRuleError(
            _("disagreement:{value}: use one of {DISAGREEMENT_TYPES}").format(
                value=value, DISAGREEMENT_TYPES=", ".join(DISAGREEMENT_TYPES)
            )
        )
    return {d.image_id for d in disagreements_all_pairs(project) if d.type.value == value}


def _error_images(kind: str) -> Callable[[Project, str, dict], set[int]]:
    reasons = FN_REASONS if kind == "fn" else FP_REASONS

    def match(project: Project, value: str, images: dict) -> set[int]:
        from labeler.core.diagnosis import diagnose
        from labeler.core.run_lookup import resolve_model_run

        run, *rest = value.split(":")
        wanted_reason = next((r for r in rest if r in reasons), None)
        wanted_class = next((r for r in rest if r not in reasons), None)
        if len(rest) > 2 or (wanted_class and project.class_by_name(wanted_class) is None):
            raise SliceRuleError(
                _(
                    "{kind}:{value}: use {kind}:RUN, {kind}:RUN:CLASS, {kind}:RUN:REASON or "
                    "{kind}:RUN:CLASS:REASON (reasons: {reasons})"
                ).format(kind=kind, value=value, reasons=", ".join(reasons))
            )
        result = diagnose(project, resolve_model_run(project, run))
        confusion = result.confusion
        items = confusion.false_negatives if kind == "fn" else confusion.false_positives
        return {
            i.image_id
            for i in items
            if (wanted_reason is None or i.reason == wanted_reason)
            and (wanted_class is None or i.class_name == wanted_class)
        }

    return match


def _curation_images(project: Project, value: str, images: dict) -> set[int]:
    from labeler.core.curation import curate_project

    if value not in CURATION_FLAGS:
        raise SliceRuleError(
            _("curation:{value}: use one of {CURATION_FLAGS}").format(
                value=value, CURATION_FLAGS=", ".join(CURATION_FLAGS)
            )
        )
    report = curate_project(project)
    if value in QUALITY_FLAGS:
        return {i.image_id for i in report.quality.issues if i.check == value}
    if value in DUPLICATE_FLAGS:
        kind = value.removesuffix("_duplicate")
        return {i for c in report.duplicates.clusters if c.kind == kind for i in c.image_ids}
    return {i.image_id for i in report.label_errors.issues if i.kind == value}


def _suggest_images(project: Project, value: str, images: dict) -> set[int]:
    from labeler.core.curation.suggest import suggest_images

    if not value.isdigit() or int(value) < 1:
        raise SliceRuleError(
            _("suggest:{value}: give how many images (suggest:50)").format(value=value)
        )
    return {s.image_id for s in suggest_images(project, int(value))}


def _name_images(project: Project, value: str, images: dict) -> set[int]:
    return {i for i, r in images.items() if fnmatch.fnmatch(PurePosixPath(r.path).name, value)}


def _path_images(project: Project, value: str, images: dict) -> set[int]:
    return {i for i, r in images.items() if fnmatch.fnmatch(r.path, value)}


def _id_images(project: Project, value: str, images: dict) -> set[int]:
    return parse_ids(value) & set(images)


_MATCHERS: dict[str, Callable[[Project, str, dict], set[int]]] = {
    "class": _class_images,
    "tag": _tag_images,
    "status": _status_images,
    "person": _person_images,
    "vendor": _vendor_images,
    "guideline": _guideline_images,
    "disagreement": _disagreement_images,
    "fn": _error_images("fn"),
    "fp": _error_images("fp"),
    "curation": _curation_images,
    "suggest": _suggest_images,
    "name": _name_images,
    "path": _path_images,
    "ids": _id_images,
}


# Saving, looking at, re-evaluating


def save_slice(
    project: Project,
    name: str,
    rule: dict[str, Any],
    note: str = "",
    created_by: int | None = None,
) -> SavedSlice:
    """Evaluate ``rule`` now and save the matching images as the slice ``name``."""
    return project.save_slice(name, rule, evaluate_rule(project, rule), note, created_by)


def save_image_slice(
    project: Project,
    name: str,
    image_ids: Iterable[int],
    note: str = "",
    created_by: int | None = None,
) -> SavedSlice:
    """Save a hand-picked list of images (unknown ids are refused) as the slice ``name``."""
    ids = sorted(set(int(i) for i in image_ids))
    unknown = sorted(set(ids) - set(project.image_ids()))
    if unknown:
        listed = ", ".join(map(str, unknown[:10])) + (" ..." if len(unknown) > 10 else "")
        raise UnknownEntityError(
            _("no image with id {listed} in {project.path}").format(listed=listed, project=project)
        )
    return project.save_slice(name, rule_for_images(ids), ids, note, created_by)


def slice_image_ids(project: Project, name: str) -> list[int]:
    """The frozen image ids of the slice ``name`` (what every ``--slice NAME`` uses)."""
    return project.slice_image_ids(project.slice_named(name).id)


def diff_slice(project: Project, name: str) -> SliceDiff:
    """The slice's frozen images against its rule evaluated now (nothing is changed)."""
    saved = project.slice_named(name)
    return SliceDiff(saved, project.slice_image_ids(saved.id), evaluate_rule(project, saved.rule))


def refresh_slice(project: Project, name: str) -> SliceDiff:
    """Re-evaluate the slice's rule and freeze the new list; returns what changed."""
    diff = diff_slice(project, name)
    project.refreeze_slice(diff.slice.id, diff.now)
    return diff


def slice_changes(project: Project, name: str) -> SliceChanges:
    """What happened on the slice's images since its latest work was sent (else since saved)."""
    saved = project.slice_named(name)
    work = project.slice_work(saved.id)
    if work:
        since, what = work[-1].sent_at, f"sent to {work[-1].target} ({work[-1].kind})"
    else:
        since, what = saved.created_at, "saved"
    return SliceChanges(saved, since, what, project.slice_activity(saved.id, since))


# Sending to work


def send_to_people(
    project: Project,
    name: str,
    people: list[str],
    note: str,
    *,
    overlap: int = 1,
    blind: bool = False,
    hide_prelabels: bool = False,
    sent_by: int | None = None,
) -> tuple[SliceWork, int]:
    """Assign the slice's images to in-house people in one step; returns the work and count."""
    saved = project.slice_named(name)
    ids = project.slice_image_ids(saved.id)
    if not ids:
        raise LabelerError(
            _("slice {saved.name!r} holds no images: nothing to send").format(saved=saved)
        )
    person_ids = []
    for person_name in people:
        person = project.person_by_name(person_name)
        if person is None:
            raise UnknownEntityError(
                _("no person named {person_name!r}").format(person_name=person_name)
            )
        person_ids.append(person.id)
    with project.transaction():
        made = project.assign_images(
            ids, person_ids, AssignmentTask.ANNOTATE, overlap=overlap, blind=blind,
            hide_prelabels=hide_prelabels, batch=f"slice {saved.name}: {note}".strip(": "),
        )  # fmt: skip
        work = project.record_slice_work(
            saved.id, "assignments", ", ".join(people), note, len(ids), sent_by
        )
    return work, len(made)


def send_to_vendor(
    project: Project,
    name: str,
    vendor: str,
    package: Path,
    note: str,
    *,
    blind: bool = False,
    with_prelabels: bool = False,
    assign: list[str] | None = None,
    overlap: int = 1,
    sent_by: int | None = None,
) -> tuple[SliceWork, Any]:
    """Write a vendor package of the slice's images (assigning them first if asked)."""
    from labeler.core.packages import export_package

    saved = project.slice_named(name)
    ids = project.slice_image_ids(saved.id)
    if not ids:
        raise LabelerError(
            _("slice {saved.name!r} holds no images: nothing to send").format(saved=saved)
        )
    if Path(package).exists():
        raise LabelerError(
            _("{package}: a file already exists there; choose another name").format(package=package)
        )
    if assign:
        people = []
        for person_name in assign:
            person = project.person_by_name(person_name)
            if person is None:
                raise UnknownEntityError(
                    _("no person named {person_name!r}").format(person_name=person_name)
                )
            if person.organization != vendor:
                raise LabelerError(
                    _("{person_name} is not from {vendor!r}").format(
                        person_name=person_name, vendor=vendor
                    )
                )
            people.append(person.id)
        project.assign_images(
            ids, people, overlap=overlap, blind=blind, hide_prelabels=not with_prelabels,
            batch=Path(package).name,
        )  # fmt: skip
    summary = export_package(
        project, package, vendor, project.images_by_ids(ids), blind=blind,
        with_prelabels=with_prelabels,
    )  # fmt: skip
    work = project.record_slice_work(
        saved.id, "package", f"{vendor} ({Path(package).name})", note, len(ids), sent_by
    )
    return work, summary
