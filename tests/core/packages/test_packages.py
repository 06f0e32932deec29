"""Vendor work packages: export, work offline in a second copy, import; refusals are harmless."""

from __future__ import annotations

import json
import sqlite3
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from labeler.core.domain import AssignmentTask
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.packages import (
    PackageError,
    PackageLimits,
    export_package,
    import_package,
    open_package,
    save_package,
    select_images,
    work_folder,
)
from labeler.core.store import Project
from labeler.data import demo_guideline
from tests.core.conftest import write_image

ROOT = Path(__file__).resolve().parents[3]
V1 = demo_guideline(1)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A project with in-house and two vendors' people, work, a guideline and assignments."""
    path = tmp_path / "main" / "shop.labeler"
    path.parent.mkdir()
    for i in range(4):
        write_image(path.parent / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [path.parent / "images"])
        quinn = project.add_person("Quinn", "qa_lead")
        ana = project.add_person("Ana")
        vik = project.add_person("Vik", organization="Vendor A")
        bea = project.add_person("Bea", organization="Vendor B")
        project.publish_guideline(V1, "first", quinn.id)
        image = project.images()[0]
        project.add_annotation(image.id, 1, Box(1, 1, 30, 30), ana.id)
        project.add_annotation(image.id, 2, Box(2, 2, 40, 30), vik.id)
        project.add_annotation(image.id, 1, Box(3, 3, 50, 30), bea.id)
        example_image = project.images()[3]
        project.add_edge_case_example(
            example_image.id, "edge", quinn.id, shapes=[], class_name="crack"
        )
        project.publish_draft("with an example", author_id=quinn.id)
        project.assign_images([i.id for i in project.images()[:3]], [vik.id], blind=True)
    return path


def export(
    source: Path,
    name: str = "va.lbpkg",
    vendor: str = "Vendor A",
    query: str = "ids:1-3",
    for_review: bool | None = None,
) -> Path:
    with Project.open(source) as project:
        summary = export_package(
            project,
            source.parent.parent / name,
            vendor,
            select_images(project, query),
            blind=True,
            for_review=for_review,
        )
    return summary.path


def vendor_work(package: Path) -> None:
    """The vendor, in a second copy of the app: acknowledge, label, review, finish."""
    with Project.open(open_package(package)) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.acknowledge(vik.id)
        image = inner.images()[1]
        first = inner.add_annotation(image.id, 2, Box(10, 10, 50, 50), vik.id)
        lead = inner.add_person("Vera", "reviewer", "Vendor A")
        inner.acknowledge(lead.id)
        inner.review_annotation(
            first.id,
            lead.id,
            "fix",
            reason="tighter",
            section="2.1",
            fix_geometry=Box(12, 12, 48, 48),
        )
        for assignment in inner.assignments_for(vik.id):
            inner.complete_assignment(assignment.id)
    save_package(package)


