"""``labeler questions PROJECT list|ask|answer|promote``: the question inbox from the shell."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import _
from labeler.cli.output import print_json, stdout
from labeler.cli.words import word
from labeler.core.domain import ImageRecord, Person
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.questions import AnswerQuestion, AskQuestion, PromoteQuestion
from labeler.core.store import Project
from labeler.core.store.questions import Question, QuestionState

STATES = [s.value for s in QuestionState]


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``labeler questions`` to the CLI."""
    questions = commands.add_parser(
        "questions",
        help=_("annotators' questions: list, ask, answer, promote to a guideline edge case"),
        description=_("Questions annotators ask on an image or one of their shapes; reviewers "
        "and QA leads answer them, and a QA lead promotes an answer to an edge case of the "
        "draft guideline (publishing it queues that class's labels for re-review)."),
    )
    questions.add_argument("project", type=Path, help=_("the project file"))
    sub = questions.add_subparsers(dest="question_command", metavar="ACTION", required=True)

    list_ = sub.add_parser("list", help=_("the inbox, oldest first"), description=_("The inbox."))
    list_.add_argument("--state", choices=STATES, help=_("only questions in this state"))
    list_.add_argument("--asker", metavar="PERSON", help=_("only this person's questions"))
    list_.add_argument("--json", action="store_true", help=_("print the questions as JSON"))
    list_.set_defaults(handler=run_list)

    ask = sub.add_parser(
        "ask",
        help=_("ask a question on an image"),
        description=_("Ask a question on IMAGE (a path, file name, stem, or id:N)."),
    )
    ask.add_argument("image", help=_("the image: path, file name, stem or id:N"))
    ask.add_argument("--as", dest="person", required=True, help=_("who asks (a person)"))
    ask.add_argument("--text", required=True, help=_("the question"))
    ask.add_argument("--shape", type=int, metavar="ID", help=_("one of the asker's annotations"))
    ask.add_argument("--region", metavar="X1,Y1,X2,Y2", help=_("a region of the image (pixels)"))
    ask.add_argument("--class", dest="class_name", help=_("the class it concerns"))
    ask.add_argument("--section", help=_("the guideline section it concerns (e.g. 3.2)"))
    ask.add_argument("--json", action="store_true", help=_("print the question as JSON"))
    ask.set_defaults(handler=run_ask)

    answer = sub.add_parser(
        "answer", help=_("answer a question"), description=_("Answer question ID.")
    )
    answer.add_argument("id", type=int, help=_("the question's id"))
    answer.add_argument("--as", dest="person", required=True, help=_("who answers (reviewer/QA)"))
    answer.add_argument("--text", required=True, help=_("the answer"))
    answer.add_argument("--json", action="store_true", help=_("print the question as JSON"))
    answer.set_defaults(handler=run_answer)

    promote = sub.add_parser(
        "promote",
        help=_("make an answer an edge case of the draft guideline"),
        description=_("Add the question's image and shapes (nobody's name on them) with the "
        "question and answer as an edge case to the draft guideline, in the section of CLASS "
        "(default: the question's class)."),
    )
    promote.add_argument("id", type=int, help=_("the question's id"))
    promote.add_argument("--as", dest="person", required=True, help=_("who promotes (a QA lead)"))
    promote.add_argument("--section", metavar="CLASS", help=_("the class whose section it joins"))
    promote.add_argument("--json", action="store_true", help=_("print the question as JSON"))
    promote.set_defaults(handler=run_promote)


def _person(project: Project, name: str) -> Person:
    person = project.person_by_name(name)
    if person is None:
        message = _("{project}: no person named {name}")
        raise UnknownEntityError(message.format(project=project.path, name=repr(name)))
    return person


def _image(project: Project, ref: str) -> ImageRecord:
    if ref.startswith("id:") and ref[3:].isdigit():
        return project.image(int(ref[3:]))
    found = project.find_image(ref)
    if found is None and ref.isdigit():
        return project.image(int(ref))
    if found is None:
        message = _("{project}: no single image matches {ref}; give its path or id:N")
        raise UnknownEntityError(message.format(project=project.path, ref=repr(ref)))
    return found


