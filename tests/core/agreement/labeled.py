"""A small project labeled by three people, shared by the agreement and disagreement tests.

Image 0: everyone marks the scratch; alice and bob mark a crack that carol calls a
dent; alice and bob tag the image ``blurry``. Image 1: alice and bob mark the same
dent, carol marks it too far off (IoU 0.39) and bob adds a scratch nobody else saw.
Image 2: only alice. Guideline v1 is in force for image 0, v2 for images 1 and 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from labeler.core.domain import Person
from labeler.core.geometry import Box, Tag
from labeler.core.store import Project

SCRATCH, CRACK, DENT = 1, 2, 3


@dataclass
class Labeled:
    project: Project
    images: list[int]
    alice: Person
    bob: Person
    carol: Person
    blurry: int


def label_project(project: Project) -> Labeled:
    """Fill ``project_with_images`` with the three people's labels."""
    blurry = project.add_class("blurry", "tag").id
    alice = project.add_person("alice", organization="acme")
    bob = project.add_person("bob", organization="acme")
    carol = project.add_person("carol", organization="beta")
    images = [image.id for image in project.images()]
    assert [project.class_by_name(n).id for n in ("scratch", "crack", "dent")] == [1, 2, 3]
    project.publish_guideline("v1 text")
    add = project.add_annotation
    add(images[0], SCRATCH, Box(10, 10, 50, 50), alice.id, seconds_spent=5)
    add(images[0], CRACK, Box(80, 20, 120, 60), alice.id, seconds_spent=7)
    add(images[0], blurry, Tag(), alice.id)
    add(images[0], SCRATCH, Box(12, 10, 50, 52), bob.id, seconds_spent=2)
    add(images[0], CRACK, Box(82, 22, 120, 60), bob.id, seconds_spent=4)
    add(images[0], blurry, Tag(), bob.id)
    add(images[0], SCRATCH, Box(10, 10, 50, 50), carol.id)
    add(images[0], DENT, Box(80, 20, 120, 60), carol.id)
    project.publish_guideline("v2 text")
    add(images[1], DENT, Box(20, 20, 60, 60), alice.id, seconds_spent=9)
    add(images[1], DENT, Box(20, 20, 60, 60), bob.id, seconds_spent=3)
    add(images[1], SCRATCH, Box(100, 70, 150, 110), bob.id, seconds_spent=3)
    add(images[1], DENT, Box(30, 30, 70, 70), carol.id)
    add(images[2], SCRATCH, Box(0, 0, 40, 40), alice.id, seconds_spent=11)
    project.add_image_time(images[1], alice.id, 30.0)  # the image timer beats the objects' sum
    return Labeled(project, images, alice, bob, carol, blurry)
