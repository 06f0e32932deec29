"""Vendor packages carry per-person answers both ways; a vendor's done completes their work."""

from __future__ import annotations

from pathlib import Path

from labeler.core.commands import SetAnswered
from labeler.core.domain import AssignmentTask
from labeler.core.geometry import Box
from labeler.core.packages import import_package, open_package, save_package
from labeler.core.store import Project
from tests.core.packages.test_packages import (  # noqa: F401 (the fixture)
    assert_refused,
    export,
    frozen_bytes,
    source,
    tampered,
)


def test_a_vendors_done_comes_back_and_completes_the_assignment(source: Path) -> None:  # noqa: F811
    with Project.open(source) as project:
        vik = project.person_by_name("Vik")
        assert vik is not None
        first = project.images()[0].id
        project.mark_answered(first, vik.id)  # finished here before the export
    package = export(source)
    with Project.open(open_package(package)) as inner:
        vik_inside = inner.person_by_name("Vik")
        assert vik_inside is not None
        assert [Path(inner.image(a.image_id).path).name for a in inner.answers_by(vik_inside.id)]
        inner.acknowledge(vik_inside.id)
        second, third = inner.images()[1].id, inner.images()[2].id
        SetAnswered(second, vik_inside.id).apply(inner)  # Space on an image with nothing there
        inner.add_annotation(third, 1, Box(5, 5, 40, 40), vik_inside.id)
        SetAnswered(third, vik_inside.id).apply(inner)
    save_package(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert summary.changed and summary.answers == 2
        assert summary.to_dict()["answers"] == 2
        images = [i.id for i in project.images()[:3]]
        assert [project.is_answered(i, vik.id) for i in images] == [True, True, True]
        assert project.answered_empty_image_ids(vik.id) == {images[1]}  # 0 holds his box
        assert project.assignments_for(vik.id, AssignmentTask.ANNOTATE) == []
        assert {a.source for a in project.answers_by(vik.id)} == {"workspace", "package"}
    after = frozen_bytes(source)
    with Project.open(source) as project:
        again = import_package(project, package)
    assert not again.changed and again.answers == 0
    assert frozen_bytes(source) == after


def test_an_answer_on_an_image_the_package_did_not_carry_is_refused(
    source: Path,  # noqa: F811
) -> None:
    def beyond(inner: Project) -> None:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        example = inner.images()[-1]  # carried for the guideline example, not as work
        inner.mark_answered(example.id, vik.id)

    assert_refused(
        source, tampered(export(source, "a.lbpkg"), beyond), "an image the package did not carry"
    )
