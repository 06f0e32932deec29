"""Hostile vendor packages, made at test time: a vendor who wants to look better.

:func:`build_project` makes a project with in-house people (one with a Korean name),
two vendors (an annotator and a reviewer each), a model run, a guideline whose
edge-case example holds everyone's shapes, in-house reviews of vendor work and work
outside any package. Each :class:`HostileCase` exports a package of three images for
Vendor A, then edits the vendor's working copy as a cheating vendor could (through
the app's own API, or straight into the SQLite file when the app would not let
them), and saves it. ``HOSTILE_CASES`` is the corpus; docs/reliability.md lists it
with the outcome.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from labeler.core.geometry import Box, Polygon
from labeler.core.importing import import_images
from labeler.core.packages import export_package, open_package, save_package, select_images
from labeler.core.store import Project
from labeler.data import demo_guideline
from tests.core.conftest import write_image

ROOT = Path(__file__).resolve().parents[3]
GUIDE = demo_guideline(1)
VENDOR = "Vendor A"
PACKAGE_IMAGES = "ids:1-3"
# Distinctive names, so a search of the package's bytes cannot match by chance.
IN_HOUSE = {"Quinn Halvorsen": "qa_lead", "Ana Oyelaran": "annotator", "김하늘": "reviewer"}
VENDOR_A = {"Vik Moreau": "annotator", "Rhea Sato": "reviewer"}
VENDOR_B = {"Bea Fontaine": "annotator", "Bruno Keller": "reviewer"}
VIK, RHEA = "Vik Moreau", "Rhea Sato"
FUTURE = "2099-01-01T00:00:00.000+00:00"
PAST = "2020-01-01T00:00:00.000+00:00"


def build_project(folder: Path) -> Path:
    """The project every case starts from (five images; the package carries 1-3)."""
    path = folder / "shop.labeler"
    for i in range(5):
        write_image(folder / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [folder / "images"])
        people = {}
        for organization, group in ((None, IN_HOUSE), (VENDOR, VENDOR_A), ("Vendor B", VENDOR_B)):
            for name, role in group.items():
                people[name] = project.add_person(name, role, organization).id
        quinn = people["Quinn Halvorsen"]
        project.publish_guideline(GUIDE, "first", quinn)
        first, _, _, _, outside = project.images()
        ana = project.add_annotation(first.id, 1, Box(1, 1, 30, 30), people["Ana Oyelaran"])
        project.add_annotation(
            first.id, 2, Polygon(((5, 5), (60, 8), (40, 50))), people["Bea Fontaine"]
        )
        vik = project.add_annotation(first.id, 2, Box(2, 2, 40, 30), people[VIK])
        project.add_annotation(outside.id, 3, Box(4, 4, 44, 34), people[VIK])  # not carried
        for reviewer in ("김하늘", "Quinn Halvorsen"):
            project.acknowledge(people[reviewer])
        project.review_annotation(vik.id, people["김하늘"], "accept")
        project.review_annotation(ana.id, people["Quinn Halvorsen"], "accept")
        project.add_edge_case_example(first.id, "who is right?", quinn, class_name="crack")
        project.publish_draft("with an edge case", author_id=quinn)
        run = project.start_model_run(  # an imported run's note holds a path, and a name
            "0" * 64, "demo", {}, "CPUExecutionProvider", "imported from /home/Ana Oyelaran/p.json"
        )
        for image in project.images()[:3]:
            project.add_predictions(run.id, image.id, [(1, Box(10, 10, 50, 50), 0.9)])
        project.finish_model_run(run.id)
        project.assign_images([i.id for i in project.images()[:3]], [people[VIK]], blind=True)
    return path


def export_for_vendor(
    source: Path,
    name: str,
    *,
    blind: bool = True,
    for_review: bool = False,
    with_prelabels: bool = False,
) -> Path:
    """Export the three-image package of Vendor A."""
    with Project.open(source) as project:
        return export_package(
            project,
            source.parent / name,
            VENDOR,
            select_images(project, PACKAGE_IMAGES),
            blind=blind,
            with_prelabels=with_prelabels,
            for_review=for_review,
        ).path


class VendorCopy:
    """The vendor's working copy of a package, as a cheating vendor may edit it."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def person(self, name: str) -> int:
        """The id of a person of the package."""
        person = self.project.person_by_name(name)
        assert person is not None, name
        return person.id

    def label(self, name: str = VIK, image: int = 1, box: Box | None = None) -> int:
        """A new manual annotation (after acknowledging the guideline); returns its id."""
        box = box or Box(10, 10, 50, 50)
        person = self.person(name)
        if self.project.needs_acknowledgement(person) is not None:
            self.project.acknowledge(person)
        return self.project.add_annotation(image, 1, box, person).id

    def review(self, name: str, annotation_id: int, decision: str = "accept", **fix: Box) -> int:
        """A review through the app's API; returns the review id."""
        person = self.person(name)
        if self.project.needs_acknowledgement(person) is not None:
            self.project.acknowledge(person)
        return self.project.review_annotation(
            annotation_id, person, decision, fix_geometry=fix.get("fix")
        ).id

    def carried(self) -> int:
        """The id of the annotation of Vik's that the package carried."""
        return self.project.annotations()[0].id

    def edit_manifest(self, **fields: str) -> None:
        """Change the manifest the package will be saved with (it is the vendor's file)."""
        path = self.project.path.parent / "manifest.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), **fields}))

    def sql(self, statement: str, params: tuple = ()) -> None:
        """Write straight into the working copy's SQLite file, past the app."""
        conn = sqlite3.connect(self.project.path)
        with conn:
            conn.execute(statement, params)
        conn.close()

    def forge_image(self, source: Path, index: int) -> int:
        """Add a row for a project image the package did not carry (its hash is known)."""
        with Project.open(source) as project:
            record = project.images()[index]
        self.sql(
            "INSERT INTO images(sha256, path, width, height, file_size, added_at) "
            "VALUES (?, 'images/x.png', ?, ?, 1, ?)",
            (record.sha256, record.width, record.height, PAST),
        )
        return int(self.project.image_by_sha256(record.sha256).id)  # type: ignore[union-attr]

    def uid_of(self, source: Path, annotator: str, image_index: int = 0) -> str:
        """The uid of someone's annotation in the project (as a cheat might learn it)."""
        with Project.open(source) as project:
            sha = project.images()[image_index].sha256
            records = project.exchange_records()
        [uid] = [
            a["uid"]
            for a in records["annotations"]
            if a["annotator"] == annotator and a["image"] == sha
        ]
        return str(uid)


