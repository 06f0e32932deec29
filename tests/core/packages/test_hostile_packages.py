"""A vendor may only add the vendor's own work: hostile packages are refused, honest ones import."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from labeler.core.geometry import Box
from labeler.core.packages import PackageError, import_package, open_package, save_package
from labeler.core.store import Project
from labeler.core.store.exchange_grant import CLOCK_SKEW
from tests.core.packages.hostile_packages import (
    HOSTILE_CASES,
    IN_HOUSE,
    RHEA,
    VENDOR,
    VENDOR_A,
    VENDOR_B,
    VIK,
    HostileCase,
    VendorCopy,
    build_project,
    export_for_vendor,
    make_package,
)
from tests.core.packages.test_packages import frozen_bytes


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return build_project(tmp_path)


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=[c.name for c in HOSTILE_CASES])
def test_hostile_package_is_refused_and_changes_nothing(source: Path, case: HostileCase) -> None:
    package = make_package(source, case)
    before = frozen_bytes(source)
    with Project.open(source) as project, pytest.raises(PackageError) as refused:
        import_package(project, package)
    message = str(refused.value)
    assert message.startswith(f"{package.name}: refused, "), message
    assert "\n" not in message and "Traceback" not in message
    assert re.search(case.field, message), message
    assert frozen_bytes(source) == before


def test_every_case_is_distinct_and_documented() -> None:
    names = [c.name for c in HOSTILE_CASES]
    assert len(names) == len(set(names)) >= 25
    table = (Path(__file__).resolve().parents[3] / "docs" / "reliability.md").read_text()
    missing = [c.name for c in HOSTILE_CASES if f"`{c.name}`" not in table]
    assert not missing, f"docs/reliability.md lacks {missing}"


def _accept_prelabel(copy: VendorCopy) -> int:
    vik = copy.person(VIK)
    [prediction] = copy.project.predictions(2)
    return copy.project.add_annotation(
        2,
        prediction.class_id,
        prediction.geometry,
        vik,
        source="prelabel_accepted",
        seconds_spent=0.4,
        prediction_id=prediction.id,
    ).id


def test_honest_annotation_package_imports_with_its_prelabels(source: Path) -> None:
    package = export_for_vendor(source, "honest.lbpkg", with_prelabels=True)
    with Project.open(open_package(package)) as inner:
        copy = VendorCopy(inner)
        copy.label(image=1)
        _accept_prelabel(copy)
        val = inner.add_person("Val Novak", "annotator", VENDOR)  # an annotator may be added
        copy.label("Val Novak", image=3, box=Box(20, 20, 60, 60))
        inner.update_annotation(copy.carried(), geometry=Box(2, 2, 22, 22))
        for assignment in inner.assignments_for(copy.person(VIK)):
            inner.complete_assignment(assignment.id)
        assert val.role == "annotator"
    save_package(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        added = summary.added
        assert (added["annotations"], added["people"], added["updated"]) == (3, 1, 1)
        assert (added["assignments"], added["reviews"]) == (3, 0)
        [accepted] = [a for a in project.annotations() if a.source == "prelabel_accepted"]
        image = project.image(accepted.image_id)
        [prediction] = project.predictions(image.id)
        assert accepted.prediction_id == prediction.id  # linked to the live pre-label
        again = frozen_bytes(source)
    with Project.open(source) as project:
        assert not import_package(project, package).changed
    assert frozen_bytes(source) == again


def test_honest_review_package_imports(source: Path) -> None:
    package = export_for_vendor(source, "review.lbpkg", for_review=True)
    with Project.open(open_package(package)) as inner:
        copy = VendorCopy(inner)
        new = copy.label(image=2)
        copy.review(RHEA, copy.carried())
        inner.add_person("Rita Ng", "reviewer", VENDOR)
        copy.review("Rita Ng", new, "fix", fix=Box(11, 11, 49, 49))
        inner.add_review("image", 3, copy.person(RHEA), "accept")
    save_package(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert (summary.added["reviews"], summary.added["people"]) == (3, 1)
        rita = project.person_by_name("Rita Ng")
        assert rita is not None and rita.role == "reviewer" and rita.organization == VENDOR
        [fix] = project.annotations(annotator_id=rita.id)
        assert fix.replaces_id is not None


def test_vendor_clock_a_little_ahead_is_tolerated(source: Path) -> None:
    package = export_for_vendor(source, "skew.lbpkg")
    ahead = (CLOCK_SKEW.total_seconds() - 60) / 60  # minutes, inside the tolerance
    with Project.open(open_package(package)) as inner:
        copy = VendorCopy(inner)
        made = copy.label()
        copy.sql(
            "UPDATE annotations SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?), "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE id = ?",
            (f"+{ahead} minutes", f"+{ahead} minutes", made),
        )
    save_package(package)
    with Project.open(source) as project:
        assert import_package(project, package).added["annotations"] == 1


def test_export_records_what_it_granted(source: Path) -> None:
    package = export_for_vendor(source, "grant.lbpkg", with_prelabels=True)
    with zipfile.ZipFile(package) as archive:
        package_id = json.loads(archive.read("manifest.json"))["package_id"]
    with Project.open(source) as project:
        grant = project.package_grant(package_id)
        assert grant is not None and grant.vendor == VENDOR and not grant.for_review
        assert grant.image_ids == {1, 2, 3} and grant.people == VENDOR_A
        first = project.images()[0].sha256
        carried = {
            a["uid"]
            for a in project.exchange_records()["annotations"]
            if a["annotator"] == VIK and a["image"] == first
        }
        assert grant.annotations == carried and len(carried) == 1
        assert set(grant.prelabel_runs) == {1, 2, 3}
        assert project.package_grant("0" * 32) is None


def _forbidden(source: Path) -> dict[str, str]:
    """Every string of someone outside Vendor A: names and annotation/review uids."""
    outsiders = {**IN_HOUSE, **VENDOR_B}
    forbidden = {name: f"name of {name}" for name in outsiders}
    with Project.open(source) as project:
        records = project.exchange_records()
    for annotation in records["annotations"]:
        if annotation["annotator"] not in VENDOR_A:
            forbidden[annotation["uid"]] = f"uid of {annotation['annotator']}'s annotation"
    for review in records["reviews"]:
        if review["reviewer"] not in VENDOR_A:
            forbidden[review["uid"]] = f"uid of {review['reviewer']}'s review"
    assert len(forbidden) == len(outsiders) + 4  # Ana's, Bea's labels; two in-house reviews
    return forbidden


def _vendor_uids(source: Path) -> list[str]:
    with Project.open(source) as project:
        first = project.images()[0].sha256
        records = project.exchange_records()
    return [
        a["uid"] for a in records["annotations"] if a["annotator"] == VIK and a["image"] == first
    ]


def _package_texts(package: Path, folder: Path) -> dict[str, bytes]:
    """Every member's bytes, and every value of the inner project read back as text."""
    texts: dict[str, bytes] = {}
    with zipfile.ZipFile(package) as archive:
        for name in archive.namelist():
            texts[name] = archive.read(name)
        inner = folder / "inner.labeler"
        inner.write_bytes(texts["project.labeler"])  # a copy of the package, not a live project
    conn = sqlite3.connect(f"{inner.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            texts[f"project.labeler:{table}"] = repr(rows).encode("utf-8")
            texts[f"project.labeler:{table}:raw"] = "\n".join(
                str(v) for row in rows for v in row
            ).encode("utf-8")
    finally:
        conn.close()
    return texts


@pytest.mark.parametrize("blind", [True, False], ids=["blind", "open"])
def test_package_names_nobody_outside_the_vendor(source: Path, tmp_path: Path, blind: bool) -> None:
    package = export_for_vendor(source, "look.lbpkg", blind=blind, with_prelabels=True)
    texts = _package_texts(package, tmp_path)
    leaks = [
        f"{what} in {member}"
        for needle, what in _forbidden(source).items()
        for member, data in texts.items()
        if needle.encode("utf-8") in data
    ]
    assert not leaks, leaks
    # The search can find things: the vendor's own name and label are there.
    assert VIK.encode() in texts["project.labeler"]
    assert any(uid.encode() in texts["project.labeler"] for uid in _vendor_uids(source))
    with Project.open(open_package(package)) as inner:
        version = inner.current_guideline()
        [example] = inner.guideline_examples(version.id)
        assert len(example.shapes) == 3  # Ana's, Bea's and Vik's shapes, as the guideline's own
        assert all(shape.annotator is None for shape in example.shapes)
