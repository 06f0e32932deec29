"""Model folders and manifests: add, resolve, check, and malformed manifests named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core import segment_models
from labeler.core.segment_models import (
    ModelFileProblem,
    ModelManifestError,
    UnknownModelError,
    add_model,
    check_models,
    file_sha256,
    list_models,
    project_models_dir,
    read_manifest,
    segmenter_files,
    user_models_dir,
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "src").mkdir()
    encoder, decoder = tmp_path / "src" / "a.encoder.onnx", tmp_path / "src" / "a.decoder.onnx"
    encoder.write_bytes(b"encoder bytes")
    decoder.write_bytes(b"decoder bytes")
    return {"encoder": encoder, "decoder": decoder}


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LABELER_MODELS_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(segment_models, "shipped_models_dir", lambda: tmp_path / "shipped")
    return tmp_path / "user"


def test_user_folder_follows_the_environment(user_dir, monkeypatch, tmp_path):
    assert user_models_dir() == user_dir
    monkeypatch.delenv("LABELER_MODELS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_models_dir() == tmp_path / "xdg" / "labeler" / "models"
    assert project_models_dir(tmp_path / "p.labeler") == tmp_path.resolve() / "models"


def test_add_copies_records_sha256_and_project_wins(files, user_dir, tmp_path):
    entry = add_model(user_dir, "sam", "segmenter", files, layout="sam")
    assert entry.file("encoder") == user_dir / "sam" / "encoder.onnx"
    assert entry.files[0].sha256 == file_sha256(files["encoder"])
    raw = json.loads((user_dir / "models.json").read_text())
    assert raw["models"][0]["files"]["decoder"]["path"] == "sam/decoder.onnx"
    project = tmp_path / "proj" / "p.labeler"
    project.parent.mkdir()
    add_model(project_models_dir(project), "sam", "segmenter", files, link=True)
    found = segmenter_files("sam", project)
    assert found.entry is not None and found.entry.source == "project"
    assert [e.source for e in list_models(project)][:2] == ["project", "user"]
    assert not list(user_dir.glob(".labeler-tmp-*"))


def test_check_names_missing_and_wrong_files(files, user_dir):
    entry = add_model(user_dir, "sam", "segmenter", files)
    entry.file("decoder").write_bytes(b"changed")
    entry.file("encoder").unlink()
    problems = [c.problem() for c in check_models([entry]) if not c.ok]
    assert len(problems) == 2
    assert "missing (sam encoder); expected a file with sha256" in problems[0]
    assert "wrong file for sam decoder" in problems[1]
    with pytest.raises(ModelFileProblem, match="missing"):
        segmenter_files("sam")


def test_resolve_paths_and_unknown_names(files, tmp_path):
    pair = segmenter_files(str(files["encoder"]))
    assert pair.decoder == files["decoder"] and pair.name == "a"
    folder = tmp_path / "folder_model"
    folder.mkdir()
    (folder / "encoder.onnx").write_bytes(b"e")
    (folder / "decoder.onnx").write_bytes(b"d")
    assert segmenter_files(str(folder)).encoder == folder / "encoder.onnx"
    with pytest.raises(UnknownModelError, match="no segmenter called 'nope'"):
        segmenter_files("nope")
    with pytest.raises(ModelFileProblem, match="not found"):
        segmenter_files(str(tmp_path / "gone.onnx"))
    lonely = tmp_path / "lonely.onnx"
    lonely.write_bytes(b"x")
    with pytest.raises(ModelFileProblem, match="no decoder beside"):
        segmenter_files(str(lonely))


def test_add_refuses_bad_requests(files, user_dir):
    with pytest.raises(ModelManifestError, match="needs the files encoder, decoder"):
        add_model(user_dir, "x", "segmenter", {"encoder": files["encoder"]})
    with pytest.raises(ModelManifestError, match="no slashes"):
        add_model(user_dir, "../x", "segmenter", files)
    add_model(user_dir, "x", "segmenter", files)
    with pytest.raises(ModelManifestError, match="--replace"):
        add_model(user_dir, "x", "segmenter", files)
    add_model(user_dir, "x", "segmenter", files, replace=True)
    assert [e.name for e in read_manifest(user_dir)] == ["x"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a readable JSON manifest"),
        ('{"models": {}}', "'models' list"),
        ('{"models": [{"name": "m", "kind": "tracker", "files": {}}]}', "'kind' must be"),
        (
            '{"models": [{"name": "m", "kind": "detector", "files": '
            '{"model": {"path": "../m.onnx", "sha256": "' + "a" * 64 + '"}}}]}',
            "must be relative",
        ),
        (
            '{"models": [{"name": "m", "kind": "detector", "files": '
            '{"model": {"path": "m.onnx", "sha256": "short"}}}]}',
            "64 hex digits",
        ),
    ],
)
def test_malformed_manifests_are_named(user_dir, content, message):
    user_dir.mkdir(parents=True)
    (user_dir / "models.json").write_text(content)
    with pytest.raises(ModelManifestError, match=message) as caught:
        list_models()
    assert "models.json" in str(caught.value)
