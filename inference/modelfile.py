"""Checks on a model file: exists, is ONNX, safe, one NCHW image input.

Two ways, with the same checks and messages:

- :func:`inspect_model_file` parses the file with the ``onnx`` package (with
  ``load_external_data=False``) before any session exists, so no external tensor file is
  opened before its location has been checked to stay inside the model's folder.
- :func:`describe_session` reads the same facts from a live ONNX Runtime session. It is the
  fast path (importing ``onnx`` costs 1-4 s) and is only taken when :func:`needs_onnx_check`
  says the bytes cannot refer to external data: ONNX Runtime finds an external tensor only
  through a ``location`` entry, so a file without the bytes ``location`` can open no other
  file. A file with them, or one that looks like something else (JPEG, HTML, LFS pointer),
  goes through :func:`inspect_model_file` first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.errors import (
    ModelError,
    ModelLayoutError,
    ModelNotFoundError,
    NotOnnxError,
    UnsafeModelError,
)

Dim = int | str | None

_MAGIC_HINTS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "the file is a JPEG image"),
    (b"\x89PNG", "the file is a PNG image"),
    (b"PK\x03\x04", "the file is a zip archive (a PyTorch .pt checkpoint?); export it to ONNX"),
    (b"version https://git-lfs", "the file is a Git LFS pointer; run `git lfs pull`"),
    (b"<", "the file is text or HTML (a failed download?)"),
    (b"{", "the file is JSON text, not a model"),
)


@dataclass(frozen=True)
class ModelFile:
    """What was learnt from a model file without running it."""

    path: Path
    sha256: str
    input_name: str
    input_shape: tuple[Dim, ...]
    input_type: str
    output_names: tuple[str, ...]
    metadata: dict[str, str]


# The key of an external-data entry; without it ONNX Runtime cannot locate any external file.
_EXTERNAL_LOCATION_KEY = b"location"


def read_model_bytes(path: Path) -> bytes:
    """The model file's bytes, or :class:`ModelNotFoundError` naming why they cannot be read."""
    if not path.exists():
        raise ModelNotFoundError(f"{path}: model file not found")
    if not path.is_file():
        raise ModelNotFoundError(f"{path}: is a folder, not a model file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ModelNotFoundError(f"{path}: cannot read model file ({exc})") from exc


def needs_onnx_check(data: bytes) -> bool:
    """Whether ``data`` must be parsed with ``onnx`` before ONNX Runtime may open it.

    True for an empty file, one that looks like another format, and one that may refer to
    external data (it holds the bytes ``location``; rarely also by chance in weights).
    """
    return not data or _hint(data) is not None or _EXTERNAL_LOCATION_KEY in data


def inspect_model_file(path: Path, data: bytes | None = None) -> ModelFile:
    """Validate ``path`` as a safe single-input NCHW ONNX model and describe it (uses onnx)."""
    if data is None:
        data = read_model_bytes(path)
    proto = _parse(path, data)
    check_external_data(proto, path)
    import onnx

    initializers = {t.name for t in proto.graph.initializer}
    inputs = [i for i in proto.graph.input if i.name not in initializers]
    dims = _dims(inputs[0]) if len(inputs) == 1 else None
    elem = (
        onnx.TensorProto.DataType.Name(inputs[0].type.tensor_type.elem_type)
        if len(inputs) == 1
        else ""
    )
    _check_image_input(path, [i.name for i in inputs], dims, elem)
    return ModelFile(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        input_name=inputs[0].name,
        input_shape=dims or (),
        input_type=elem,
        output_names=tuple(o.name for o in proto.graph.output),
        metadata={p.key: p.value for p in proto.metadata_props},
    )


def describe_session(session: Any, path: Path, sha256: str) -> ModelFile:
    """The same description and checks as :func:`inspect_model_file`, from a live session.

    Only for files :func:`needs_onnx_check` let through. ONNX Runtime lists graph inputs
    without initializers, reports dynamic dims as names or None, and types as
    ``tensor(float)``; an input without a declared shape comes back as ``[]``.
    """
    inputs = list(session.get_inputs())
    dims: tuple[Dim, ...] | None = None
    elem = ""
    if len(inputs) == 1:
        shape = inputs[0].shape
        dims = tuple(d if isinstance(d, int | str) and d != 0 else None for d in shape) or None
        elem = str(inputs[0].type).removeprefix("tensor(").removesuffix(")").upper()
    _check_image_input(path, [i.name for i in inputs], dims, elem)
    meta = session.get_modelmeta()
    return ModelFile(
        path=path,
        sha256=sha256,
        input_name=inputs[0].name,
        input_shape=dims or (),
        input_type=elem,
        output_names=tuple(o.name for o in session.get_outputs()),
        metadata=dict(meta.custom_metadata_map),
    )


def _parse(path: Path, data: bytes) -> Any:
    try:
        import onnx
        from google.protobuf.message import DecodeError
    except ImportError as exc:  # pragma: no cover - onnx is a dependency
        raise ModelError(
            "checking a model's safety needs the 'onnx' package; install it with `pip install onnx`"
        ) from exc
    name = path.name
    if not data:
        raise NotOnnxError(f"{name} is not an ONNX model: the file is empty")
    try:
        proto = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise NotOnnxError(f"{name} is not an ONNX model: {_hint(data) or exc}") from exc
    if proto.ir_version <= 0 or not proto.graph.node or not proto.graph.output:
        reason = _hint(data) or "it parses but holds no graph"
        raise NotOnnxError(f"{name} is not an ONNX model: {reason}")
    return proto


def _hint(data: bytes) -> str | None:
    head = data[:64].lstrip()
    for magic, hint in _MAGIC_HINTS:
        if head.startswith(magic):
            return hint
    return None


def _all_tensors(graph: Any) -> Iterator[Any]:
    """Every TensorProto in a graph and its subgraphs (initializers and node attributes)."""
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("sparse_tensor"):
                yield attr.sparse_tensor.values
                yield attr.sparse_tensor.indices
            if attr.HasField("g"):
                yield from _all_tensors(attr.g)
            for sub in attr.graphs:
                yield from _all_tensors(sub)


def check_external_data(proto: Any, path: Path) -> None:
    """Refuse external-data locations that are absolute, use ``..`` or leave the model folder."""
    import onnx

    folder = path.parent.resolve()
    tensors = list(_all_tensors(proto.graph))
    for function in proto.functions:
        for node in function.node:
            tensors.extend(attr.t for attr in node.attribute if attr.HasField("t"))
    for tensor in tensors:
        if tensor.data_location != onnx.TensorProto.EXTERNAL:
            continue
        entries = {e.key: e.value for e in tensor.external_data}
        location = entries.get("location", "")
        _check_location(location, tensor.name, folder, path.name)


def _check_location(location: str, tensor: str, folder: Path, model_name: str) -> None:
    where = f"{model_name}: tensor {tensor!r} stores its data in {location!r}"
    if not location:
        raise UnsafeModelError(f"{where}, which names no file")
    parts = Path(location.replace("\\", "/")).parts
    if os.path.isabs(location) or Path(location).drive or location.startswith(("/", "\\")):
        raise UnsafeModelError(
            f"{where}, an absolute path; external data must sit in the model's folder"
        )
    if ".." in parts:
        raise UnsafeModelError(
            f"{where}, which points outside the model's folder ('..'); refusing to load it"
        )
    target = (folder / location).resolve()
    if not target.is_relative_to(folder):
        raise UnsafeModelError(
            f"{where}, which resolves outside the model's folder (a link?); refusing to load it"
        )
    if not target.is_file():
        raise ModelNotFoundError(
            f"{where}, but that file is missing from {folder}; copy it beside the model"
        )


def _dims(value_info: Any) -> tuple[Dim, ...] | None:
    tensor_type = value_info.type.tensor_type
    if not tensor_type.HasField("shape"):
        return None
    dims: list[Dim] = []
    for d in tensor_type.shape.dim:
        if d.HasField("dim_value") and d.dim_value > 0:
            dims.append(int(d.dim_value))
        else:
            dims.append(d.dim_param or None)
    return tuple(dims)


def _check_image_input(
    path: Path, input_names: list[str], dims: tuple[Dim, ...] | None, elem: str
) -> None:
    """One input, rank 4, NCHW with 3 channels, float32/float16; else ModelLayoutError."""
    name = path.name
    if len(input_names) != 1:
        listed = ", ".join(repr(i) for i in input_names) or "none"
        raise ModelLayoutError(
            f"{name} has {len(input_names)} inputs ({listed}); an image model needs exactly one "
            "image input of shape (batch, 3, height, width)"
        )
    input_name = input_names[0]
    shown = _show(dims)
    if dims is None or len(dims) != 4:
        rank = "unknown" if dims is None else len(dims)
        raise ModelLayoutError(
            f"{name}: input {input_name!r} has rank {rank} {shown}; an image model needs "
            "rank 4 in NCHW order (batch, 3, height, width)"
        )
    if dims[1] != 3 and isinstance(dims[3], int) and dims[3] == 3:
        raise ModelLayoutError(
            f"{name}: input {input_name!r} is {shown}, channels last (NHWC); "
            "export the model with NCHW input (batch, 3, height, width)"
        )
    if isinstance(dims[1], int) and dims[1] != 3:
        raise ModelLayoutError(
            f"{name}: input {input_name!r} is {shown}: {dims[1]} colour channels where "
            "3 (RGB) are needed; only colour models are supported"
        )
    if elem not in ("FLOAT", "FLOAT16"):
        raise ModelLayoutError(
            f"{name}: input {input_name!r} has type {elem}; expected float32 or float16"
        )


def _show(dims: tuple[Dim, ...] | None) -> str:
    if dims is None:
        return "(shape not declared)"
    return "(" + ", ".join("?" if d is None else str(d) for d in dims) + ")"
