"""The bad-input corpus: hostile and unlucky files, made at test time (no binary blobs).

Each case is a file a person could really hand to ``labeler import``, with the
outcome expected of it: images that must import (tiny ones, a thin strip, a PNG
with its EXIF after the pixels) and images that must be skipped with a reason
(empty, truncated, not an image, a decompression bomb); annotation files whose
shapes must be reported as dropped or altered (boxes outside the image or of no
size, degenerate and collinear polygons, labelme circles, lines and points, COCO
RLE) and malformed files that must be refused with their location.

:func:`write_image_corpus` and :func:`write_annotation_corpus` write them into a
folder and return the cases; ``tests/core/test_bad_input_corpus.py`` runs them and
``docs/reliability.md`` tabulates the outcomes.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

# Formats Pillow writes that labeler imports, by file suffix.
TINY_FORMATS = {".png": "PNG", ".bmp": "BMP", ".tif": "TIFF", ".webp": "WEBP", ".jpg": "JPEG"}
TINY_SIZES = ((1, 1), (2, 3), (3, 3))

# The corpus's good image for annotations: every annotation file refers to it.
GOOD_SIZE = (200, 100)


@dataclass(frozen=True)
class ImageCase:
    """One image file of the corpus and what importing it must do."""

    name: str
    data: bytes
    imported: bool
    reason: str = ""  # for skipped files: a fragment of the reason given
    size: tuple[int, int] | None = None  # for imported files: the oriented (width, height)
    about: str = ""  # what the case is, for the reliability table


@dataclass(frozen=True)
class AnnotationCase:
    """One annotation file of the corpus and the outcome expected of it.

    ``imported`` shapes are stored; ``issues`` are the ``(location, action)`` of
    every shape reported as dropped or altered; ``refused`` is a fragment of the
    reason when the whole file is refused (then nothing of it is stored).
    """

    name: str
    fmt: str
    text: str
    imported: int
    issues: tuple[tuple[str, str], ...] = ()
    refused: str = ""
    about: str = ""


def encode(width: int, height: int, fmt: str, seed: int = 0, **params: object) -> bytes:
    """A real image file of ``fmt`` (a Pillow format name), distinct per seed."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **params)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid greyscale PNG of ``width`` x ``height`` black pixels that is small on disk.

    900 megapixels by default in under 1 MB: every row is the same, so its
    deflate stream is one compressed block of rows repeated (a full flush makes
    the blocks independent) and the Adler-32 of all-zero data is computed directly.
    Decoding it would need ``width * height`` bytes of memory.
    """
    row = width + 1  # filter byte and pixels, all zero
    rows_per_block = 100
    while height % rows_per_block:
        rows_per_block -= 1
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(row * rows_per_block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    adler = ((row * height) % 65521) << 16 | 1
    stream = b"\x78\x9c" + block * (height // rows_per_block) + tail + struct.pack(">I", adler)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", stream)
        + _png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size but holds almost no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_with_late_exif(width: int, height: int, orientation: int) -> bytes:
    """A PNG whose eXIf chunk (with ``orientation``) comes after the pixel data."""
    data = encode(width, height, "PNG", seed=7)
    exif = Image.Exif()
    exif[0x0112] = orientation
    raw = exif.tobytes().removeprefix(b"Exif\x00\x00")  # PNG's eXIf holds bare TIFF data
    end = data.rindex(b"IEND") - 4  # the IEND chunk starts with its length
    return data[:end] + _png_chunk(b"eXIf", raw) + data[end:]


def image_cases() -> list[ImageCase]:
    """Every image case of the corpus."""
    cases: list[ImageCase] = []
    seed = 100
    for suffix, fmt in TINY_FORMATS.items():
        for width, height in TINY_SIZES:
            seed += 1
            cases.append(
                ImageCase(
                    f"tiny_{width}x{height}{suffix}",
                    encode(width, height, fmt, seed),
                    True,
                    size=(width, height),
                    about=f"{fmt} of {width}x{height} px",
                )
            )
    good_png = encode(300, 200, "PNG", seed=1)
    good_jpg = encode(320, 240, "JPEG", seed=2)
    good_tif = encode(64, 48, "TIFF", seed=3)
    good_webp = encode(64, 48, "WEBP", seed=4, lossless=True)
    cases += [
        ImageCase(
            "strip_1000x2.png",
            encode(1000, 2, "PNG", 5),
            True,
            size=(1000, 2),
            about="PNG strip 1000x2 px",
        ),
        ImageCase(
            "strip_2x1000.webp",
            encode(2, 1000, "WEBP", 6),
            True,
            size=(2, 1000),
            about="WebP strip 2x1000 px",
        ),
        ImageCase(
            "late_exif.png",
            png_with_late_exif(40, 20, 6),
            True,
            size=(20, 40),
            about="PNG with EXIF orientation 6 after the pixels",
        ),
        ImageCase(
            "png_named.jpg",
            encode(30, 20, "PNG", 8),
            True,
            size=(30, 20),
            about="PNG content with a .jpg name",
        ),
        ImageCase("empty.png", b"", False, "empty file", about="0-byte file"),
        ImageCase(
            "notes.jpg",
            b"a shopping list, not a photo",
            False,
            "not an image",
            about="text named .jpg",
        ),
        ImageCase(
            "noise.png",
            np.random.default_rng(1).bytes(5000),
            False,
            "not an image",
            about="random bytes named .png",
        ),
        ImageCase(
            "cut.jpg", good_jpg[: len(good_jpg) // 2], False, "truncated", about="JPEG cut in half"
        ),
        ImageCase(
            "cut.png", good_png[: len(good_png) // 2], False, "corrupt PNG", about="PNG cut in half"
        ),
        ImageCase(
            "cut.tif", good_tif[: len(good_tif) // 2], False, "truncated", about="TIFF cut in half"
        ),
        ImageCase(
            "cut.webp",
            good_webp[: len(good_webp) // 2],
            False,
            "unreadable image header",
            about="WebP cut in half",
        ),
        ImageCase(
            "header_only.bmp",
            encode(50, 40, "BMP", 9)[:60],
            False,
            "truncated",
            about="BMP header without pixels",
        ),
        ImageCase(
            "zero_width.png",
            png_claiming(0, 10),
            False,
            "not an image",
            about="PNG header claiming 0x10 px",
        ),
        ImageCase(
            "claims_200mp.png",
            png_claiming(20_000, 10_000),
            False,
            "too large",
            about="PNG header claiming 200 MP, no data",
        ),
        ImageCase(
            "bomb_900mp.png",
            png_bomb(),
            False,
            "too large: 30000x30000",
            about="real 900 MP PNG bomb (~0.9 MB)",
        ),
    ]
    return cases


def write_image_corpus(folder: Path) -> list[ImageCase]:
    """Write every image case into ``folder``; returns the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = image_cases()
    for case in cases:
        (folder / case.name).write_bytes(case.data)
    return cases


