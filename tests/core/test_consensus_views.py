"""One image, one answer: the views that judge a model agree on what it is judged against.

The triage panel's "model run vs consensus" (``disagreements_with_model``) and the QA
view's diagnosis (``diagnose``) both take diagnose's default truth: a reviewer's fix
and accepted objects count there, as they do in the diagnosis.
"""

from __future__ import annotations

from labeler.core.diagnosis import diagnose
from labeler.core.disagreements import DisagreementType, disagreements_with_model
from labeler.core.domain import Role
from labeler.core.geometry import Box
from labeler.core.store import Project


def test_triage_judges_a_model_against_diagnose_truth(project_with_images: Project) -> None:
    project = project_with_images
    ana = project.add_person("Ana", Role.ANNOTATOR).id
    ben = project.add_person("Ben", Role.ANNOTATOR).id
    rita = project.add_person("Rita", Role.REVIEWER).id
    wrong = project.add_annotation(1, 1, Box(10, 10, 40, 40), ana)
    project.add_annotation(1, 1, Box(11, 10, 41, 40), ben)
    project.add_annotation(2, 1, Box(0, 0, 30, 30), ana)  # image 2: a plain consensus
    project.add_annotation(2, 1, Box(1, 0, 31, 30), ben)
    for image in (1, 2):
        for person in (ana, ben):
            project.mark_answered(image, person)
    project.review_annotation(wrong.id, rita, "fix", reason="box", fix_geometry=Box(60, 60, 99, 99))
    run = project.start_model_run("c" * 64, "m", {}, "cpu")
    project.add_predictions(run.id, 1, [(1, Box(60, 60, 99, 99), 0.9)])
    project.add_predictions(run.id, 2, [(1, Box(100, 100, 140, 140), 0.8)])
    project.finish_model_run(run.id)
    truth = diagnose(project, run.id).truth
    assert truth.sources == {1: "reviewed", 2: "consensus"}
    assert [s.geometry for s in truth.shapes[1]] == [Box(60, 60, 99, 99)]
    found = disagreements_with_model(project, run.id)
    # image 1: the model found the fixed box, as the diagnosis says; image 2: it missed
    # the consensus box (Ana's, overlapping Ben's most) and found one nobody drew
    assert sorted((d.image_id, d.type, d.a_id) for d in found) == [
        (2, DisagreementType.EXTRA, None),
        (2, DisagreementType.MISSING, truth.shapes[2][0].id),
    ]
