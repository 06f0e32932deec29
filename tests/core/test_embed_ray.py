"""``labeler embed --engine ray`` on a real local Ray cluster: same embeddings as locally."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from labeler.core.embedding_cache import EmbeddingCache
from labeler.core.importing import import_images
from labeler.core.prelabel_ray import RayOptions
from labeler.core.segment_models import SegmenterFiles
from labeler.core.store import Project

sys.path.insert(0, str(Path(__file__).parents[1] / "inference"))
from segmentation_graphs import write_pair

pytestmark = [pytest.mark.ray, pytest.mark.slow, pytest.mark.filterwarnings("ignore:::ray.*")]


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_embeddings_match_local_ones_and_skip_cached(cluster, tmp_path):
    from inference.segmentation import load_segmenter
    from labeler.core.embed_ray import embed_images_on_ray

    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for n in range(5):
        cv2.imwrite(str(folder / f"i{n}.png"), rng.integers(0, 255, (120, 160, 3), np.uint8))
    (folder / "broken.png").write_bytes(b"\x89PNG not really")
    encoder, decoder = write_pair(tmp_path / "graphs", "sam")
    files = SegmenterFiles("tiny", encoder, decoder)
    local = load_segmenter(encoder, decoder, ["CPUExecutionProvider"])
    model = local.info.model_sha256
    with Project.create(tmp_path / "p.labeler", ["dent"]) as project:
        import_images(project, [folder])
        records = project.images()
        assert len(records) == 5
        cache = EmbeddingCache.for_project(project.path)
        first = records[0]
        rgb = cv2.imread(str(project.image_path(first)))[:, :, ::-1].copy()
        cache.put(first.sha256, local.encode(rgb))
        options = RayOptions(workers=2, cpus_per_worker=1.0)
        summary = embed_images_on_ray(
            project, records, files, cache, model, options=options, shard_size=2
        )
        assert summary.encoded == 4 and summary.skipped_cached == 1 and not summary.failed
        assert summary.shards == 2 and summary.provider == "CPUExecutionProvider"
        for record in records[1:]:
            remote = EmbeddingCache.for_project(project.path).get(record.sha256, model)
            assert remote is not None
            rgb = cv2.imread(str(project.image_path(record)))[:, :, ::-1].copy()
            assert remote.same_arrays(local.encode(rgb).arrays)
        again = embed_images_on_ray(project, records, files, cache, model, options=options)
        assert again.encoded == 0 and again.skipped_cached == 5 and again.shards == 0


def test_cli_embed_on_ray_uses_the_running_cluster(cluster, tmp_path, capsys):
    import json

    from labeler.cli import main

    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(4)
    for n in range(3):
        cv2.imwrite(str(folder / f"c{n}.png"), rng.integers(0, 255, (90, 120, 3), np.uint8))
    write_pair(tmp_path / "graphs", "sam")
    project_path = tmp_path / "c.labeler"
    with Project.create(project_path, ["dent"]) as project:
        import_images(project, [folder])
    model = str(tmp_path / "graphs" / "sam.encoder.onnx")
    args = ["embed", str(project_path), "--model", model, "--engine", "ray", "--json"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["engine"] == "ray" and summary["encoded"] == 3 and summary["workers"] == 2
    assert len(list((tmp_path / "c.cache" / "embeddings").rglob("*.npz"))) == 3
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["skipped_cached"] == 3
    gpus = [*args[:-1], "--workers", "1", "--gpus-per-worker", "1", "--cache-dir",
            str(tmp_path / "empty")]  # nothing cached: the run has work to place
    assert main(gpus) == 2  # a CPU-only cluster: refused before any actor waits for a GPU
    assert "--gpus-per-worker" in capsys.readouterr().err