Edit = Callable[[VendorCopy, Path], None]


@dataclass(frozen=True)
class HostileCase:
    """One cheat: what the vendor tries, the edit, and the field the refusal must name."""

    name: str
    attack: str
    field: str  # a regular expression the refusal's message must match
    edit: Edit
    for_review: bool = False
    with_prelabels: bool = False


def make_package(source: Path, case: HostileCase) -> Path:
    """Export a package for the case, apply the vendor's edit and save it."""
    package = export_for_vendor(
        source,
        f"{case.name}.lbpkg",
        for_review=case.for_review,
        with_prelabels=case.with_prelabels,
    )
    with Project.open(open_package(package)) as inner:
        case.edit(VendorCopy(inner), source)
    return save_package(package)


# The edits


def _self_promoted_qa_lead(copy: VendorCopy, _source: Path) -> None:
    lead = copy.project.add_person("Vera Lead", "qa_lead", VENDOR)
    copy.project.acknowledge(lead.id)
    copy.review("Vera Lead", copy.carried())


def _new_reviewer_in_annotation_package(copy: VendorCopy, _source: Path) -> None:
    copy.project.add_person("Vera Lead", "reviewer", VENDOR)
    copy.review("Vera Lead", copy.carried())


def _qa_lead_in_review_package(copy: VendorCopy, _source: Path) -> None:
    copy.project.add_person("Vera Lead", "qa_lead", VENDOR)


def _promoted_annotator(copy: VendorCopy, _source: Path) -> None:
    copy.sql("UPDATE people SET role = 'qa_lead' WHERE name = ?", (VIK,))
    copy.review(VIK, copy.carried())


def _annotator_reviews(copy: VendorCopy, _source: Path) -> None:
    copy.project.acknowledge(copy.person(VIK))
    mine = copy.label()
    copy.sql(
        "INSERT INTO reviews(target_kind, target_id, reviewer_id, decision, created_at) "
        "VALUES ('annotation', ?, ?, 'accept', strftime('%Y-%m-%dT%H:%M:%fZ'))",
        (mine, copy.person(VIK)),
    )


def _review_in_annotation_package(copy: VendorCopy, _source: Path) -> None:
    copy.review(RHEA, copy.carried())


