"""Finding a model run from what a person types: a run id or a model name."""

from __future__ import annotations

from labeler.core.domain import ModelRun
from labeler.core.errors import UnknownEntityError
from labeler.core.i18n import _


class UnknownModelRunError(UnknownEntityError):
    """No model run has that id, or no complete run has that model name."""


def resolve_model_run(project: object, text: str | int) -> int:
    """The id of the run ``text`` names: a run id, or a model name.

    A whole number is tried as a run id first. Otherwise (or when no run has that
    id) it is a model name, which means the latest *complete* run of that name:
    the one with ``finished_at`` set that finished last (the higher id on equal
    times). A run that never finished (interrupted pre-labeling) is never chosen
    by name. Raises :class:`UnknownModelRunError` listing the runs there are.
    """
    runs: list[ModelRun] = project.model_runs()  # type: ignore[attr-defined]
    wanted = str(text).strip()
    if wanted.isdigit():
        for run in runs:
            if run.id == int(wanted):
                return run.id
    named = [r for r in runs if r.model_name == wanted]
    complete = [r for r in named if r.finished_at is not None]
    if complete:
        return max(complete, key=lambda r: (r.finished_at or "", r.id)).id
    if named:
        ids = ", ".join(str(r.id) for r in named)
        raise UnknownModelRunError(
            _(
                "model {wanted!r} has no complete run (run {ids} did not finish); give a run "
                "id to use an unfinished run"
            ).format(wanted=wanted, ids=ids)
        )
    if wanted.isdigit():
        raise UnknownModelRunError(
            _("no model run with id {wanted} ({runs}), and no model is named {wanted!r}").format(
                wanted=wanted, runs=describe_runs(runs)
            )
        )
    raise UnknownModelRunError(
        _("no model run with id or model name {wanted!r} ({runs})").format(
            wanted=wanted, runs=describe_runs(runs)
        )
    )


def describe_runs(runs: list[ModelRun]) -> str:
    """``runs: 1 (detector), 2 (detector, unfinished)`` for messages."""
    if not runs:
        return _(
            "the project has no model runs yet: run `labeler prelabel` or `labeler "
            "import --predictions`"
        )
    listed = ", ".join(
        f"{r.id} ({r.model_name})"
        if r.finished_at
        else _("{id} ({model}, unfinished)").format(id=r.id, model=r.model_name)
        for r in runs
    )
    return _("runs: {listed}").format(listed=listed)
