"""Change notifications from the core to whoever shows its data.

The store publishes a :class:`Change` after each committed transaction; views
subscribe and refresh. The core never knows which views exist (the napari
pattern): nothing here imports Qt, and a Qt view re-emits as a signal if it must
cross threads.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Entity(StrEnum):
    """What a :class:`Change` is about. A new kind of record adds its member here.

    Members equal their strings, so ``Change("image", ...)`` still works, but an unknown
    name is refused when the change is made, not silently never matched by a view.
    """

    ACKNOWLEDGEMENT = "acknowledgement"
    ANNOTATION = "annotation"
    ANSWER = "answer"
    ASSIGNMENT = "assignment"
    CLASS = "class"
    GOLD = "gold"
    GUIDELINE = "guideline"
    IMAGE = "image"
    META = "meta"
    MODEL_RUN = "model_run"
    PACKAGE = "package"
    PERSON = "person"
    PREDICTION = "prediction"
    PROJECT = "project"
    QUESTION = "question"
    REREVIEW = "rereview"
    REVIEW = "review"
    SLICE = "slice"


@dataclass(frozen=True)
class Change:
    """Something committed: its :class:`Entity`, the action, and the ids touched."""

    entity: Entity
    action: str
    ids: tuple[int, ...] = ()
    image_ids: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "entity", Entity(self.entity))  # ValueError when unknown


Listener = Callable[[Change], None]
# Told of a listener that raised: (the change, the listener, the exception).
FailureHandler = Callable[[Change, Listener, BaseException], None]


def _print_failure(change: Change, listener: Listener, error: BaseException) -> None:
    name = getattr(listener, "__qualname__", repr(listener))
    print(f"labeler: a view failed on {change.entity}/{change.action} ({name}); the change "
          "itself is saved:", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)


class ChangeBus:
    """A list of listeners called, in order, with every committed :class:`Change`.

    A change is published after its commit, so a listener that raises cannot undo
    it: the failure is isolated (the remaining listeners still hear the change)
    and reported to ``on_failure`` (stderr by default; the app shows it).
    """

    def __init__(self, on_failure: FailureHandler = _print_failure) -> None:
        self._listeners: list[Listener] = []
        self.on_failure = on_failure

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        """Deliver one change to every listener; one that raises does not stop the others."""
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception as error:
                self.on_failure(change, listener, error)