def _labelme(*shapes: dict[str, object], image: str = "good.png") -> str:
    width, height = GOOD_SIZE
    return json.dumps(
        {
            "version": "5.4.1",
            "flags": {},
            "shapes": list(shapes),
            "imagePath": image,
            "imageData": None,
            "imageWidth": width,
            "imageHeight": height,
        }
    )


def _lm(label: str, kind: str, points: list[list[float]]) -> dict[str, object]:
    return {"label": label, "shape_type": kind, "points": points, "group_id": None, "flags": {}}


def _coco(annotations: list[dict[str, object]]) -> str:
    width, height = GOOD_SIZE
    return json.dumps(
        {
            "images": [{"id": 1, "file_name": "good.png", "width": width, "height": height}],
            "categories": [{"id": 1, "name": "dent"}],
            "annotations": [
                {"id": i + 1, "image_id": 1, "category_id": 1, **a}
                for i, a in enumerate(annotations)
            ],
        }
    )


def _voc(*boxes: tuple[float, float, float, float]) -> str:
    width, height = GOOD_SIZE
    objects = "".join(
        f"<object><name>dent</name><bndbox><xmin>{a}</xmin><ymin>{b}</ymin><xmax>{c}</xmax>"
        f"<ymax>{d}</ymax></bndbox></object>"
        for a, b, c, d in boxes
    )
    return (
        f"<annotation><filename>good.png</filename><size><width>{width}</width>"
        f"<height>{height}</height><depth>3</depth></size>{objects}</annotation>"
    )


