"""The stored words the report shows (statuses, roles, kinds, error reasons) in its language.

The report's tables name an image status, a role, a disagreement type or why a
prediction is an error; the embedded JSON keeps the stored value, the page shows it in
the reader's language. English shows the stored value itself; a value this table does
not know (a class name, a person) is shown as it is. (The CLI has its own table in the
``cli`` catalog, :mod:`labeler.cli.words`; the core cannot import the CLI.)
"""

from __future__ import annotations

from labeler.core.i18n import N_, _

WORDS: dict[str, str] = {
    # class kinds
    "tag": N_("tag"),
    "box": N_("box"),
    "polygon": N_("polygon"),
    # image statuses
    "new": N_("new"),
    "prelabeled": N_("prelabeled"),
    "in_progress": N_("in_progress"),
    "done": N_("done"),
    "needs_review": N_("needs_review"),
    "rejected": N_("rejected"),
    # roles
    "annotator": N_("annotator"),
    "reviewer": N_("reviewer"),
    "qa_lead": N_("qa_lead"),
    # disagreement types
    "missing": N_("missing"),
    "extra": N_("extra"),
    "class_mismatch": N_("class_mismatch"),
    "low_overlap": N_("low_overlap"),
    "tag_mismatch": N_("tag_mismatch"),
    # likely label errors
    "overlooked": N_("overlooked"),
    "swapped": N_("swapped"),
    "bad_location": N_("bad_location"),
    # why a prediction or an annotation is an error of the run
    "wrong_class": N_("wrong_class"),
    "duplicate": N_("duplicate"),
    "poor_localization": N_("poor_localization"),
    "background": N_("background"),
    "missed": N_("missed"),
    # where an image's truth came from
    "reviewed or consensus": N_("reviewed or consensus"),
    "reviewed": N_("reviewed"),
    "consensus": N_("consensus"),
    "empty": N_("empty"),
    # duplicate clusters and image checks
    "exact": N_("exact"),
    "near": N_("near"),
    "blurry": N_("blurry"),
    "dark": N_("dark"),
    "overexposed": N_("overexposed"),
    "too_small": N_("too_small"),
    "odd_aspect": N_("odd_aspect"),
    "unreadable": N_("unreadable"),
}


def word(value: object) -> str:
    """``value`` (a stored word) in the reader's language; unknown values as they are."""
    text = str(value)
    return _(WORDS[text]) if text in WORDS else text