def _review_of_in_house_work(copy: VendorCopy, source: Path) -> None:
    fake = copy.label(box=Box(1, 1, 30, 30))
    copy.sql(
        "UPDATE annotations SET uid = ? WHERE id = ?", (copy.uid_of(source, "Ana Oyelaran"), fake)
    )
    copy.review(RHEA, fake)


def _review_of_other_vendors_work(copy: VendorCopy, source: Path) -> None:
    fake = copy.label()
    copy.sql(
        "UPDATE annotations SET uid = ? WHERE id = ?", (copy.uid_of(source, "Bea Fontaine"), fake)
    )
    copy.review(RHEA, fake, "reject")


def _review_of_uncarried_image(copy: VendorCopy, source: Path) -> None:
    image = copy.forge_image(source, 4)
    rhea = copy.person(RHEA)
    copy.project.acknowledge(rhea)
    copy.project.add_review("image", image, rhea, "accept")


def _fix_attributed_to_annotator(copy: VendorCopy, _source: Path) -> None:
    copy.review(RHEA, copy.carried(), "fix", fix=Box(3, 3, 41, 31))
    copy.sql(
        "UPDATE annotations SET annotator_id = ? WHERE replaces_id IS NOT NULL",
        (copy.person(VIK),),
    )


def _replaces_without_review(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql("UPDATE annotations SET replaces_id = ? WHERE id = ?", (copy.carried(), mine))


def _inflated_seconds(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql("UPDATE annotations SET seconds_spent = 36000 WHERE id = ?", (mine,))


def _inflated_total_seconds(copy: VendorCopy, _source: Path) -> None:
    for i in range(120):  # each plausible alone (1 s), 120 s in all in a package out ~1 s
        copy.label(box=Box(1 + i, 1, 20 + i, 20))
    copy.sql("UPDATE annotations SET seconds_spent = 1.0 WHERE id > 1")


def _negative_seconds(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql("UPDATE annotations SET seconds_spent = -50 WHERE id = ?", (mine,))


def _future_annotation(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql(
        "UPDATE annotations SET created_at = ?, updated_at = ? WHERE id = ?", (FUTURE, FUTURE, mine)
    )


def _backdated_annotation(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql("UPDATE annotations SET created_at = ? WHERE id = ?", (PAST, mine))


def _edit_before_creation(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql(
        "UPDATE annotations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes') "
        "WHERE id = ?",
        (mine,),
    )


def _backdated_review(copy: VendorCopy, _source: Path) -> None:
    review = copy.review(RHEA, copy.carried())
    copy.sql("UPDATE reviews SET created_at = ? WHERE id = ?", (PAST, review))


def _backdated_acknowledgement(copy: VendorCopy, _source: Path) -> None:
    copy.project.acknowledge(copy.person(VIK))
    copy.sql("UPDATE acknowledgements SET at = ?", (PAST,))


def _future_done_assignment(copy: VendorCopy, _source: Path) -> None:
    copy.sql("UPDATE assignments SET done_at = ?", (FUTURE,))


def _backdated_done(copy: VendorCopy, _source: Path) -> None:
    vik = copy.person(VIK)
    copy.project.acknowledge(vik)
    copy.project.mark_answered(2, vik)
    copy.sql("UPDATE answers SET answered_at = ?", (PAST,))


def _future_edit_of_carried(copy: VendorCopy, _source: Path) -> None:
    copy.project.update_annotation(copy.carried(), geometry=Box(2, 2, 20, 20))
    copy.sql("UPDATE annotations SET updated_at = ? WHERE id = ?", (FUTURE, copy.carried()))


def _fake_prelabel_source(copy: VendorCopy, _source: Path) -> None:
    mine = copy.label()
    copy.sql("UPDATE annotations SET source = 'prelabel_accepted' WHERE id = ?", (mine,))


def _fake_prelabel_reference(copy: VendorCopy, _source: Path) -> None:
    vik = copy.person(VIK)
    copy.project.acknowledge(vik)
    [prediction] = copy.project.predictions(1)
    copy.sql("UPDATE predictions SET x2 = 70, score = 0.99 WHERE id = ?", (prediction.id,))
    copy.project.add_annotation(
        1, 1, Box(10, 10, 70, 50), vik, source="prelabel_accepted", prediction_id=prediction.id
    )


def _prelabel_without_prelabels(copy: VendorCopy, _source: Path) -> None:
    vik = copy.person(VIK)
    copy.project.acknowledge(vik)
    run = copy.project.start_model_run("1" * 64, "mine", {}, "CPUExecutionProvider")
    copy.project.add_predictions(run.id, 1, [(1, Box(10, 10, 50, 50), 0.9)])
    [prediction] = copy.project.predictions(1)
    copy.project.add_annotation(
        1, 1, Box(10, 10, 50, 50), vik, source="prelabel_edited", prediction_id=prediction.id
    )


def _person_of_other_vendor(copy: VendorCopy, _source: Path) -> None:
    bea = copy.project.add_person("Bea Fontaine", "annotator", "Vendor B")
    copy.project.acknowledge(bea.id)
    copy.project.add_annotation(1, 1, Box(1, 1, 9, 9), bea.id)


def _in_house_impostor(copy: VendorCopy, _source: Path) -> None:
    copy.project.add_person("Ana Oyelaran", "annotator", VENDOR)


def _work_on_uncarried_image(copy: VendorCopy, source: Path) -> None:
    image = copy.forge_image(source, 3)
    copy.label(image=image)


def _edit_of_uncarried_work(copy: VendorCopy, source: Path) -> None:
    image = copy.forge_image(source, 4)
    mine = copy.label(image=image, box=Box(5, 5, 45, 35))
    copy.sql(
        "UPDATE annotations SET uid = ?, class_id = 3 WHERE id = ?",
        (copy.uid_of(source, VIK, 4), mine),
    )


def _review_task_in_annotation_package(copy: VendorCopy, _source: Path) -> None:
    copy.project.assign_images([1, 2], [copy.person(RHEA)], "review")


def _manifest_claims_other_vendor(copy: VendorCopy, _source: Path) -> None:
    copy.sql("UPDATE meta SET value = 'Vendor B' WHERE key = 'package_vendor'")
    copy.sql("UPDATE people SET organization = 'Vendor B'")
    copy.edit_manifest(vendor="Vendor B")


def _unknown_package_id(copy: VendorCopy, _source: Path) -> None:
    forged = uuid.uuid4().hex
    copy.sql("UPDATE meta SET value = ? WHERE key = 'package_id'", (forged,))
    copy.edit_manifest(package_id=forged)


HOSTILE_CASES: list[HostileCase] = [
    HostileCase(
        "self-qa-lead",
        "adds a qa_lead of its own who accepts its work",
        r"people\[2\]\.role.*may only add annotators",
        _self_promoted_qa_lead,
    ),
    HostileCase(
        "new-reviewer",
        "adds a reviewer to a package exported for annotation",
        r"people\[2\]\.role.*'reviewer'",
        _new_reviewer_in_annotation_package,
    ),
    HostileCase(
        "qa-lead-review-package",
        "adds a qa_lead to a package exported for review",
        r"people\[2\]\.role.*annotators and reviewers",
        _qa_lead_in_review_package,
        for_review=True,
    ),
    HostileCase(
        "promoted-annotator",
        "raises its annotator to qa_lead, who then reviews",
        r"people\[0\]\.role.*cannot change anyone's role",
        _promoted_annotator,
        for_review=True,
    ),
    HostileCase(
        "annotator-reviews",
        "an annotator accepts its own new label",
        r"reviews\[0\]\.reviewer.*'annotator'",
        _annotator_reviews,
        for_review=True,
    ),
    HostileCase(
        "review-in-annotation-package",
        "its reviewer accepts its work in a package not exported for review",
        r"reviews\[0\]: the package was not exported for review",
        _review_in_annotation_package,
    ),
    HostileCase(
        "review-in-house-work",
        "reviews an in-house annotation (its uid forged in)",
        r"reviews\[0\]\.target: an annotation the package did not carry",
        _review_of_in_house_work,
        for_review=True,
    ),
    HostileCase(
        "review-other-vendor",
        "rejects Vendor B's annotation (its uid forged in)",
        r"reviews\[0\]\.target: an annotation the package did not carry",
        _review_of_other_vendors_work,
        for_review=True,
    ),
    HostileCase(
        "review-uncarried-image",
        "reviews an image the package did not carry",
        r"reviews\[0\]\.target: an image the package did not carry",
        _review_of_uncarried_image,
        for_review=True,
    ),
    HostileCase(
        "fix-as-annotator-work",
        "a reviewer's fix attributed to the annotator",
        r"reviews\[0\]\.fix.*attributed to 'Vik Moreau'",
        _fix_attributed_to_annotator,
        for_review=True,
    ),
    HostileCase(
        "replaces-without-review",
        "a new label replaces a carried one with no review",
        r"annotations\[1\]\.replaces",
        _replaces_without_review,
    ),
    HostileCase(
        "inflated-seconds",
        "claims 10 hours on one label",
        r"annotations\[1\]\.seconds_spent: 36000 s, but the package was out only",
        _inflated_seconds,
    ),
    HostileCase(
        "inflated-total",
        "claims 120 s over 120 labels in a package out about a second",
        r"annotations\.seconds_spent: 'Vik Moreau' claims \d+ s in all",
        _inflated_total_seconds,
    ),
    HostileCase(
        "negative-seconds",
        "claims negative time",
        r"annotations\[1\]\.seconds_spent: number out of range",
        _negative_seconds,
    ),
    HostileCase(
        "future-annotation",
        "a label dated 2099",
        r"annotations\[1\]\.created_at: 2099.* is in the future",
        _future_annotation,
    ),
    HostileCase(
        "backdated-annotation",
        "a label dated before the export",
        r"annotations\[1\]\.created_at: 2020.* before the package was exported",
        _backdated_annotation,
    ),
    HostileCase(
        "edit-before-creation",
        "a label edited a minute before it was made (inside the clock-skew tolerance)",
        r"annotations\[1\]\.updated_at: .* is before its created_at",
        _edit_before_creation,
    ),
    HostileCase(
        "backdated-review",
        "a review dated before the export",
        r"reviews\[0\]\.created_at: 2020.* before the package was exported",
        _backdated_review,
        for_review=True,
    ),
    HostileCase(
        "backdated-acknowledgement",
        "acknowledged the guideline before receiving it",
        r"acknowledgements\[0\]\.at: 2020",
        _backdated_acknowledgement,
    ),
    HostileCase(
        "future-done",
        "assignments finished in 2099",
        r"assignments\[0\]\.done_at: 2099.* in the future",
        _future_done_assignment,
    ),
    HostileCase(
        "backdated-done",
        "marks an image done before the package was exported",
        r"answers\[0\]\.answered_at: 2020.* before the package was exported",
        _backdated_done,
    ),
    HostileCase(
        "future-edit",
        "an edit of its carried label dated 2099",
        r"annotations\[0\]\.updated_at: 2099.* in the future",
        _future_edit_of_carried,
    ),
    HostileCase(
        "fake-prelabel-source",
        "a hand-drawn label claims to be an accepted pre-label",
        r"annotations\[1\]\.source: 'prelabel_accepted', but the package carried no pre-labels",
        _fake_prelabel_source,
    ),
    HostileCase(
        "fake-prelabel",
        "accepts a pre-label it altered first (geometry, score)",
        r"annotations\[1\]\.prediction: names a pre-label the package did not carry",
        _fake_prelabel_reference,
        with_prelabels=True,
    ),
    HostileCase(
        "own-model-prelabel",
        "runs its own model and claims its pre-labels",
        r"annotations\[1\]\.source: 'prelabel_edited', but the package carried no pre-labels",
        _prelabel_without_prelabels,
    ),
    HostileCase(
        "other-vendor-person",
        "brings a person of another vendor",
        r"people\[2\]: 'Bea Fontaine' is not from 'Vendor A'",
        _person_of_other_vendor,
    ),
    HostileCase(
        "in-house-impostor",
        "adds an in-house person's name as its own",
        r"people\[2\]: 'Ana Oyelaran' is someone else",
        _in_house_impostor,
    ),
    HostileCase(
        "uncarried-image-work",
        "labels an image the package did not carry",
        r"annotations\[1\]\.image: an image this package did not carry",
        _work_on_uncarried_image,
    ),
    HostileCase(
        "uncarried-edit",
        "edits its own label on an image outside the package",
        r"annotations\[1\]: edits an annotation the package did not carry",
        _edit_of_uncarried_work,
    ),
    HostileCase(
        "review-task",
        "gives its reviewer review tasks in a package for annotation",
        r"assignments\[\d\]\.task: a review task",
        _review_task_in_annotation_package,
    ),
    HostileCase(
        "other-vendor-manifest",
        "relabels the package as another vendor's",
        r"manifest vendor 'Vendor B' is not the vendor it was exported for",
        _manifest_claims_other_vendor,
    ),
    HostileCase(
        "unknown-package",
        "a package this project never exported",
        r"no record of exporting package",
        _unknown_package_id,
    ),
]
