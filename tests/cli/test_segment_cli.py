"""``labeler models``, ``segment`` and ``embed`` on tiny SAM-layout graphs (no torch)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from labeler.cli import main
from labeler.core import segment_models
from labeler.core.importing import import_images
from labeler.core.store import Project

sys.path.insert(0, str(Path(__file__).parents[1] / "inference"))
from segmentation_graphs import RADIUS, write_pair


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A project of three distinct 400 x 300 images and a tiny SAM pair; no model folders."""
    monkeypatch.setenv("LABELER_MODELS_DIR", str(tmp_path / "user-models"))
    monkeypatch.setattr(segment_models, "shipped_models_dir", lambda: tmp_path / "no-shipped")
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(3):
        image = np.full((300, 400, 3), 30 * (i + 1), np.uint8)
        assert cv2.imwrite(str(folder / f"shot{i}.png"), image)
    project_path = tmp_path / "p.labeler"
    with Project.create(project_path, ["dent"], kind="polygon") as project:
        assert import_images(project, [folder]).added == 3
    write_pair(tmp_path / "graphs", "sam")
    return project_path, tmp_path / "graphs"


def _add(graphs: Path, *extra: str) -> int:
    return main(
        [
            "models",
            "add",
            "tiny",
            "--encoder",
            str(graphs / "sam.encoder.onnx"),
            "--decoder",
            str(graphs / "sam.decoder.onnx"),
            *extra,
        ]
    )


