"""Promptable segmentation adapters on tiny real graphs in the SAM / SAM 2 / EfficientSAM layouts.

The decoders (see segmentation_graphs.py) paint disks centred on the mean of the positive
points and box corners, so the tests check layout detection, the coordinate transforms
into each model frame, padding points, the box encoding, mask choice and the way masks
return to the original image size.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from segmentation_graphs import (
    RADIUS,
    SAM2_IOU,
    SAM_IOU,
    sam2_encoder,
    sam_decoder,
    write_pair,
    wrong_decoder,
)

from inference.errors import (
    EmbeddingMismatchError,
    ImageDecodeError,
    NotOnnxError,
    PromptError,
    SegmenterLayoutError,
)
from inference.segmentation import ImageEmbedding, Prompt, load_segmenter, model_sha256
from inference.segmentation.frames import (
    Frame,
    encoder_input,
    frame_for,
    logits_to_mask_region,
    longest_side_hw,
)

CPU = ["CPUExecutionProvider"]
LAYOUTS = ["sam", "sam2", "sam2_osam", "efficientsam"]


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("segmentation_graphs")
    for layout in [*LAYOUTS, "sam_single"]:
        write_pair(folder, layout)
    return folder


def _load(graphs: Path, layout: str):
    return load_segmenter(
        graphs / f"{layout}.encoder.onnx", graphs / f"{layout}.decoder.onnx", providers=CPU
    )


def _centre(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.mean()), float(ys.mean())


def _radius(mask: np.ndarray) -> float:
    return float(np.sqrt(mask.sum() / np.pi))


def _image(h: int = 600, w: int = 800) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_detected_and_click_lands_where_clicked(graphs, layout):
    segmenter = _load(graphs, layout)
    expected = "sam2" if layout.startswith("sam2") else layout
    assert segmenter.info.layout == expected
    assert segmenter.info.input_size == 1024
    embedding = segmenter.encode(_image())
    assert embedding.original_hw == (600, 800)
    prediction = segmenter.decode(embedding, Prompt(points=((300.0, 200.0),), labels=(1,)))
    assert prediction.mask.shape == (600, 800) and prediction.mask.dtype == bool
    cx, cy = _centre(prediction.mask)
    assert abs(cx - 300) < 1.5 and abs(cy - 200) < 1.5
    assert prediction.decode_ms > 0 and embedding.encode_ms > 0


def test_sam_one_click_takes_best_multimask_output_in_longest_side_frame(graphs):
    segmenter = _load(graphs, "sam")
    prediction = segmenter.decode(
        segmenter.encode(_image()), Prompt(points=((300, 200),), labels=(1,))
    )
    # mask 1 has the best iou (SAM_IOU); radius 2 * RADIUS in the 1024 frame, 1024/800 scale
    assert prediction.score == pytest.approx(SAM_IOU[1])
    assert _radius(prediction.mask) == pytest.approx(2 * RADIUS * 800 / 1024, rel=0.03)


def test_sam_several_points_take_the_single_output_mask(graphs):
    segmenter = _load(graphs, "sam")
    prompt = Prompt(points=((300, 200), (340, 200), (100, 500)), labels=(1, 1, 0))
    prediction = segmenter.decode(segmenter.encode(_image()), prompt)
    assert prediction.score == pytest.approx(SAM_IOU[0])
    cx, cy = _centre(prediction.mask)  # the negative point does not move the centre
    assert abs(cx - 320) < 1.5 and abs(cy - 200) < 1.5


def test_sam_single_mask_export(graphs):
    segmenter = _load(graphs, "sam_single")
    prediction = segmenter.decode(
        segmenter.encode(_image()), Prompt(points=((300, 200),), labels=(1,))
    )
    assert _radius(prediction.mask) == pytest.approx(RADIUS * 800 / 1024, rel=0.04)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_box_and_box_plus_points(graphs, layout):
    segmenter = _load(graphs, layout)
    embedding = segmenter.encode(_image(480, 640))
    box = segmenter.decode(embedding, Prompt(box=(100, 100, 300, 200)))
    cx, cy = _centre(box.mask)
    assert abs(cx - 200) < 1.5 and abs(cy - 150) < 1.5
    both = segmenter.decode(
        embedding, Prompt(points=((400, 150),), labels=(1,), box=(100, 100, 300, 200))
    )
    cx, cy = _centre(both.mask)  # mean of the two corners and the point
    assert abs(cx - 800 / 3) < 1.5 and abs(cy - 450 / 3) < 1.5


def test_sam2_square_resize_keeps_tall_images_right(graphs):
    segmenter = _load(graphs, "sam2")
    prediction = segmenter.decode(
        segmenter.encode(_image(900, 300)), Prompt(points=((150, 700),), labels=(1,))
    )
    cx, cy = _centre(prediction.mask)
    assert abs(cx - 150) < 2 and abs(cy - 700) < 2
    assert prediction.score == pytest.approx(max(SAM2_IOU))


def test_portrait_image_in_sam_frame(graphs):
    segmenter = _load(graphs, "sam")
    prediction = segmenter.decode(
        segmenter.encode(_image(1000, 250)), Prompt(points=((125, 800),), labels=(1,))
    )
    cx, cy = _centre(prediction.mask)
    assert abs(cx - 125) < 1.5 and abs(cy - 800) < 1.5


@pytest.mark.parametrize("layout", ["sam", "sam2_osam"])
def test_photos_larger_than_the_model_frame_get_masks_at_full_size(graphs, layout):
    segmenter = _load(graphs, layout)
    embedding = segmenter.encode(_image(1500, 2000))
    prediction = segmenter.decode(embedding, Prompt(points=((1400.0, 900.0),), labels=(1,)))
    assert prediction.mask.shape == (1500, 2000)
    cx, cy = _centre(prediction.mask)
    assert abs(cx - 1400) < 3 and abs(cy - 900) < 3
    if layout == "sam":  # radius 2 * RADIUS in the 1024 frame, scale 2000 / 1024
        assert _radius(prediction.mask) == pytest.approx(2 * RADIUS * 2000 / 1024, rel=0.02)


def test_embedding_round_trips_through_npz(graphs, tmp_path):
    segmenter = _load(graphs, "sam2")
    embedding = segmenter.encode(_image())
    assert embedding.nbytes == sum(a.nbytes for a in embedding.arrays.values()) > 0
    embedding.save(tmp_path / "e.npz")
    loaded = ImageEmbedding.load(tmp_path / "e.npz")
    assert loaded.same_arrays(embedding.arrays)
    assert loaded.original_hw == embedding.original_hw
    assert loaded.model_sha256 == segmenter.info.model_sha256
    prompt = Prompt(points=((10, 20),), labels=(1,))
    assert np.array_equal(
        segmenter.decode(loaded, prompt).mask, segmenter.decode(embedding, prompt).mask
    )
    assert not list(tmp_path.glob(".labeler-tmp-*"))


def test_embedding_of_another_model_is_refused(graphs):
    sam, sam2 = _load(graphs, "sam"), _load(graphs, "sam2")
    with pytest.raises(EmbeddingMismatchError, match="encode the image again"):
        sam.decode(sam2.encode(_image()), Prompt(points=((1, 1),), labels=(1,)))


def test_info_hashes(graphs):
    import hashlib

    info = _load(graphs, "sam").info
    enc = hashlib.sha256((graphs / "sam.encoder.onnx").read_bytes()).hexdigest()
    assert info.encoder_sha256 == enc
    assert info.model_sha256 == model_sha256(enc, info.decoder_sha256) != enc
    assert info.name == "sam"


def test_wrong_decoder_layout_names_file_and_expectation(graphs, tmp_path):
    wrong = wrong_decoder(tmp_path / "mystery.onnx")
    with pytest.raises(SegmenterLayoutError) as caught:
        load_segmenter(graphs / "sam.encoder.onnx", wrong, providers=CPU)
    message = str(caught.value)
    assert "mystery.onnx" in message and "clicks" in message
    assert "point_coords" in message and "batched_point_coords" in message


def test_swapped_files_are_named(graphs):
    with pytest.raises(SegmenterLayoutError, match="encoder first"):
        load_segmenter(graphs / "sam.decoder.onnx", graphs / "sam.encoder.onnx", providers=CPU)


def test_encoder_of_wrong_family(graphs):
    with pytest.raises(SegmenterLayoutError, match=r"sam\.encoder\.onnx is not the encoder"):
        load_segmenter(graphs / "sam.encoder.onnx", graphs / "sam2.decoder.onnx", providers=CPU)


def test_encoder_outputs_pair_with_decoder_inputs_by_shape(tmp_path):
    encoder = sam2_encoder(tmp_path / "e.onnx")
    decoder = sam_decoder(tmp_path / "d.onnx")
    # no encoder output is called image_embeddings: the (1, 256, 64, 64) one feeds it
    segmenter = load_segmenter(encoder, decoder, providers=CPU)
    assert segmenter.info.layout == "sam"
    assert [t for _s, t in segmenter.layout.feeds] == ["image_embeddings"]


def test_not_onnx_and_missing(tmp_path, graphs):
    fake = tmp_path / "enc.onnx"
    fake.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    with pytest.raises(NotOnnxError, match=r"enc\.onnx"):
        load_segmenter(fake, graphs / "sam.decoder.onnx", providers=CPU)
    with pytest.raises(Exception, match="not found"):
        load_segmenter(tmp_path / "none.onnx", graphs / "sam.decoder.onnx", providers=CPU)


def test_bad_prompts_and_images(graphs):
    with pytest.raises(PromptError, match="at least one point or a box"):
        Prompt()
    with pytest.raises(PromptError, match="one label per point"):
        Prompt(points=((1, 2),), labels=())
    with pytest.raises(PromptError, match="1 \\(positive\\) or 0"):
        Prompt(points=((1, 2),), labels=(2,))
    with pytest.raises(PromptError, match="negative points only"):
        Prompt(points=((1, 2),), labels=(0,))
    with pytest.raises(PromptError, match="x2 > x1"):
        Prompt(box=(10, 10, 5, 20))
    segmenter = _load(graphs, "sam")
    with pytest.raises(ImageDecodeError, match="RGB"):
        segmenter.encode(np.zeros((10, 10), np.uint8))


def test_sam_preprocessing_resizes_longest_side_normalises_and_pads():
    image = np.full((300, 600, 3), (123, 116, 103), np.uint8)
    frame = frame_for("sam", (300, 600), (1024, 1024))
    assert frame.resized_hw == longest_side_hw((300, 600), 1024) == (512, 1024)
    blob = encoder_input("sam", image, frame, 1024)
    assert blob.shape == (1, 3, 1024, 1024) and blob.dtype == np.float32
    assert abs(float(blob[0, :, :512].mean())) < 0.02  # the SAM mean maps to ~0
    assert float(np.abs(blob[0, :, 512:]).max()) == 0.0  # padding below the image


def test_sam2_preprocessing_uses_imagenet_statistics():
    image = np.full((100, 50, 3), (124, 116, 104), np.uint8)
    frame = frame_for("sam2", (100, 50), (1024, 1024))
    blob = encoder_input("sam2", image, frame, 1024)
    assert blob.shape == (1, 3, 1024, 1024)
    assert abs(float(blob.mean())) < 0.01


def test_low_res_logits_upsampled_around_the_object_match_a_full_resize():
    # the region is upsampled with cv2.resize's own bilinear arithmetic: the same mask
    # as resizing the whole logit map, and every true pixel lies inside the region
    rng = np.random.default_rng(7)
    for _ in range(60):
        sh, sw = (int(v) for v in rng.integers(3, 257, 2))
        h, w = int(rng.integers(sh, 1800)), int(rng.integers(sw, 1800))
        logits = rng.normal(-4.0, 1.0, (sh, sw)).astype(np.float32)
        y, x = int(rng.integers(sh)), int(rng.integers(sw))
        logits[max(0, y - 9) : y + 7, max(0, x - 5) : x + 11] += 7.0
        full = cv2.resize(logits, (w, h), interpolation=cv2.INTER_LINEAR) > 0
        mask, region = logits_to_mask_region(logits, Frame((h, w), (h, w)), "sam2")
        assert mask.shape == (h, w)
        np.testing.assert_array_equal(mask, full)
        if full.any():
            ys, xs = np.nonzero(full)
            assert region is not None
            assert region[0] <= xs.min() and xs.max() < region[2]
            assert region[1] <= ys.min() and ys.max() < region[3]


def test_no_positive_logit_gives_an_empty_mask_and_no_region():
    mask, region = logits_to_mask_region(
        np.full((192, 256), -3.0, np.float32), Frame((1200, 1600), (768, 1024)), "sam"
    )
    assert mask.shape == (1200, 1600) and not mask.any() and region is None


def test_sam_decoders_are_asked_for_masks_no_larger_than_their_low_res_grid(graphs):
    # a 12 MP photo: the graph makes masks at the image's part of the 256 grid, not at
    # 3000 x 4000 (nor 768 x 1024); the chosen one comes back at the photo's size
    segmenter = _load(graphs, "sam")
    frame = frame_for("sam", (3000, 4000), (1024, 1024))
    assert segmenter._mask_size(frame) == (192, 256)
    assert segmenter._mask_size(frame_for("sam", (150, 200), (1024, 1024))) == (150, 200)
    sam2 = _load(graphs, "sam2_osam")
    assert sam2._mask_size(frame_for("sam2", (3000, 4000), (1024, 1024))) == (256, 256)


# --- real architectures (random weights) exported by packaging/export_sam_graphs.py ---

EXPORT_SCRIPT = Path(__file__).parents[2] / "packaging" / "export_sam_graphs.py"
REAL = {"sam": "sam_vit_b", "sam2": "sam2.1_hiera_tiny"}


@pytest.fixture(scope="session")
def real_graphs(request) -> Path:
    """The exported pairs, made once per script version (needs torch: dev machines only)."""
    import hashlib
    import importlib.util
    import os
    import subprocess
    import sys

    missing = [m for m in ("torch", "segment_anything", "sam2") if not importlib.util.find_spec(m)]
    if missing:
        pytest.skip(f"exporting real SAM graphs needs {', '.join(missing)} (dev-time only)")
    if os.environ.get("LABELER_SAM_GRAPHS"):
        folder = Path(os.environ["LABELER_SAM_GRAPHS"])
    elif getattr(request.config, "cache", None) is not None:
        folder = Path(request.config.cache.mkdir("sam_graphs"))
    else:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("sam_graphs")
    stamp = folder / "exported-by.sha256"
    key = hashlib.sha256(EXPORT_SCRIPT.read_bytes()).hexdigest()
    complete = all((folder / d / f).is_file() for d in REAL.values() for f in ("encoder.onnx",))
    if not (complete and stamp.is_file() and stamp.read_text() == key):
        result = subprocess.run(
            [sys.executable, str(EXPORT_SCRIPT), str(folder)],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        stamp.write_text(key)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("layout", sorted(REAL))
def test_real_architecture_segments_points_boxes_and_cached_embeddings(
    real_graphs, layout, tmp_path
):
    folder = real_graphs / REAL[layout]
    segmenter = load_segmenter(folder / "encoder.onnx", folder / "decoder.onnx", providers=CPU)
    assert segmenter.info.layout == layout and segmenter.info.input_size == 1024
    embedding = segmenter.encode(_image(240, 360))
    shapes = {name: a.shape for name, a in embedding.arrays.items()}
    assert (1, 256, 64, 64) in shapes.values()
    if layout == "sam2":
        assert shapes["high_res_feats_0"] == (1, 32, 256, 256)
    prompts = [
        Prompt(points=((100.0, 80.0),), labels=(1,)),
        Prompt(points=((100.0, 80.0), (300.0, 200.0)), labels=(1, 0)),
        Prompt(box=(40.0, 30.0, 200.0, 150.0)),
        Prompt(points=((120.0, 90.0),), labels=(1,), box=(40.0, 30.0, 200.0, 150.0)),
    ]
    embedding.save(tmp_path / "cached.npz")
    cached = ImageEmbedding.load(tmp_path / "cached.npz")
    for prompt in prompts:
        fresh = segmenter.decode(embedding, prompt)
        assert fresh.mask.shape == (240, 360) and fresh.mask.dtype == bool
        assert np.isfinite(fresh.score)
        assert np.array_equal(segmenter.decode(cached, prompt).mask, fresh.mask)


# --- the shipped demo segmenter (trained on the demo's generated damage) ---


def _demo_pair() -> tuple[Path, Path] | None:
    from labeler.core.segment_models import read_manifest, shipped_models_dir

    for entry in read_manifest(shipped_models_dir(), "shipped"):
        if entry.kind == "segmenter" and entry.name == "demo_segmenter":
            return entry.file("encoder"), entry.file("decoder")
    return None


def test_demo_segmenter_outlines_a_dent_from_one_click():
    import cv2

    from labeler.core.mask_polygons import mask_to_polygons
    from labeler.core.segment_models import verify_model
    from labeler.demo.synth import generate_image

    pair = _demo_pair()
    if pair is None:
        pytest.skip("the demo segmenter is not among the shipped models (labeler/data/models)")
    from labeler.core.segment_models import read_manifest, shipped_models_dir

    verify_model(next(e for e in read_manifest(shipped_models_dir()) if e.name == "demo_segmenter"))
    segmenter = load_segmenter(*pair, providers=CPU)
    assert segmenter.info.layout == "sam"
    rng = np.random.default_rng(20261202)
    ious = []
    while len(ious) < 3:
        sample = generate_image(rng, 960, 720)
        dents = [o for o in sample.objects if o.class_name == "dent" and o.polygon]
        if not dents:
            continue
        embedding = segmenter.encode(np.ascontiguousarray(sample.image[:, :, ::-1]))
        for dent in dents[:1]:
            polygon = np.asarray(dent.polygon, np.float64)
            truth = np.zeros((720, 960), np.uint8)
            cv2.fillPoly(truth, [np.round((polygon - 0.5) * 16).astype(np.int32)], 1, 8, 4)
            cx, cy = polygon.mean(axis=0)
            prediction = segmenter.decode(embedding, Prompt(points=((cx, cy),), labels=(1,)))
            both = np.logical_and(prediction.mask, truth > 0).sum()
            ious.append(both / np.logical_or(prediction.mask, truth > 0).sum())
            assert len(mask_to_polygons(prediction.mask, 1.0)[0]) >= 8
    assert float(np.mean(ious)) >= 0.8, ious  # 0.93 when it shipped


def test_external_data_outside_the_model_folder_is_refused(graphs, tmp_path):
    import onnx

    from inference.errors import UnsafeModelError

    model = onnx.load(str(graphs / "sam.decoder.onnx"))
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.ClearField("int64_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "../secret.bin"
    bad = tmp_path / "models" / "decoder.onnx"
    bad.parent.mkdir()
    onnx.save(model, str(bad))
    with pytest.raises(UnsafeModelError, match=r"outside the model's folder"):
        load_segmenter(graphs / "sam.encoder.onnx", bad, providers=CPU)
