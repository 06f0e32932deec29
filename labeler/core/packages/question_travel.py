"""Questions in work packages: the package side of :mod:`labeler.core.store.question_exchange`.

Out: a package carries its vendor's people's questions on its images, with the
answers given in-house so far (not the answerer's name), so the asker sees the
answer on the image in the package's working copy. The vendor asks new questions
there offline (the app's ``Q`` works in a working copy as in any project).

Back: the package's questions are read beside its records, checked before anything
is merged (a refused question refuses the package, the project untouched), and
the new ones merged after the package's annotations, so a question about a shape
drawn in the package finds it. Importing the same package twice adds nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labeler.core.store import Project
    from labeler.core.store.exchange import PackageGrant

QUESTIONS = "questions"  # the package's questions, read beside its records


def copy_questions(project: Project, inner: Project, image_ids: set[int], people: set[str]) -> int:
    """Copy ``people``'s questions on ``image_ids`` (and their answers) into a package's project."""
    return inner.load_questions(project.exchange_questions(image_ids, people))


def read_questions(inner: Project) -> list[dict[str, Any]]:
    """A package project's questions as records (read at import)."""
    return inner.exchange_questions()


def check_questions(
    project: Project,
    rows: object,
    records: dict[str, Any],
    grant: PackageGrant,
    vendor_people: set[str],
) -> list[dict[str, Any]]:
    """The package's new questions, checked against ``project`` and the grant; writes nothing."""
    carried = {a["uid"] for a in records.get("annotations", []) if isinstance(a, dict)}
    mine = set(grant.annotations) | {str(u) for u in carried}
    return project.check_vendor_questions(rows, grant, vendor_people, mine)


def merge_questions(
    project: Project, checked: list[dict[str, Any]], import_id: int | None, package_id: str
) -> int:
    """Add the checked new questions (after the package's annotations); returns how many."""
    return project.merge_vendor_questions(checked, import_id, package_id)
