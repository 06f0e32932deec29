"""Questions: asked on an image or a shape, answered, promoted to a guideline edge case."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from labeler.core.errors import UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box
from labeler.core.questions import AnswerQuestion, AskQuestion, PromoteQuestion
from labeler.core.store import Project
from labeler.core.store.assignments import RoleError
from labeler.core.store.questions import QuestionError, QuestionState
from labeler.data import demo_guideline

HOSTILE = "<b>긴 균열</b> [bold]or[/bold] scratch? </td><script>x</script>"


@pytest.fixture
def shop(project_with_images: Project) -> Project:
    """Three images, an annotator with a crack on the first, a reviewer, a QA lead, v1."""
    project = project_with_images
    lead = project.add_person("Quinn", "qa_lead")
    project.add_person("Rita", "reviewer")
    ana = project.add_person("Ana")
    project.publish_guideline(demo_guideline(1), "first", lead.id)
    image = project.images()[0]
    project.add_annotation(image.id, 2, Box(10, 10, 80, 40), ana.id)  # crack
    project.add_annotation(image.id, 1, Box(90, 60, 150, 110), ana.id)  # scratch
    return project


def _people(project: Project) -> tuple[int, int, int]:
    found = [project.person_by_name(n) for n in ("Ana", "Rita", "Quinn")]
    assert all(found)
    return tuple(p.id for p in found if p is not None)  # type: ignore[return-value]


def test_asking_on_a_shape_marks_the_image_waiting_for_that_person_only(shop: Project) -> None:
    ana, rita, _ = _people(shop)
    crack = shop.annotations(shop.images()[0].id)[0]
    heard: list[Change] = []
    shop.changes.subscribe(heard.append)
    undo = AskQuestion(crack.image_id, ana, HOSTILE, annotation_id=crack.id).apply(shop)
    [question] = shop.questions()
    assert question.text == HOSTILE  # kept literally
    assert (question.state, question.class_name, question.annotation_id) == (
        "open",
        "crack",
        crack.id,
    )
    assert question.guideline_version_id == shop.guideline_version(1).id
    assert shop.waiting_image_ids(ana) == {crack.image_id}
    assert shop.waiting_image_ids(rita) == set()
    assert [c for c in heard if c.entity is Entity.QUESTION] == [
        Change(Entity.QUESTION, "create", (question.id,), (crack.image_id,))
    ]
    assert [(e.action, e.person_id) for e in shop.events("question")] == [("ask", ana)]

    redo = undo.apply(shop)  # withdrawn
    assert shop.questions() == [] and shop.waiting_image_ids(ana) == set()
    redo.apply(shop)
    assert shop.questions() == [question]  # same id, uid and time
    assert [e.action for e in shop.events("question")] == ["ask", "withdraw", "restore"]


def test_redo_of_asking_after_its_id_was_taken_keeps_the_uid(shop: Project) -> None:
    ana, rita, _ = _people(shop)
    image = shop.images()[0].id
    undo = AskQuestion(image, ana, "first").apply(shop)
    [first] = shop.questions()
    redo = undo.apply(shop)  # withdrawn: its id is free
    other = shop.ask_question(image, rita, "someone else's, meanwhile")
    assert other.id == first.id  # SQLite reuses the freed id
    undo_again = redo.apply(shop)
    back = shop.question_by_uid(first.uid)
    assert back is not None and back.id != first.id and back.text == "first"
    undo_again.apply(shop)  # and undo withdraws that one, not the other question
    assert [q.text for q in shop.questions()] == ["someone else's, meanwhile"]


def test_a_region_question_without_a_shape(shop: Project) -> None:
    ana, _, _ = _people(shop)
    image = shop.images()[1]
    asked = shop.ask_question(image.id, ana, "  dust or dent?  ", region=(0, 0, 40.5, 30))
    assert asked.text == "dust or dent?" and asked.region == (0.0, 0.0, 40.5, 30.0)
    assert asked.class_name is None and asked.annotation_id is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"text": "   "}, QuestionError, "needs some text"),
        ({"text": "x" * 4001}, QuestionError, "at most 4000"),
        ({"region": (10, 10, 5, 20)}, QuestionError, "not inside"),
        ({"region": (0, 0, 161, 20)}, QuestionError, "not inside"),
        ({"region": (0, 0, float("nan"), 20)}, QuestionError, "finite"),
        ({"class_name": "chip"}, UnknownEntityError, "chip"),
        ({"image_id": 999}, UnknownEntityError, "no image"),
        ({"asker_id": 999}, UnknownEntityError, "no person"),
        ({"annotation_id": 999}, UnknownEntityError, "no live annotation"),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_written(
    shop: Project, kwargs: dict, error: type[Exception], match: str
) -> None:
    ana, _, _ = _people(shop)
    args = {"image_id": shop.images()[0].id, "asker_id": ana, "text": "crack?"} | kwargs
    before = shop.last_event_id()
    with pytest.raises(error, match=match):
        shop.ask_question(args.pop("image_id"), args.pop("asker_id"), args.pop("text"), **args)
    assert shop.questions() == [] and shop.last_event_id() == before


def test_a_question_is_about_ones_own_shape_on_that_image(shop: Project) -> None:
    ana, rita, _ = _people(shop)
    crack = shop.annotations(shop.images()[0].id)[0]
    with pytest.raises(QuestionError, match="someone else's"):
        shop.ask_question(crack.image_id, rita, "why?", annotation_id=crack.id)
    with pytest.raises(QuestionError, match="another image"):
        shop.ask_question(shop.images()[1].id, ana, "why?", annotation_id=crack.id)


def test_answering_needs_a_reviewer_and_undo_reopens(shop: Project) -> None:
    ana, rita, _ = _people(shop)
    asked = shop.ask_question(shop.images()[0].id, ana, "crack or scratch?")
    with pytest.raises(RoleError, match="annotator cannot review"):
        shop.answer_question(asked.id, ana, "I say crack")
    undo = AnswerQuestion(asked.image_id, asked.id, rita, "긴 균열은 가장자리에 닿으면 균열").apply(
        shop
    )
    answered = shop.question(asked.id)
    assert (answered.state, answered.answerer_id) == (QuestionState.ANSWERED, rita)
    assert answered.answer == "긴 균열은 가장자리에 닿으면 균열"
    assert shop.waiting_image_ids(ana) == set()  # answered: no longer waiting
    second = AnswerQuestion(asked.image_id, asked.id, rita, "Crack.").apply(shop)
    assert shop.question(asked.id).answer == "Crack."
    second.apply(shop)  # back to the first answer
    assert shop.question(asked.id).answer == answered.answer
    redo = undo.apply(shop)  # back to open
    assert shop.question(asked.id).state == "open" and shop.question(asked.id).answer is None
    assert shop.waiting_image_ids(ana) == {asked.image_id}
    redo.apply(shop)
    assert shop.question(asked.id).answer == answered.answer
    with pytest.raises(QuestionError, match="cannot be withdrawn"):
        shop.withdraw_question(asked.id)


def test_promotion_adds_an_anonymous_edge_case_and_publishing_queues_the_class(
    shop: Project,
) -> None:
    ana, rita, quinn = _people(shop)
    crack = shop.annotations(shop.images()[0].id)[0]
    asked = shop.ask_question(crack.image_id, ana, HOSTILE, annotation_id=crack.id)
    with pytest.raises(QuestionError, match="only an answered question"):
        shop.promote_question(asked.id, quinn)
    shop.answer_question(asked.id, rita, "A crack if it reaches the edge.")
    with pytest.raises(RoleError, match="reviewer cannot edit guideline"):
        shop.promote_question(asked.id, rita)
    undo = PromoteQuestion(asked.image_id, asked.id, quinn).apply(shop)
    promoted = shop.question(asked.id)
    draft = shop.draft_guideline()
    assert draft is not None and promoted.state == "promoted"
    [example] = [e for e in shop.guideline_examples(draft.id) if e.id == promoted.example_id]
    assert example.kind == "edge_case" and example.class_name == "crack"
    assert [(s.class_name, s.geometry, s.annotator) for s in example.shapes] == [
        ("crack", crack.geometry, None)  # only the shape asked about, nobody's name
    ]
    assert example.note == f"Q: {HOSTILE}\nA: A crack if it reaches the edge."
    with pytest.raises(QuestionError, match="promoted"):
        shop.answer_question(asked.id, rita, "changed my mind")

    undo.apply(shop)  # the example leaves the draft, the question is answered again
    assert shop.question(asked.id).state == "answered"
    assert all(e.id != example.id for e in shop.guideline_examples(draft.id))
    PromoteQuestion(asked.image_id, asked.id, quinn).apply(shop)

    version = shop.publish_draft("v2: long cracks", author_id=quinn)
    assert shop.changed_classes(version.id) == ["crack"]
    assert shop.rereview_count() == 1  # the crack made under v1, not the scratch
    actions = [e.action for e in shop.events("question")]
    assert actions == ["ask", "answer", "promote", "unpromote", "promote"]


def test_promoting_without_a_shape_takes_the_askers_shapes_in_the_region(shop: Project) -> None:
    ana, rita, quinn = _people(shop)
    image = shop.images()[0]
    asked = shop.ask_question(image.id, ana, "this one?", region=(85, 55, 160, 120))
    shop.answer_question(asked.id, rita, "a scratch")
    _, example = shop.promote_question(asked.id, quinn, class_name="scratch")
    assert example.class_name == "scratch"
    assert [s.class_name for s in example.shapes] == ["scratch"]


def test_the_inbox_filters_by_state_asker_and_image(shop: Project) -> None:
    ana, rita, quinn = _people(shop)
    first, second = shop.images()[0].id, shop.images()[1].id
    a = shop.ask_question(first, ana, "one")
    b = shop.ask_question(second, ana, "two")
    c = shop.ask_question(second, rita, "three")
    shop.answer_question(b.id, quinn, "yes")
    assert [q.id for q in shop.questions(state="open")] == [a.id, c.id]
    assert [q.id for q in shop.questions(state=QuestionState.ANSWERED)] == [b.id]
    assert [q.id for q in shop.questions(asker_id=ana)] == [a.id, b.id]
    assert [q.id for q in shop.questions(image_id=second)] == [b.id, c.id]
    assert shop.question_counts() == {"open": 2, "answered": 1, "promoted": 0}
    assert shop.question_by_uid(c.uid) == shop.question(c.id)
    with pytest.raises(ValueError):
        shop.questions(state="closed")


def test_the_report_counts_questions_per_class_section_and_version(shop: Project) -> None:
    from labeler.core.report.build import build_report
    from labeler.core.report.questions_section import duration, questions_data

    ana, rita, quinn = _people(shop)
    first, second = shop.images()[0].id, shop.images()[1].id
    crack = shop.annotations(first)[0]
    on_crack = shop.ask_question(first, ana, "crack?", annotation_id=crack.id)
    on_rule = shop.ask_question(second, ana, "tight?", section="<b>2.1</b>")
    shop.ask_question(second, rita, "dust?")
    shop.answer_question(on_crack.id, quinn, "yes")
    shop.answer_question(on_rule.id, rita, "touching")
    shop.promote_question(on_crack.id, quinn)
    shop.publish_draft("v2", author_id=quinn)

    data = questions_data(shop)
    assert data["total"] == 3 and data["by_state"] == {"open": 1, "answered": 1, "promoted": 1}
    assert data["by_class"] == [
        {"name": "(no class)", "asked": 2, "open": 1, "answered": 1, "promoted": 0},
        {"name": "crack", "asked": 1, "open": 0, "answered": 0, "promoted": 1},
    ]
    assert [(r["name"], r["asked"]) for r in data["by_section"]] == [
        ("(no section)", 1),
        ("3.2 crack", 1),  # the crack's section in v1, the version it was asked under
        ("<b>2.1</b>", 1),
    ]
    waits = sorted(
        (datetime.fromisoformat(q.answered_at) - datetime.fromisoformat(q.asked_at)).total_seconds()
        for q in shop.questions()
        if q.answered_at
    )
    assert data["answered"] == 2 and data["max_seconds_to_answer"] == waits[-1]
    assert data["median_seconds_to_answer"] == (waits[0] + waits[1]) / 2
    assert data["edge_cases_by_version"] == [{"version": "v2", "edge_cases": 1}]

    page = build_report(shop)
    assert '<section id="questions">' in page and "3 questions asked: 1 open" in page
    assert "&lt;b&gt;2.1&lt;/b&gt;" in page and "<b>2.1</b>" not in page.split("report-data")[0]
    assert [duration(s) for s in (None, 5, 600, 7200, 3 * 86400)] == [
        "n/a",
        "5 s",
        "10 min",
        "2.0 h",
        "3.0 d",
    ]


def test_the_report_of_a_project_without_questions_says_so(project: Project) -> None:
    from labeler.core.report.questions_section import questions_data, render_questions

    data = questions_data(project)
    assert (
        data["total"] == 0 and data["by_class"] == [] and data["median_seconds_to_answer"] is None
    )
    assert "0 questions asked" in render_questions(data, lambda *a, **k: "<table></table>")


def test_a_migrated_older_file_takes_questions(tmp_path: Path) -> None:
    from tests.core.store.test_migrations import make_v1_file

    path = tmp_path / "old.labeler"
    make_v1_file(path)
    with Project.open(path) as project:
        asked = project.ask_question(1, 1, "old shape?", annotation_id=1)
        assert (asked.class_name, asked.guideline_version_id) == ("dent", None)
        assert project.integrity_check() == "ok"
