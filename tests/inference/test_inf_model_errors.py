"""Every bad model or config gives our own error with a message naming the file and problem."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from inference_graphs import (
    NAMES_META,
    V8_ROWS,
    const_model,
    identity_model,
    v8_output,
    write_json,
)
from onnx import TensorProto, helper, numpy_helper

from inference import (
    ClassCountError,
    ModelConfigError,
    ModelError,
    ModelLayoutError,
    ModelNotFoundError,
    NotOnnxError,
    UnsafeModelError,
    load_model,
)


def test_missing_file(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"nope\.onnx: model file not found"):
        load_model(tmp_path / "nope.onnx", device="cpu")


def test_jpeg_renamed_to_onnx(tmp_path):
    path = tmp_path / "x.onnx"
    cv2.imwrite(str(tmp_path / "x.jpg"), np.zeros((8, 8, 3), np.uint8))
    path.write_bytes((tmp_path / "x.jpg").read_bytes())
    with pytest.raises(NotOnnxError, match=r"^x\.onnx is not an ONNX model: the file is a JPEG"):
        load_model(path, device="cpu")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"<html><body>404</body></html>", "text or HTML"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\n", "git lfs pull"),
        (os.urandom(64), "not an ONNX model"),
    ],
)
def test_other_non_onnx_files(tmp_path, content, reason):
    path = tmp_path / "m.onnx"
    path.write_bytes(content)
    with pytest.raises(NotOnnxError, match=reason):
        load_model(path, device="cpu")


def test_rank3_input(tmp_path):
    path = identity_model(tmp_path / "r3.onnx", [1, 3, 640])
    with pytest.raises(
        ModelLayoutError, match=r"r3\.onnx: input 'images' has rank 3 \(1, 3, 640\)"
    ):
        load_model(path, device="cpu")


def test_channels_last_input(tmp_path):
    path = identity_model(tmp_path / "nhwc.onnx", [1, 640, 640, 3])
    with pytest.raises(ModelLayoutError, match="channels last"):
        load_model(path, device="cpu")


def test_unknown_output_layout_names_the_shapes(tmp_path):
    path = const_model(
        tmp_path / "odd.onnx", {"a": np.zeros((1, 2, 3, 4, 5)), "b": np.zeros((1, 7))}
    )
    with pytest.raises(ModelLayoutError) as info:
        load_model(path, device="cpu")
    message = str(info.value)
    assert "odd.onnx: output layout not recognised" in message
    assert "a (1, 2, 3, 4, 5), b (1, 7)" in message
    assert "set 'task'" in message


def test_class_count_mismatch_with_config(tmp_path):
    path = const_model(tmp_path / "coco.onnx", {"output0": np.zeros((1, 84, 8400))})
    write_json(tmp_path / "coco.json", {"names": ["a", "b", "c"]})
    with pytest.raises(ClassCountError) as info:
        load_model(path, device="cpu")
    assert "84 channels = 4 box + 80 classes, but coco.json lists 3 names" in str(info.value)
    assert str(info.value).startswith("coco.onnx: output output0 (1, 84, 8400)")


def test_class_count_mismatch_with_metadata(tmp_path):
    path = const_model(
        tmp_path / "m.onnx", {"output0": np.zeros((1, 7, 50))}, metadata={"names": NAMES_META}
    )
    with pytest.raises(ClassCountError, match="3 classes, but its metadata 'names' lists 2"):
        load_model(path, device="cpu")


def test_bad_metadata_names_are_never_evaluated(tmp_path):
    path = const_model(
        tmp_path / "m.onnx",
        {"output0": v8_output(V8_ROWS, nc=2)},
        metadata={"names": "__import__('os').system('echo hacked')"},
    )
    with pytest.raises(ModelError, match="metadata 'names' is not a readable"):
        load_model(path, device="cpu")


def _external_model(tmp_path: Path, location: str) -> Path:
    """A model whose one initializer claims to live in an external file at ``location``."""
    weight = numpy_helper.from_array(np.zeros((1, 6, 10), np.float32), "w")
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "240")):
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("Identity", ["w"], ["output0"])
    inp = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64, 64])
    out = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 6, 10])
    graph = helper.make_graph([node], "g", [inp], [out], initializer=[weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    path = folder / "ext.onnx"
    path.write_bytes(model.SerializeToString())
    return path


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("../secret.bin", "outside the model's folder"),
        ("sub/../../secret.bin", "outside the model's folder"),
        ("/etc/passwd", "absolute path"),
    ],
)
def test_external_data_escaping_the_folder_is_refused(tmp_path, location, problem):
    (tmp_path / "secret.bin").write_bytes(bytes(240))
    path = _external_model(tmp_path, location)
    with pytest.raises(UnsafeModelError) as info:
        load_model(path, device="cpu")
    assert str(info.value).startswith(f"ext.onnx: tensor 'w' stores its data in {location!r}")
    assert problem in str(info.value)


def test_external_data_through_a_symlink_is_refused(tmp_path):
    (tmp_path / "secret.bin").write_bytes(bytes(240))
    path = _external_model(tmp_path, "link.bin")
    (path.parent / "link.bin").symlink_to(tmp_path / "secret.bin")
    with pytest.raises(UnsafeModelError, match="resolves outside"):
        load_model(path, device="cpu")


def test_missing_external_data_file(tmp_path):
    path = _external_model(tmp_path, "weights.bin")
    with pytest.raises(ModelNotFoundError, match=r"'weights\.bin', but that file is missing"):
        load_model(path, device="cpu")


def test_external_data_inside_the_folder_loads(tmp_path):
    src = const_model(tmp_path / "tmp.onnx", {"output0": v8_output(V8_ROWS, nc=2)})
    model = onnx.load(src)
    path = tmp_path / "inside.onnx"
    onnx.save(model, path, save_as_external_data=True, location="inside.bin", size_threshold=1024)
    assert (tmp_path / "inside.bin").exists()
    loaded = load_model(path, device="cpu")
    assert len(loaded.predict([np.zeros((720, 1280, 3), np.uint8)])[0]) == 3


def test_custom_op_domains_are_not_loaded(tmp_path):
    path = identity_model(tmp_path / "custom.onnx", [1, 3, 64, 64], domain="com.example.evil")
    with pytest.raises(ModelError) as info:
        load_model(path, device="cpu")
    assert str(info.value).startswith("custom.onnx could not be loaded by ONNX Runtime")
    assert "custom-op libraries are never loaded" in str(info.value)


def test_config_errors_name_the_file_and_field(tmp_path, v8_path):
    cases = [
        ({"confidence": 0.3}, r"v8\.json: unknown field 'confidence'"),
        ({"conf": 1.5}, r"v8\.json: conf must be a number from 0 to 1, got 1\.5"),
        ({"max_det": 0}, "max_det must be a whole number"),
        ({"task": "pose"}, "task 'pose' is not one of"),
        ({"names": ["a", "a"]}, "names lists a more than once"),
        ({"input_size": [640]}, "input_size must be a size like 640"),
        ({"input_size": 320}, r"input_size \[320, 320\] but v8\.onnx has a fixed input of 640x640"),
        ({"class_map": {"scratchh": "x"}}, "class_map names 'scratchh', which the model"),
        ({"task": "classify"}, r"v8\.json sets task 'classify'"),
    ]
    for data, message in cases:
        write_json(tmp_path / "v8.json", data)
        with pytest.raises(ModelError, match=message):
            load_model(v8_path, device="cpu")


def test_invalid_json_and_two_configs(tmp_path, v8_path):
    (tmp_path / "v8.json").write_text('{"conf": 0.3,}', encoding="utf-8")
    with pytest.raises(ModelConfigError, match=r"v8\.json: not valid JSON \(line 1"):
        load_model(v8_path, device="cpu")
    (tmp_path / "v8.yaml").write_text("conf: 0.3\n", encoding="utf-8")
    with pytest.raises(ModelConfigError, match="keep only one config file"):
        load_model(v8_path, device="cpu")


def test_yaml_config(tmp_path, v8_path):
    pytest.importorskip("yaml")
    (tmp_path / "v8.yaml").write_text(
        "task: detect\nnames: [dent, rust]\nconf: 0.65\nclass_map:\n  dent: Dent\n  rust: null\n",
        encoding="utf-8",
    )
    model = load_model(v8_path, device="cpu")
    assert model.info.class_names == ("dent", "rust")
    [det] = model.predict([np.zeros((720, 1280, 3), np.uint8)])[0]
    assert det.class_name == "Dent"


def test_explicit_config_path_must_exist(tmp_path, v8_path):
    with pytest.raises(ModelConfigError, match="config file not found"):
        load_model(v8_path, device="cpu", config_path=tmp_path / "missing.json")
