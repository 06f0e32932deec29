"""Label errors against predictions, class balance, and what to label next."""

from __future__ import annotations

from pathlib import Path

from labeler.core.curation.balance import BalanceConfig, class_balance
from labeler.core.curation.label_errors import Labeled, find_label_errors, image_label_errors
from labeler.core.curation.stats import StatsCache
from labeler.core.curation.suggest import SuggestConfig, class_rarity, suggest_images
from labeler.core.domain import Prediction
from labeler.core.geometry import Box, Tag
from labeler.core.importing import import_images
from labeler.demo.synth import write_dataset
from tests.core.export.helpers import label_with_truth, new_project


def _pred(pid: int, cls: int, box: Box, score: float, image_id: int = 1) -> Prediction:
    return Prediction(pid, 1, image_id, cls, box, score)


def test_overlooked_swapped_and_badly_placed_objects_are_flagged() -> None:
    labels = [
        Labeled(10, 1, Box(0, 0, 10, 10)),
        Labeled(11, 1, Box(50, 50, 60, 60)),
        Labeled(12, 2, Box(100, 100, 120, 120)),
        Labeled(13, 3, Tag()),
    ]
    predictions = [
        _pred(1, 1, Box(0, 0, 10, 10), 0.99),  # agrees
        _pred(2, 2, Box(50, 50, 60, 60), 0.9),  # other class: swapped
        _pred(3, 2, Box(104, 104, 124, 124), 0.95),  # same class, IoU 0.47: bad location
        _pred(4, 1, Box(200, 200, 230, 230), 0.97),  # nothing labeled there: overlooked
        _pred(5, 1, Box(300, 300, 330, 330), 0.3),  # not confident: ignored
    ]
    issues = image_label_errors(1, labels, predictions)
    found = {(i.kind, i.annotation_id, i.prediction_id) for i in issues}
    assert found == {("swapped", 11, 2), ("bad_location", 12, 3), ("overlooked", None, 4)}
    report = find_label_errors({1: labels}, {1: predictions, 2: []})
    assert report.counts() == {"bad_location": 1, "overlooked": 1, "swapped": 1}
    assert report.images_checked == 2


def test_class_balance_calls_out_rare_classes() -> None:
    names = {1: "scratch", 2: "crack", 3: "dent"}
    labels = [(i, 1) for i in range(60)] + [(i, 2) for i in range(30)] + [(0, 3), (0, 3)]
    report = class_balance(names, labels, BalanceConfig(rare_share=0.05, min_objects=10))
    assert report.rare == ["dent"]
    assert report.imbalance_ratio == 30.0
    dent = report.classes[2]
    assert (dent.objects, dent.images) == (2, 1)
    assert class_balance(names, []).imbalance_ratio is None


def test_rarity_scales_the_rarest_class_to_one() -> None:
    rarity = class_rarity({1: 99, 2: 9}, [1, 2, 3])
    assert rarity[3] == 1.0 and rarity[2] == 0.1 and rarity[1] == 0.01


def test_suggest_ranks_uncertain_and_rare_first_one_per_cluster(tmp_path: Path) -> None:
    samples = write_dataset(tmp_path / "images", 6, seed=5, width=320, height=240, unsuitable=True)
    project = new_project(tmp_path / "p.labeler")
    import_images(project, [tmp_path / "images"])
    label_with_truth(project, samples[:1])  # synth_0000 labeled
    ids = {project.image_path(r).name: r.id for r in project.images()}
    classes = {c.name: c.id for c in project.classes()}
    run = project.start_model_run("a" * 64, "demo", {}, "cpu")
    box = Box(10, 10, 60, 60)
    project.add_predictions(run.id, ids["synth_0002.jpg"], [(classes["crack"], box, 0.5)])
    project.add_predictions(run.id, ids["synth_0003.jpg"], [(classes["scratch"], box, 0.95)])
    project.add_predictions(run.id, ids["synth_0004.jpg"], [])
    cache = StatsCache(None)
    ranked = suggest_images(project, n=10, cache=cache)
    names = [project.image_path(project.image(s.image_id)).name for s in ranked]
    assert names[0] == "synth_0002.jpg"  # uncertain and of a class nobody labeled much
    assert "synth_0000.jpg" not in names  # labeled
    # synth_0001 and its near duplicate: only one of them is suggested
    assert ("synth_0001.jpg" in names) != ("synth_0007_near_duplicate.jpg" in names)
    # the blurry and dark copies of labeled synth_0000... and of 0002/0003 cluster with them
    assert len(names) == len(set(names))
    assert ranked[names.index("synth_0004.jpg")].uncertainty == 0.25
    plain = suggest_images(project, n=2, config=SuggestConfig(diversity=False))
    assert len(plain) == 2 and plain[0].image_id == ids["synth_0002.jpg"]
    project.close()
