"""Change events are typed: an entity no view knows is refused where it is made."""

import pytest

from labeler.core.domain import Event
from labeler.core.events import Change, ChangeBus, Entity
from labeler.core.external_changes import change_of


def test_a_change_made_with_a_string_carries_the_entity_member() -> None:
    change = Change("image", "status", (3,), (3,))
    assert change.entity is Entity.IMAGE
    assert change == Change(Entity.IMAGE, "status", (3,), (3,))


def test_a_misspelt_entity_is_refused_when_the_change_is_made() -> None:
    with pytest.raises(ValueError):
        Change("imgae", "status")


def _event(entity: str, action: str = "create") -> Event:
    return Event(1, "2026-01-01T00:00:00", None, action, entity, 7, None, None)


def test_audit_entities_map_to_the_entity_views_listen_for() -> None:
    assert change_of(_event("guideline_draft")).entity is Entity.GUIDELINE
    assert change_of(_event("image", "import")) == Change(Entity.IMAGE, "create", (7,))
    # an audit entity no view knows still reaches them, as a project-wide change
    assert change_of(_event("something_new")).entity is Entity.PROJECT


def test_bus_delivers_typed_changes_in_order() -> None:
    bus = ChangeBus()
    heard: list[Entity] = []
    bus.subscribe(lambda change: heard.append(change.entity))
    bus.publish(Change("class", "create"))
    bus.publish(Change(Entity.REVIEW, "withdraw"))
    assert heard == [Entity.CLASS, Entity.REVIEW]