def annotation_cases() -> list[AnnotationCase]:
    """Every annotation case of the corpus (all refer to ``good.png``, 200x100 px)."""
    inside = _lm("dent", "rectangle", [[10, 10], [50, 40]])
    return [
        AnnotationCase(
            "circles.json",
            "labelme",
            _labelme(
                _lm("wheel", "circle", [[50, 50], [60, 50]]),
                _lm("wheel", "circle", [[120, 40], [120, 70]]),
            ),
            2,
            (("shapes[0]", "altered"), ("shapes[1]", "altered")),
            about="labelme circles (become 32-point polygons)",
        ),
        AnnotationCase(
            "lines_points.json",
            "labelme",
            _labelme(
                inside,
                _lm("lane", "line", [[0, 0], [50, 50]]),
                _lm("nose", "point", [[5, 5]]),
                _lm("road", "linestrip", [[0, 0], [9, 9], [20, 3]]),
                _lm("blob", "banana", [[1, 1], [9, 9]]),
            ),
            1,
            (
                ("shapes[1]", "dropped"),
                ("shapes[2]", "dropped"),
                ("shapes[3]", "dropped"),
                ("shapes[4]", "dropped"),
            ),
            about="labelme line, point, linestrip and an unknown shape type",
        ),
        AnnotationCase(
            "outside.json",
            "labelme",
            _labelme(
                inside,
                _lm("dent", "rectangle", [[300, 300], [400, 350]]),
                _lm("dent", "rectangle", [[150, 50], [260, 130]]),
            ),
            2,
            (("shapes[1]", "dropped"), ("shapes[2]", "altered")),
            about="boxes wholly outside the image (dropped) and sticking out (clipped)",
        ),
        AnnotationCase(
            "degenerate.json",
            "labelme",
            _labelme(
                inside,
                _lm("dent", "rectangle", [[10, 10], [10, 50]]),
                _lm("dent", "polygon", [[0, 0], [10, 10]]),
                _lm("dent", "polygon", [[0, 0], [10, 10], [20, 20]]),
                _lm("dent", "polygon", [[0, 0], [20, 20], [20, 0], [0, 20]]),
            ),
            2,
            (
                ("shapes[1]", "dropped"),
                ("shapes[2]", "dropped"),
                ("shapes[3]", "dropped"),
                ("shapes[4]", "altered"),
            ),
            about="zero-size box, 2-point and collinear polygons, a self-intersecting one",
        ),
        AnnotationCase(
            "coco_rle.json",
            "coco",
            _coco(
                [
                    {
                        "bbox": [10, 10, 30, 20],
                        "segmentation": {"counts": "abc", "size": [100, 200]},
                    },
                    {"bbox": [5, 5, 0, 0]},
                    {"bbox": [10, 10, 20, -5]},
                    {"bbox": [500, 500, 10, 10]},
                    {"bbox": [0, 0, 10, 10], "segmentation": [[0, 0, 5, 5, 10, 10]]},
                    {"bbox": [50, 50, 20, 20]},
                ]
            ),
            2,
            (
                ("annotations[0]", "altered"),
                ("annotations[1]", "dropped"),
                ("annotations[2]", "dropped"),
                ("annotations[3]", "dropped"),
                ("annotations[4]", "dropped"),
            ),
            about="COCO RLE (imported as its box), zero/negative/outside boxes, collinear polygon",
        ),
        AnnotationCase(
            "voc_bad_boxes.xml",
            "voc",
            _voc((11, 11, 50, 40), (31, 30, 30, 60), (300, 300, 320, 320)),
            1,
            (("object[2]", "dropped"), ("object[3]", "dropped")),
            about="VOC zero-width and outside boxes",
        ),
        AnnotationCase(
            "broken.json",
            "labelme",
            '{"shapes": [',
            0,
            refused="invalid JSON",
            about="labelme file cut off mid-way",
        ),
        AnnotationCase(
            "no_points.json",
            "labelme",
            _labelme({"label": "dent", "shape_type": "polygon"}),
            0,
            refused="missing required key 'points'",
            about="labelme shape without points",
        ),
        AnnotationCase(
            "bad_points.json",
            "labelme",
            _labelme(_lm("dent", "polygon", [[0, 0], [1], [3, 3]])),
            0,
            refused="expected an [x, y] pair",
            about="labelme point with one coordinate",
        ),
        AnnotationCase(
            "coco_bad_ref.json",
            "coco",
            json.dumps(
                {
                    "images": [{"id": 1, "file_name": "good.png"}],
                    "categories": [{"id": 1, "name": "dent"}],
                    "annotations": [
                        {"id": 1, "image_id": 9, "category_id": 1, "bbox": [1, 1, 5, 5]}
                    ],
                }
            ),
            0,
            refused="image_id 9 does not match",
            about="COCO annotation of an unknown image",
        ),
        AnnotationCase(
            "entities.xml",
            "voc",
            '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><annotation>&x;'
            "</annotation>",
            0,
            refused="<!DOCTYPE declarations are refused",
            about="VOC with entities",
        ),
        # YOLO names the image by the label file's stem: one folder per case.
        AnnotationCase(
            "yolo_degenerate/good.txt",
            "yolo",
            "0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0 0.1\n0 0.1 0.1 0.2 0.2 0.3 0.3\n0 0.9 0.5 0.4 0.2\n",
            2,
            (("line 2", "dropped"), ("line 3", "dropped"), ("line 4", "altered")),
            about="YOLO zero-width box, collinear polygon, box sticking out",
        ),
        AnnotationCase(
            "yolo_outside/good.txt",
            "yolo",
            "0 0.5 0.5 0.2 0.2\n0 1.5 0.5 0.2 0.2\n",
            0,
            refused="line 2: x_center = 1.5 is outside [0, 1]",
            about="YOLO coordinate outside [0, 1]",
        ),
    ]


def write_annotation_corpus(folder: Path) -> list[AnnotationCase]:
    """Write every annotation case into ``folder`` (one file each); returns the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = annotation_cases()
    for case in cases:
        (folder / case.name).parent.mkdir(parents=True, exist_ok=True)
        (folder / case.name).write_text(case.text, encoding="utf-8")
    return cases


def write_good_image(folder: Path) -> Path:
    """The image every annotation case refers to (``good.png``, 200x100)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "good.png"
    path.write_bytes(encode(*GOOD_SIZE, "PNG", seed=42))
    return path
