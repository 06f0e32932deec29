"""Questions travel in real packages: asked offline, answered in-house, the answer goes back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from labeler.core.packages import import_package, open_package, save_package
from labeler.core.questions import AnswerQuestion, AskQuestion, PromoteQuestion
from labeler.core.store import Project
from labeler.core.store.questions import QuestionState
from tests.core.packages.test_packages import (  # noqa: F401 (the fixture)
    assert_refused,
    export,
    frozen_bytes,
    source,
    tampered,
)

HOSTILE = "<b>균열</b> [/red] 인가요? ${x} %s"


def hand_edited(package: Path, sql: str, params: tuple = ()) -> Path:
    """The package after someone edited its project file by hand (plain SQL, app closed)."""
    conn = sqlite3.connect(open_package(package))
    with conn:
        conn.execute(sql, params)
    conn.close()
    return save_package(package)


def _vendor_asks(package: Path) -> None:
    """Vik, in the package's working copy: one question on his shape, one on a region."""
    with Project.open(open_package(package)) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        [shape] = inner.annotations()
        AskQuestion(
            shape.image_id, vik.id, "A long straight crack without branches?", shape.id
        ).apply(inner)
        second = inner.images()[1]
        AskQuestion(second.id, vik.id, HOSTILE, region=(5.0, 5.0, 60.0, 40.0)).apply(inner)
        assert inner.waiting_image_ids(vik.id) == {shape.image_id, second.id}
    save_package(package)


def test_a_question_asked_offline_comes_back_is_answered_and_goes_out_again(
    source: Path,  # noqa: F811
) -> None:
    package = export(source)
    _vendor_asks(package)
    with Project.open(source) as project:
        summary = import_package(project, package)
        assert summary.changed and summary.questions == 2
        assert summary.to_dict()["questions"] == 2
        vik, quinn = project.person_by_name("Vik"), project.person_by_name("Quinn")
        assert vik is not None and quinn is not None
        on_shape, on_region = project.questions(state="open")
        assert (on_shape.asker_id, on_region.asker_id) == (vik.id, vik.id)
        shape = project.annotation(on_shape.annotation_id or 0)
        assert shape.annotator_id == vik.id and on_shape.class_name == "crack"
        assert on_region.text == HOSTILE and on_region.region == (5.0, 5.0, 60.0, 40.0)
        assert on_shape.guideline_version_id == project.guideline_version(2).id
        assert on_shape.package_import_id is None  # nothing else in the package was new
        assert on_shape.package_id == on_region.package_id == summary.package_id
        assert project.questions_by_package() == {summary.package_id: 2}  # the vendor batch
        assert project.waiting_image_ids(vik.id) == {on_shape.image_id, on_region.image_id}
        asked = [e for e in project.events("question") if e.action == "ask"]
        assert len(asked) == 2 and all(e.after["package_id"] == summary.package_id for e in asked)
    settled = frozen_bytes(source)
    with Project.open(source) as project:
        again = import_package(project, package)
    assert not again.changed and again.questions == 0
    assert frozen_bytes(source) == settled  # idempotent by uid

    with Project.open(source) as project:
        quinn = project.person_by_name("Quinn")
        assert quinn is not None
        on_shape, on_region = project.questions()
        AnswerQuestion(
            on_shape.image_id, on_shape.id, quinn.id, "Crack if it reaches the edge."
        ).apply(project)
        korean = "아니요: 스크래치"
        AnswerQuestion(on_region.image_id, on_region.id, quinn.id, korean).apply(project)
        PromoteQuestion(on_shape.image_id, on_shape.id, quinn.id).apply(project)
        v3 = project.publish_draft("v3: the long-crack edge case", author_id=quinn.id)
        assert v3.number == 3 and project.changed_classes(v3.id) == ["crack"]
        assert project.rereview_count() == 1  # Vik's crack, made under v2
        [example] = [e for e in project.guideline_examples(v3.id) if e.note.startswith("Q:")]
        assert [s.annotator for s in example.shapes] == [None]
        assert project.waiting_image_ids(on_shape.asker_id) == set()

    second = export(source, "va2.lbpkg")
    with Project.open(open_package(second)) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None and [p.name for p in inner.people()] == ["Vik"]
        current = inner.current_guideline()
        assert current is not None and current.number == 3
        on_shape, on_region = inner.questions(asker_id=vik.id)
        assert on_shape.state == QuestionState.PROMOTED and on_region.state == "answered"
        assert on_shape.answer == "Crack if it reaches the edge." and on_shape.answerer_id is None
        assert on_region.answer == "아니요: 스크래치" and on_region.text == HOSTILE
        assert inner.waiting_image_ids(vik.id) == set()
        notes = [e.note for e in inner.guideline_examples(current.id)]
        assert any("Crack if it reaches the edge." in n for n in notes)
    with Project.open(source) as project:  # the answered copy coming back changes nothing
        assert not import_package(project, save_package(second)).changed
        assert project.question_counts() == {"open": 0, "answered": 1, "promoted": 1}


def test_a_question_changed_in_the_package_is_refused(source: Path) -> None:  # noqa: F811
    package = export(source)
    _vendor_asks(package)
    with Project.open(source) as project:
        import_package(project, package)

    reworded = hand_edited(package, "UPDATE questions SET text = 'something else' WHERE id = 1")
    assert_refused(source, reworded, "differs from the one asked here")


def test_a_question_answered_inside_the_package_is_refused(source: Path) -> None:  # noqa: F811
    def answered(inner: Project) -> None:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        asked = inner.ask_question(inner.images()[0].id, vik.id, "crack?")
        inner.restore_answer(asked.id, "yes, trust me", vik.id, asked.asked_at)

    assert_refused(
        source, tampered(export(source, "a.lbpkg"), answered), "a new question arrives answered"
    )


def test_a_question_beyond_the_package_is_refused(source: Path) -> None:  # noqa: F811
    def beyond(inner: Project) -> None:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        example = inner.images()[-1]  # carried for the guideline example, not as work
        inner.ask_question(example.id, vik.id, "and this one?")

    assert_refused(
        source, tampered(export(source, "a.lbpkg"), beyond), "an image the package did not carry"
    )


def test_a_foreign_question_uid_is_refused(source: Path) -> None:  # noqa: F811
    """A package claiming an in-house person's question as the vendor's is refused."""
    with Project.open(source) as project:
        ana = project.person_by_name("Ana")
        assert ana is not None
        theirs = project.ask_question(project.images()[0].id, ana.id, "in-house only")

    def ask(inner: Project) -> None:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.ask_question(inner.images()[0].id, vik.id, "in-house only")

    package = tampered(export(source, "a.lbpkg"), ask)
    claimed = hand_edited(
        package, "UPDATE questions SET uid = ?, asked_at = ?", (theirs.uid, theirs.asked_at)
    )
    assert_refused(source, claimed, "differs from the one asked here")