def _region(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        x1, y1, x2, y2 = (float(v) for v in text.split(","))
    except ValueError as exc:
        message = _("--region {value}: expected four numbers X1,Y1,X2,Y2")
        raise LabelerError(message.format(value=repr(text))) from exc
    return (x1, y1, x2, y2)


def question_dict(project: Project, question: Question) -> dict[str, Any]:
    """A question's JSON form, with names instead of ids."""
    image = project.image(question.image_id)
    answerer = project.person(question.answerer_id).name if question.answerer_id else None
    version = (
        project.guideline_by_id(question.guideline_version_id).number
        if question.guideline_version_id
        else None
    )
    return {
        "id": question.id,
        "uid": question.uid,
        "state": question.state.value,
        "image": image.path,
        "image_id": image.id,
        "asker": project.person(question.asker_id).name,
        "annotation_id": question.annotation_id,
        "region": list(question.region) if question.region else None,
        "class": question.class_name,
        "section": question.section,
        "guideline_version": version,
        "text": question.text,
        "asked_at": question.asked_at,
        "answer": question.answer,
        "answerer": answerer,
        "answered_at": question.answered_at,
        "example_id": question.example_id,
        "promoted_at": question.promoted_at,
    }


def run_list(args: argparse.Namespace) -> int:
    """Print the inbox."""
    with Project.open(args.project) as project:
        asker = _person(project, args.asker).id if args.asker else None
        rows = [question_dict(project, q) for q in project.questions(args.state, asker)]
    if args.json:
        print_json({"questions": rows})
        return 0
    if not rows:
        if args.state:
            stdout.print(_("No questions {state}.").format(state=word(args.state)))
        else:
            stdout.print(_("No questions."))
        return 0
    table = Table("id", _("state"), _("image"), _("asker"), _("class"), _("question"), _("answer"))
    for row in rows:
        table.add_row(
            str(row["id"]),
            word(row["state"]),
            row["image"],
            row["asker"],
            row["class"] or "",
            row["text"],
            row["answer"] or "",
        )
    stdout.print(table)
    return 0


def _print(project: Project, question: Question, args: argparse.Namespace, said: str) -> None:
    if args.json:
        print_json(question_dict(project, question))
    else:
        stdout.print(said)


def run_ask(args: argparse.Namespace) -> int:
    """Ask a question."""
    with Project.open(args.project) as project:
        person = _person(project, args.person)
        image = _image(project, args.image)
        AskQuestion(
            image.id,
            person.id,
            args.text,
            annotation_id=args.shape,
            region=_region(args.region),
            class_name=args.class_name,
            section=args.section,
        ).apply(project)
        asked = project.questions(asker_id=person.id, image_id=image.id)[-1]
        said = _("Question {id} asked on {image}; open.").format(id=asked.id, image=image.path)
        _print(project, asked, args, said)
    return 0


def run_answer(args: argparse.Namespace) -> int:
    """Answer a question."""
    with Project.open(args.project) as project:
        person = _person(project, args.person)
        question = project.question(args.id)
        AnswerQuestion(question.image_id, question.id, person.id, args.text).apply(project)
        answered = project.question(question.id)
        asker = project.person(answered.asker_id).name
        said = _("Question {id} answered; {asker} sees it now.").format(id=answered.id, asker=asker)
        _print(project, answered, args, said)
    return 0


def run_promote(args: argparse.Namespace) -> int:
    """Promote an answered question to a draft edge case."""
    with Project.open(args.project) as project:
        person = _person(project, args.person)
        question = project.question(args.id)
        PromoteQuestion(question.image_id, question.id, person.id, args.section).apply(project)
        promoted = project.question(question.id)
        _print(
            project,
            promoted,
            args,
            _("Question {id} is edge case {example} of the draft guideline; publishing it queues "
              "the class's older labels for re-review.").format(
                id=promoted.id, example=promoted.example_id),
        )
    return 0
