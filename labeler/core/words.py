"""The core's stored words (statuses, kinds, roles, decisions, reasons) as a person reads them.

Human output (the CLI's tables, the HTML report) names an image status, a class kind, a
role or why a prediction is an error in the reader's language; ``--json`` and the
report's embedded JSON keep the stored value. English shows the stored value itself; a
value this table does not know (a class name, a person) is shown as it is. One table for
every caller, in the ``core`` catalog.
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
    # review decisions
    "accept": N_("accept"),
    "reject": N_("reject"),
    "fix": N_("fix"),
    # guideline example kinds
    "positive": N_("positive"),
    "negative": N_("negative"),
    "edge_case": N_("edge_case"),
    # disagreement types
    "missing": N_("missing"),
    "extra": N_("extra"),
    "class_mismatch": N_("class_mismatch"),
    "low_overlap": N_("low_overlap"),
    "tag_mismatch": N_("tag_mismatch"),
    # question states
    "open": N_("open"),
    "answered": N_("answered"),
    "promoted": N_("promoted"),
    # model folders and kinds
    "project": N_("project"),
    "user": N_("user"),
    "shipped": N_("shipped"),
    "segmenter": N_("segmenter"),
    "detector": N_("detector"),
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
    # where an image's truth came from, and what was left out
    "reviewed or consensus": N_("reviewed or consensus"),
    "reviewed": N_("reviewed"),
    "consensus": N_("consensus"),
    "empty": N_("empty"),
    "not covered by the model run": N_("not covered by the model run"),
    # where a slice was sent
    "assignments": N_("assignments"),
    "package": N_("package"),
    # assignment tasks
    "annotate": N_("annotate"),
    "review": N_("review"),
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


def truth_word(description: str) -> str:
    """A diagnosis's truth: the default rule's words translated, a person's name as it is."""
    return word(description) if description == "reviewed or consensus" else description
