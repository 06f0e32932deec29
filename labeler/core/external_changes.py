"""Changes committed by other connections: the CLI beside the app, or the app's own jobs.

The store publishes a :class:`~labeler.core.events.Change` for each commit made
through *its* connection. Work committed elsewhere (``labeler guideline publish``
or ``labeler prelabel`` in a terminal while the app is open, a background job's
own connection) is found by :class:`ExternalChangeWatcher`: SQLite's
``data_version`` tells cheaply that another connection committed, and the audit
log says what it was. Each poll ends with ``Change(Entity.PROJECT, "external")`` so a
view can reload what it shows even for writes the log does not name one by one
(pre-labels stored as a run goes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labeler.core.domain import Event
from labeler.core.events import Change, Entity

if TYPE_CHECKING:
    from labeler.core.store import Project

# Events whose entity or action the views know under another name.
_RENAMED = {("image", "import"): ("image", "create")}
# Audit-log entities that views hear as another entity.
_LOG_ENTITIES = {
    "guideline_draft": Entity.GUIDELINE,
    "guideline_example": Entity.GUIDELINE,
    "guideline_rule": Entity.GUIDELINE,
    "acknowledge": Entity.ACKNOWLEDGEMENT,
}
_KNOWN = {member.value: member for member in Entity}
EXTERNAL = Change(Entity.PROJECT, "external")


def change_of(event: Event) -> Change:
    """The change a view would have heard had the event been committed here.

    An audit entity no view knows becomes a project-wide change, so the views reload.
    """
    entity, action = _RENAMED.get((event.entity, event.action), (event.entity, event.action))
    ids = (event.entity_id,) if event.entity_id is not None else ()
    known = _LOG_ENTITIES.get(entity) or _KNOWN.get(entity)
    return Change(known or Entity.PROJECT, action, ids)


class ExternalChangeWatcher:
    """Polls a project for commits made by other connections since the last poll."""

    def __init__(self, project: Project, max_events: int = 1000) -> None:
        self.project = project
        self.max_events = max_events
        self._version = project.data_version()
        self._event_id = project.last_event_id()

    def poll(self) -> list[Change]:
        """What other connections committed since the last call (empty when nothing)."""
        version = self.project.data_version()
        if version == self._version:
            return []
        self._version = version
        events = self.project.events_after(self._event_id, self.max_events)
        if events:
            self._event_id = events[-1].id
        if len(events) == self.max_events:  # a flood: skip to the end, views reload anyway
            self._event_id = self.project.last_event_id()
        return [change_of(e) for e in events] + [EXTERNAL]
