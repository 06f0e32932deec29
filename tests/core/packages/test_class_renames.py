"""Class renames and merges travel with vendor packages (real package files, both ways)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from labeler.core.class_commands import MergeClasses, RenameClass
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.packages import (
    PackageError,
    export_package,
    import_package,
    open_package,
    save_package,
    select_images,
)
from labeler.core.store import Project
from tests.core.conftest import write_image

NEW_NAME = "찌그러짐 <b>[/]"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A project with a vendor whose crack label is already in it."""
    path = tmp_path / "main" / "shop.labeler"
    path.parent.mkdir()
    for i in range(3):
        write_image(path.parent / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [path.parent / "images"])
        project.add_person("Quinn", "qa_lead")
        vik = project.add_person("Vik", organization="Vendor A")
        crack = project.class_by_name("crack")
        assert crack is not None
        project.add_annotation(project.images()[0].id, crack.id, Box(1, 1, 30, 30), vik.id)
    return path


def export(source: Path, name: str) -> Path:
    with Project.open(source) as project:
        summary = export_package(
            project, source.parent.parent / name, "Vendor A", select_images(project, "all")
        )
    return summary.path


def vendor_labels_dent_and_edits_crack(package: Path) -> None:
    """The vendor, on the package's own (old) class names."""
    time.sleep(0.002)
    with Project.open(open_package(package)) as inner:
        vik = inner.person_by_name("Vik")
        dent = inner.class_by_name("dent")
        assert vik is not None and dent is not None
        inner.add_annotation(inner.images()[1].id, dent.id, Box(10, 10, 50, 50), vik.id)
        [own] = [a for a in inner.annotations() if a.image_id == inner.images()[0].id]
        inner.update_annotation(own.id, geometry=Box(2, 2, 20, 20))
    save_package(package)


def test_package_from_before_a_rename_and_merge_comes_back_onto_todays_classes(
    source: Path,
) -> None:
    package = export(source, "before.lbpkg")
    vendor_labels_dent_and_edits_crack(package)
    with Project.open(source) as project:
        quinn = project.person_by_name("Quinn")
        dent, crack, scratch = (project.class_by_name(n).id for n in ("dent", "crack", "scratch"))
        RenameClass(dent, NEW_NAME, quinn.id).apply(project)
        MergeClasses(crack, scratch, quinn.id).apply(project)
        classes_before = project.classes()
        summary = import_package(project, package)
        assert summary.added["annotations"] == 1 and summary.added["updated"] == 1
        assert summary.added["conflicts"] == 0
        assert project.classes() == classes_before  # no class created, none lost
        vik = project.person_by_name("Vik")
        by_image = {a.image_id: a for a in project.annotations(annotator_id=vik.id)}
        images = project.images()
        assert by_image[images[1].id].class_id == dent
        assert project.label_class(dent).name == NEW_NAME
        assert by_image[images[0].id].class_id == scratch
        assert by_image[images[0].id].geometry == Box(2, 2, 20, 20)
        assert not import_package(project, package).changed  # twice changes nothing


def test_package_exported_after_a_rename_shows_the_new_name(source: Path) -> None:
    with Project.open(source) as project:
        dent = project.class_by_name("dent").id
        RenameClass(dent, NEW_NAME).apply(project)
        MergeClasses(project.class_by_name("crack").id, project.class_by_name("scratch").id).apply(
            project
        )
    package = export(source, "after.lbpkg")
    with Project.open(open_package(package)) as inner:
        assert [c.name for c in inner.classes()] == ["scratch", NEW_NAME]
        [own] = inner.annotations()
        assert inner.label_class(own.class_id).name == "scratch"
        vik = inner.person_by_name("Vik")
        inner.add_annotation(
            inner.images()[2].id, inner.class_by_name(NEW_NAME).id, Box(5, 5, 25, 25), vik.id
        )
    save_package(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert summary.added["annotations"] == 1
        [new] = [a for a in project.annotations() if a.image_id == project.images()[2].id]
        assert new.class_id == dent


def test_an_undone_rename_leaves_old_packages_working_and_unknown_names_refused(
    source: Path,
) -> None:
    package = export(source, "undone.lbpkg")
    vendor_labels_dent_and_edits_crack(package)
    with Project.open(source) as project:
        dent = project.class_by_name("dent").id
        undo = RenameClass(dent, "dent-big").apply(project)
        undo.apply(project)
        assert project.class_aliases() == []
    # A class the package names that this project never had is still refused.
    with Project.open(open_package(package)) as inner:
        inner.add_class("rust")
        vik = inner.person_by_name("Vik")
        inner.add_annotation(
            inner.images()[2].id, inner.class_by_name("rust").id, Box(5, 5, 9, 9), vik.id
        )
    save_package(package)
    with Project.open(source) as project, pytest.raises(PackageError, match="'rust'"):
        import_package(project, package)