def test_models_add_list_check_and_a_wrong_file(setup, capsys):
    project_path, graphs = setup
    assert _add(graphs) == 0
    out = capsys.readouterr().out
    assert "layout sam" in out and "sha256" in out
    assert main(["models", "list", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["models"]
    assert entry["name"] == "tiny" and entry["kind"] == "segmenter" and entry["layout"] == "sam"
    assert entry["source"] == "user"
    assert main(["models", "check"]) == 0
    assert "2 of 2 files ok" in capsys.readouterr().out
    decoder = Path(entry["files"]["decoder"]["path"])
    decoder.write_bytes(b"not the decoder")
    assert main(["models", "check"]) == 2
    out = capsys.readouterr().out
    assert "wrong file for tiny decoder" in out and entry["files"]["decoder"]["sha256"] in out
    decoder.unlink()
    assert main(["models", "check", "--json"]) == 2
    checks = json.loads(capsys.readouterr().out)
    assert not checks["ok"] and any(c["actual_sha256"] is None for c in checks["files"])
    assert main(["segment", str(project_path), "shot0.png", "--point", "1,1"]) == 2
    assert "missing" in capsys.readouterr().err


def test_add_refuses_a_duplicate_and_a_non_decoder(setup, capsys):
    project_path, graphs = setup
    assert _add(graphs, "--project", str(project_path)) == 0
    capsys.readouterr()
    assert (project_path.parent / "models" / "models.json").is_file()
    assert _add(graphs, "--project", str(project_path)) == 2
    assert "--replace" in capsys.readouterr().err
    code = main(
        [
            "models",
            "add",
            "bad",
            "--encoder",
            str(graphs / "sam.encoder.onnx"),
            "--decoder",
            str(graphs / "sam.encoder.onnx"),
        ]
    )
    assert code == 2
    assert "not a prompt decoder" in capsys.readouterr().err


def test_segment_prints_polygon_score_and_timings(setup, capsys):
    project_path, graphs = setup
    assert _add(graphs) == 0
    capsys.readouterr()
    args = ["segment", str(project_path), "shot1.png", "--point", "200,150", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["segmented"] and first["embedding"] == "encoded" and first["encode_ms"] > 0
    assert first["model"]["layout"] == "sam" and first["prompt"]["labels"] == [1]
    [ring] = first["polygons"]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    radius = 2 * RADIUS * 400 / 1024  # the best multimask output of the tiny decoder
    assert abs((min(xs) + max(xs)) / 2 - 200) < 2 and abs(max(ys) - min(ys) - 2 * radius) < 3
    assert first["vertices"] == [len(ring)] and len(ring) >= 8
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["embedding"] == "disk" and second["encode_ms"] == 0
    assert second["polygons"] == first["polygons"]
    image_id = first["image"]["id"]
    box = [
        "segment",
        str(project_path),
        str(image_id),
        "--box",
        "20,20,120,100",
        "--negative",
        "300,200",
        "--tolerance",
        "0.5",
    ]
    assert main(box) == 0
    out = capsys.readouterr().out
    assert "polygon 1 (" in out and "decoder" in out and "encoder cached" in out


def test_segment_errors_are_messages(setup, capsys):
    project_path, graphs = setup
    assert main(["segment", str(project_path), "shot0.png", "--point", "1,1"]) == 2
    assert "labeler models add" in capsys.readouterr().err  # no model anywhere yet
    assert _add(graphs) == 0
    capsys.readouterr()
    assert main(["segment", str(project_path), "nope.png", "--point", "1,1"]) == 2
    assert "no image 'nope.png'" in capsys.readouterr().err
    assert main(["segment", str(project_path), "shot0.png", "--point", "1"]) == 2
    assert "expected 2 numbers" in capsys.readouterr().err
    assert main(["segment", str(project_path), "shot0.png"]) == 2
    assert "at least one point or a box" in capsys.readouterr().err
    assert (
        main(
            [
                "segment",
                str(project_path),
                "shot0.png",
                "--point",
                "1,1",
                "--model",
                "missing-model",
            ]
        )
        == 2
    )
    assert "no segmenter called 'missing-model'" in capsys.readouterr().err


def test_embed_skips_cached_images(setup, capsys):
    project_path, graphs = setup
    model = str(graphs / "sam.encoder.onnx")
    assert (
        main(
            [
                "segment",
                str(project_path),
                "shot0.png",
                "--point",
                "5,5",
                "--model",
                model,
                "--json",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["embed", str(project_path), "--model", model, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["encoded"] == 2 and summary["skipped_cached"] == 1
    assert summary["encode_ms_per_image"] > 0 and not summary["cancelled"]
    cache = project_path.with_name("p.cache") / "embeddings"
    assert len(list(cache.rglob("*.npz"))) == 3
    assert main(["embed", str(project_path), "--model", model, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped_cached"] == 3


def test_embed_cancel_keeps_finished_images(setup):
    from inference.segmentation import load_segmenter
    from labeler.core.embedding_cache import EmbeddingCache
    from labeler.core.progress import Progress
    from labeler.core.segment_images import embed_images

    project_path, graphs = setup
    segmenter = load_segmenter(
        graphs / "sam.encoder.onnx", graphs / "sam.decoder.onnx", ["CPUExecutionProvider"]
    )
    cache = EmbeddingCache.for_project(project_path)
    progress = Progress(lambda done, _total, _m: progress.cancel() if done == 1 else None)
    with Project.open(project_path) as project:
        records = project.images()
        summary = embed_images(project, records, segmenter, cache, progress)
        assert summary.cancelled and summary.encoded == 1
        again = embed_images(project, records, segmenter, cache)
    assert again.skipped_cached == 1 and again.encoded == 2 and not again.cancelled


def test_embed_slice_encodes_only_the_slices_images(setup, capsys):
    project_path, graphs = setup
    model = str(graphs / "sam.encoder.onnx")
    with Project.open(project_path) as project:
        first = min(r.id for r in project.images())
    assert main(["slice", str(project_path), "save", "one", "--images", str(first)]) == 0
    capsys.readouterr()
    assert main(["embed", str(project_path), "--model", model, "--slice", "one", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["encoded"] == 1 and summary["skipped_cached"] == 0
    assert main(["embed", str(project_path), "--model", model, "--slice", "nope"]) == 2