def frozen_bytes(path: Path) -> bytes:
    """The project file's bytes with nothing left in its write-ahead log."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def test_package_holds_only_what_the_vendor_may_see(source: Path) -> None:
    package = export(source)
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "project.labeler"} <= set(names)
    assert len([n for n in names if n.startswith("images/")]) == 4  # 3 + the example image
    assert manifest["vendor"] == "Vendor A" and manifest["blind"] is True
    with Project.open(source) as project:
        assert manifest["project_id"] == project.project_id()
        current = project.current_guideline()
        assert current is not None and manifest["guideline"] == [2, current.content_hash]
    with Project.open(open_package(package)) as inner:
        assert [(p.name, p.organization) for p in inner.people()] == [("Vik", "Vendor A")]
        assert [inner.person(a.annotator_id).name for a in inner.annotations()] == ["Vik"]
        # The version in force, and v1 because Vik's earlier label was made under it.
        assert [v.number for v in inner.guideline_versions()] == [1, 2]
        assert inner.annotations()[0].guideline_version_id == inner.guideline_version(1).id
        version = inner.current_guideline()
        assert version is not None and version.content_hash == current.content_hash
        assert inner.guideline_content_hash(version.id) == current.content_hash
        assert len(inner.guideline_examples(version.id)) == 1
        assignments = inner.assignments()
        assert len(assignments) == 3 and all(a.blind and a.hide_prelabels for a in assignments)
        assert all(inner.image_path(i).is_file() for i in inner.images())
        assert inner.needs_acknowledgement(inner.people()[0].id) == version


def test_round_trip_import_with_provenance_and_idempotence(source: Path) -> None:
    package = export(source, for_review=True)
    vendor_work(package)
    before = frozen_bytes(source)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert summary.changed and summary.vendor == "Vendor A"
        assert summary.added["annotations"] == 2 and summary.added["reviews"] == 1
        assert summary.added["people"] == 1 and summary.added["acknowledgements"] == 2
        vera = project.person_by_name("Vera")
        assert vera is not None and vera.organization == "Vendor A"
        v2 = project.current_guideline()
        mine = [
            a
            for a in project.annotations()
            if project.person(a.annotator_id).name in ("Vik", "Vera")
        ]
        assert all(a.guideline_version_id == v2.id for a in mine[1:])
        fix = next(a for a in mine if a.annotator_id == vera.id)
        assert fix.replaces_id is not None
        [review] = [r for r in project.review_log() if r["reviewer"] == "Vera"]
        assert (review["decision"], review["section"], review["guideline"]) == ("fix", "2.1", 2)
        assert project.needs_acknowledgement(vera.id) is None
        vik = project.person_by_name("Vik")
        assert project.assignments_for(vik.id, AssignmentTask.ANNOTATE) == []
        assert [e.after["vendor"] for e in project.events("package")] == ["Vendor A"]
        # Nobody else's work changed.
        assert len(project.annotations()) == 3 + 1  # 3 before, the fix replaced the new one
    assert before != frozen_bytes(source)
    after_first = frozen_bytes(source)
    with Project.open(source) as project:
        again = import_package(project, package)
    assert not again.changed and again.added["already_present"] == 4  # 3 annotations, 1 review
    assert frozen_bytes(source) == after_first


def vendor_edits_own_label(package: Path) -> None:
    time.sleep(0.002)
    with Project.open(open_package(package)) as inner:
        [own] = inner.annotations()
        inner.update_annotation(own.id, geometry=Box(2, 2, 20, 20))
    save_package(package)


def test_vendor_edit_of_its_own_label_comes_back_unless_changed_here(source: Path) -> None:
    package = export(source)
    vendor_edits_own_label(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert (summary.added["updated"], summary.added["conflicts"]) == (1, 0)
        vik = project.person_by_name("Vik")
        [own] = project.annotations(annotator_id=vik.id)
        assert own.geometry == Box(2, 2, 20, 20)
        assert not import_package(project, package).changed
    other = export(source, "again.lbpkg")
    vendor_edits_own_label(other)
    with Project.open(source) as project:
        vik = project.person_by_name("Vik")
        [own] = project.annotations(annotator_id=vik.id)
        time.sleep(0.002)
        project.update_annotation(own.id, geometry=Box(5, 5, 25, 25))  # changed here too
        before = frozen_bytes(source)
        summary = import_package(project, other)
        assert (summary.added["updated"], summary.added["conflicts"]) == (0, 1)
        assert not summary.changed
        assert project.annotation(own.id).geometry == Box(5, 5, 25, 25)
    assert frozen_bytes(source) == before


def rewrite(
    package: Path,
    target: Path,
    change: Callable[[str, bytes], bytes | None],
    extra: list[tuple[str, bytes]] = (),
    compression: int = zipfile.ZIP_STORED,
) -> Path:
    """Copy a package member by member; ``change`` may alter or (None) drop each one."""
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(target, "w", compression) as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in extra:
            out.writestr(name, data)
    return target


def assert_refused(source: Path, package: Path, match: str, **limits: int) -> None:
    before = frozen_bytes(source)
    with Project.open(source) as project, pytest.raises(PackageError, match=match) as refused:
        import_package(project, package, PackageLimits(**limits))
    assert "\n" not in str(refused.value)  # one line for the CLI
    assert frozen_bytes(source) == before


def keep(_name: str, data: bytes) -> bytes:
    return data


@pytest.mark.parametrize(
    ("member", "match"),
    [
        ("../evil.png", "traversal"),
        ("images/../../evil.png", "traversal"),
        ("/etc/evil.png", "absolute"),
        ("C:/evil.png", "absolute"),
        ("images\\evil.png", "backslash"),
        ("notes.txt", "unexpected member"),
    ],
)
def test_malicious_member_names_are_refused(source: Path, member: str, match: str) -> None:
    package = export(source)
    bad = rewrite(package, package.with_name("bad.lbpkg"), keep, [(member, b"x")])
    assert_refused(source, bad, match)
    assert not (source.parent.parent / "evil.png").exists()
    with pytest.raises(PackageError, match=match):
        open_package(bad)
    assert not work_folder(bad).exists()


def test_links_and_duplicate_members_are_refused(source: Path) -> None:
    package = export(source)
    link = zipfile.ZipInfo(f"images/{'1' * 64}.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    linked = package.with_name("link.lbpkg")
    rewrite(package, linked, keep)
    with zipfile.ZipFile(linked, "a") as archive:
        archive.writestr(link, "/etc/passwd")
    assert_refused(source, linked, "link or special file")
    twice = package.with_name("twice.lbpkg")
    rewrite(package, twice, keep)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(twice, "a") as archive:
        archive.writestr("manifest.json", b"{}")
    assert_refused(source, twice, "appears twice")


def test_member_count_and_size_caps(source: Path) -> None:
    package = export(source)
    many = [(f"images/{i:064x}.png", b"") for i in range(60)]
    flood = rewrite(package, package.with_name("flood.lbpkg"), keep, many)
    assert_refused(source, flood, "too many members", max_members=50)
    assert_refused(source, package, "too large", max_image_bytes=100)
    assert_refused(source, package, "uncompressed", max_total_bytes=1000)
    zeros = b"\0" * (3 << 20)
    bomb = rewrite(
        package,
        package.with_name("bomb.lbpkg"),
        keep,
        [(f"images/{'0' * 64}.png", zeros)],
        zipfile.ZIP_DEFLATED,
    )
    assert bomb.stat().st_size < 1 << 20  # 3 MiB of zeros in a few KiB
    assert_refused(source, bomb, "compressed suspiciously well")


def test_wrong_project_schema_truncated_and_corrupt_packages(source: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.labeler"
    with Project.create(other, ["scratch", "crack", "dent"]) as project:
        write_image(tmp_path / "o.png")
        import_images(project, [tmp_path / "o.png"])
        project.add_person("Vik", organization="Vendor A")
        foreign = export_package(
            project, tmp_path / "foreign.lbpkg", "Vendor A", project.images()
        ).path
    assert_refused(source, foreign, "belongs to project 'other'")
    package = export(source)

    def schema(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_version"] = 99
        return json.dumps(manifest).encode()

    assert_refused(source, rewrite(package, tmp_path / "s.lbpkg", schema), "schema 99")
    truncated = tmp_path / "t.lbpkg"
    truncated.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    assert_refused(source, truncated, "damaged|not a labeler package")
    garbage = rewrite(
        package,
        tmp_path / "g.lbpkg",
        lambda n, d: b"SQLite format 3\0" + b"\x13" * 4096 if n == "project.labeler" else d,
    )
    assert_refused(source, garbage, "project")
    no_project = rewrite(
        package, tmp_path / "n.lbpkg", lambda n, d: None if n == "project.labeler" else d
    )
    assert_refused(source, no_project, "project.labeler is missing")
    swapped = rewrite(
        package, tmp_path / "h.lbpkg", lambda n, d: d + b"x" if n.startswith("images/") else d
    )
    assert_refused(source, swapped, "content hash")
    bad_json = rewrite(
        package, tmp_path / "j.lbpkg", lambda n, d: b"{" if n == "manifest.json" else d
    )
    assert_refused(source, bad_json, "not valid JSON")
    (tmp_path / "plain.lbpkg").write_text("hello")
    assert_refused(source, tmp_path / "plain.lbpkg", "not a labeler package")


def tampered(package: Path, edit: Callable[[Project], None]) -> Path:
    with Project.open(open_package(package)) as inner:
        edit(inner)
    return save_package(package)


def test_invalid_rows_are_refused(source: Path) -> None:
    def outsider(inner: Project) -> None:
        ana = inner.add_person("Ana")  # in-house in the project: not the vendor's
        inner.add_annotation(1, 1, Box(1, 1, 9, 9), ana.id)

    assert_refused(source, tampered(export(source, "a.lbpkg"), outsider), "not from 'Vendor A'")

    def impostor(inner: Project) -> None:
        inner.add_person("Bea", organization="Vendor A")  # Bea is Vendor B's

    assert_refused(source, tampered(export(source, "b.lbpkg"), impostor), "someone else")

    def new_class(inner: Project) -> None:
        chip = inner.add_class("chip")
        inner.add_annotation(1, chip.id, Box(1, 1, 9, 9), inner.people()[0].id)

    assert_refused(source, tampered(export(source, "c.lbpkg"), new_class), "chip")

    def own_guideline(inner: Project) -> None:
        inner.publish_guideline("# My own rules", "vendor edit")
        inner.add_annotation(1, 1, Box(1, 1, 9, 9), inner.people()[0].id)

    assert_refused(
        source,
        tampered(export(source, "d.lbpkg"), own_guideline),
        "guideline version this project does not have",
    )

    def bad_shape(inner: Project) -> None:
        made = inner.add_annotation(1, 1, Box(1, 1, 9, 9), inner.people()[0].id)
        conn = sqlite3.connect(inner.path)
        conn.execute("UPDATE annotations SET x1 = 5000, x2 = 6000 WHERE id = ?", (made.id,))
        conn.commit()
        conn.close()

    assert_refused(source, tampered(export(source, "e.lbpkg"), bad_shape), "outside")


def test_open_package_reuses_its_working_folder(source: Path) -> None:
    package = export(source)
    path = open_package(package)
    with Project.open(path) as inner:
        inner.add_person("Vera", "annotator", "Vendor A")
    assert open_package(package) == path
    with Project.open(path) as inner:
        assert inner.person_by_name("Vera") is not None
    other = export(source, "other.lbpkg")
    work_folder(other).mkdir()
    with pytest.raises(PackageError, match="not a package's working folder"):
        open_package(other)


@pytest.mark.parametrize(
    "query",
    ["all", "limit:3", "ids:2-9 limit:4", "status:new", "name:img1*", "path:*img[02]*",
     "unassigned", "assigned:Vik limit:2", "unassigned limit:1", "limit:0"],
)
def test_image_query_in_small_pages_matches_a_filter_of_every_image(
    tmp_path: Path, monkeypatch, query: str
) -> None:
    from labeler.core.packages import export as package_export

    path = tmp_path / "many.labeler"
    for i in range(11):
        write_image(tmp_path / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["dent"]) as project:
        import_images(project, [tmp_path / "images"])
        vik = project.add_person("Vik", organization="Vendor A")
        ids = [i.id for i in project.images()]
        project.assign_images(ids[1:7:2], [vik.id])
        project.set_image_status(ids[4], "done")
        expected = _every_image_filtered(project, query)
        monkeypatch.setattr(package_export, "QUERY_PAGE", 2)
        assert [i.id for i in select_images(project, query)] == [i.id for i in expected]
        assert project.images_after(ids[8], 5) == project.images()[9:]
        assert project.images_after(ids[-1], 5) == []


def _every_image_filtered(project: Project, query: str) -> list:
    """What the query means, read the plain way: every record, each term in turn."""
    import fnmatch
    from pathlib import PurePosixPath

    images = project.images()
    limit = None
    for term in query.split():
        key, _sep, value = term.partition(":")
        if term == "unassigned":
            taken = {a.image_id for a in project.assignments(task="annotate")}
            images = [i for i in images if i.id not in taken]
        elif key == "status":
            images = [i for i in images if i.status.value == value]
        elif key == "name":
            images = [i for i in images if fnmatch.fnmatch(PurePosixPath(i.path).name, value)]
        elif key == "path":
            images = [i for i in images if fnmatch.fnmatch(i.path, value)]
        elif key == "ids":
            low, high = value.split("-")
            images = [i for i in images if int(low) <= i.id <= int(high)]
        elif key == "assigned":
            person = project.person_by_name(value)
            assert person is not None
            mine = {a.image_id for a in project.assignments_for(person.id, "annotate")}
            images = [i for i in images if i.id in mine]
        elif key == "limit":
            limit = int(value)
    return images[:limit] if limit is not None else images
