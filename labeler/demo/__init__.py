"""Demo data for labeler: a seeded generator of synthetic "phone surface damage" images.

See :mod:`labeler.demo.synth`.
"""

from labeler.demo.synth import (
    CLASSES,
    UNSUITABLE_KINDS,
    SynthImage,
    SynthObject,
    generate_image,
    make_unsuitable,
    write_dataset,
)

__all__ = [
    "CLASSES",
    "UNSUITABLE_KINDS",
    "SynthImage",
    "SynthObject",
    "generate_image",
    "make_unsuitable",
    "write_dataset",
]
