"""Change notifications from the core to whoever shows its data.

The store publishes a :class:`Change` after each committed transaction; views
subscribe and refresh. The core never knows which views exist (the napari
pattern): nothing here imports Qt, and a Qt view re-emits as a signal if it must
cross threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """Something committed: ``entity`` ('annotation', 'image', ...) and the ids touched."""

    entity: str
    action: str
    ids: tuple[int, ...] = ()
    image_ids: tuple[int, ...] = field(default=())


Listener = Callable[[Change], None]


class ChangeBus:
    """A list of listeners called, in order, with every committed :class:`Change`."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, change: Change) -> None:
        """Deliver one change to every listener."""
        for listener in list(self._listeners):
            listener(change)
