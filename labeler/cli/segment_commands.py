"""``labeler segment`` (one prompt -> polygons) and ``labeler embed`` (precompute embeddings)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from labeler.cli.i18n import _, ngettext
from labeler.cli.output import print_json, progress_bar, stderr, stdout, styled
from labeler.cli.slice_commands import add_slice_option, images_or_query
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.mask_polygons import DEFAULT_TOLERANCE, PARTS
from labeler.core.store import Project

if TYPE_CHECKING:
    from inference.segmentation import Prompt, Segmenter
    from labeler.core.domain import ImageRecord
    from labeler.core.embedding_cache import EmbeddingCache


class PromptArgumentError(LabelerError):
    """A --point, --negative or --box value is not numbers separated by commas."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add the segment and embed commands to the CLI."""
    segment = commands.add_parser(
        "segment",
        help=_("segment an image from points and/or a box with a local SAM-family model"),
        description=_("Turn a click (points) and/or a box into polygons with a promptable "
        "segmenter (SAM, SAM 2, EfficientSAM encoder/decoder ONNX pair). Coordinates are "
        "image pixels. Prints the polygon(s), the score and the encoder/decoder times; the "
        "embedding is cached beside the project. Nothing is stored in the project."),
    )
    segment.add_argument("project", type=Path, help=_("the project file"))
    segment.add_argument("image", help=_("an image id, or its file name/path in the project"))
    segment.add_argument(
        "--point",
        action="append",
        default=[],
        metavar="X,Y",
        help=_("a positive point (repeatable)"),
    )
    segment.add_argument(
        "--negative",
        action="append",
        default=[],
        metavar="X,Y",
        help=_("a negative point (repeatable)"),
    )
    segment.add_argument("--box", metavar="X1,Y1,X2,Y2", help=_("a box around the object"))
    _model_options(segment)
    segment.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=_("polygon simplification in pixels (default {n})").format(n=DEFAULT_TOLERANCE),
    )
    segment.add_argument(
        "--parts",
        choices=PARTS,
        default="largest",
        help=_("largest part only (default) or one polygon per part"),
    )
    segment.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    segment.set_defaults(handler=run_segment)

    embed = commands.add_parser(
        "embed",
        help=_("precompute segmentation embeddings of a project's images (cached beside it)"),
        description=_("Encode the project's images with a segmenter's image encoder and keep "
        "the embeddings in the project's cache folder, so AI polygons answer at once. "
        "Already-cached images are skipped; Ctrl+C keeps every finished image."),
    )
    embed.add_argument("project", type=Path, help=_("the project file"))
    _model_options(embed)
    embed.add_argument(
        "--images", default="all", help=_("all | unlabeled | status:NAME | a glob on image paths")
    )
    embed.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    add_slice_option(
        embed,
        _("embed only the images of this saved slice (see `labeler slice PROJECT list`)"),
    )
    ray = embed.add_argument_group(_("engine"), _("encode on this machine (default) or on Ray"))
    ray.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help=_('local (default) or ray (needs pip install "labeler[ray]")'),
    )
    ray.add_argument(
        "--address", help=_("Ray cluster: auto or ray://HOST:10001; default: start a local cluster")
    )
    ray.add_argument("--workers", type=int, default=2, help=_("Ray actors (default 2)"))
    ray.add_argument(
        "--cpus-per-worker",
        type=float,
        default=1.0,
        help=_("CPUs per Ray actor, also its ONNX Runtime threads (default 1)"),
    )
    ray.add_argument(
        "--gpus-per-worker",
        type=float,
        default=0.0,
        help=_("GPUs per Ray actor (e.g. 1); a worker with a GPU encodes with CUDA"),
    )
    embed.set_defaults(handler=run_embed)


def _model_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--model",
        metavar="NAME_OR_PATH",
        help=_("a model name (labeler models list), a folder with encoder.onnx and "
        "decoder.onnx, or an encoder file; default: the first segmenter found"),
    )
    cmd.add_argument(
        "--device",
        choices=["auto", "cpu", "cuda"],
        default="cpu",
        help=_("where the model runs (default cpu)"),
    )
    cmd.add_argument(
        "--cache-dir",
        type=Path,
        help=_("embedding cache folder (default: <project>.cache/embeddings)"),
    )


def parse_numbers(text: str, count: int, option: str) -> tuple[float, ...]:
    """``"12,34"`` -> ``(12.0, 34.0)``; a clear error naming the option otherwise."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != count:
        shape = ",".join(["N"] * count)
        message = _("{option} {value}: expected {n} numbers as {shape}")
        raise PromptArgumentError(
            message.format(option=option, value=repr(text), n=count, shape=shape)
        )
    return values


def _prompt(args: argparse.Namespace) -> Prompt:
    from inference.segmentation import Prompt

    positives = [parse_numbers(p, 2, "--point") for p in args.point]
    negatives = [parse_numbers(p, 2, "--negative") for p in args.negative]
    box = parse_numbers(args.box, 4, "--box") if args.box else None
    points = tuple((x, y) for x, y in positives + negatives)
    labels = tuple([1] * len(positives) + [0] * len(negatives))
    return Prompt(points=points, labels=labels, box=box)  # type: ignore[arg-type]


def _find_record(project: Project, ref: str) -> ImageRecord:
    if ref.isdigit():
        try:
            return project.image(int(ref))
        except (UnknownEntityError, LookupError):
            pass
    found = project.find_image(ref)
    if found is None:
        message = _("{project}: no image {ref} (give an image id, or a file name or path as "
                    "stored in the project; an ambiguous name matches nothing)")
        raise UnknownEntityError(message.format(project=project.path, ref=repr(ref)))
    return found


def _load(args: argparse.Namespace) -> tuple[Segmenter, EmbeddingCache]:
    from inference.segmentation import load_segmenter
    from labeler.core.embedding_cache import EmbeddingCache
    from labeler.core.segment_models import segmenter_files

    files = segmenter_files(args.model, args.project)
    providers = None if args.device == "auto" else _providers(args.device)
    segmenter = load_segmenter(files.encoder, files.decoder, providers, name=files.name)
    cache = (
        EmbeddingCache(args.cache_dir)
        if args.cache_dir
        else EmbeddingCache.for_project(args.project)
    )
    return segmenter, cache


def _providers(device: str) -> list[str]:
    if device == "cuda":
        return ["CUDAExecutionProvider"]
    return ["CPUExecutionProvider"]


def run_segment(args: argparse.Namespace) -> int:
    """Segment one image from the prompt and print the polygon(s)."""
    from labeler.core.segment_images import segment_image

    prompt = _prompt(args)
    with Project.open(args.project) as project:
        record = _find_record(project, args.image)
        segmenter, cache = _load(args)
        outcome = segment_image(
            project,
            record,
            segmenter,
            cache,
            prompt,
            tolerance=args.tolerance,
            parts=args.parts,
        )
    info = segmenter.info
    if args.json:
        print_json(
            {
                "image": {
                    "id": record.id,
                    "path": record.path,
                    "width": record.width,
                    "height": record.height,
                },
                "model": {
                    "name": info.name,
                    "layout": info.layout,
                    "model_sha256": info.model_sha256,
                    "provider": info.provider,
                },
                "prompt": prompt.to_json(),
                "segmented": bool(outcome.polygons),
                **outcome.to_dict(),
            }
        )
        return 0
    stderr.print(styled(_("Model {} ({}) on [bold]{}[/]"), info.name, info.layout, info.provider))
    if not outcome.polygons:
        stdout.print(
            _("Nothing segmented at that prompt on {image} (score {score}).").format(
                image=record.path, score=f"{outcome.score:.3f}")
        )
    for n, ring in enumerate(outcome.polygons, start=1):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring)
        polygon = ngettext("polygon {n} ({vertices} vertex): {coords}",
                           "polygon {n} ({vertices} vertices): {coords}", len(ring))
        stdout.print(polygon.format(n=n, vertices=len(ring), coords=coords), soft_wrap=True)
    if outcome.embedding_source != "encoded":
        how = _("cached")
    else:
        how = _("{ms} ms").format(ms=f"{outcome.encode_ms:.0f}")
    stdout.print(_("score {score}; encoder {how}; decoder {ms} ms").format(
        score=f"{outcome.score:.3f}", how=how, ms=f"{outcome.decode_ms:.1f}"))
    return 0


def _embed_records(project: Project, args: argparse.Namespace) -> list:
    """The images ``embed`` works on: ``--slice NAME``'s, else ``--images``'s."""
    from labeler.core.prelabel import select_images

    chosen = images_or_query(project, args)
    return chosen if isinstance(chosen, list) else select_images(project, chosen)


def run_embed(args: argparse.Namespace) -> int:
    """Precompute embeddings for the selected images, with progress; Ctrl+C keeps work."""
    from labeler.core.segment_images import embed_images

    if args.engine == "ray":
        return _embed_on_ray(args)
    with Project.open(args.project) as project:
        records = _embed_records(project, args)
        segmenter, cache = _load(args)
        if not args.json:
            stderr.print(
                styled(
                    _("Model {} ({}) on [bold]{}[/]; cache {}"),
                    segmenter.info.name,
                    segmenter.info.layout,
                    segmenter.info.provider,
                    cache.folder,
                )
            )
        with progress_bar(_("embedding"), enabled=not args.json) as progress:
            summary = embed_images(project, records, segmenter, cache, progress)
    if args.json:
        print_json(summary.to_dict())
    else:
        stdout.print(
            ngettext("Embedded {n} image in {seconds} s ({ms} ms per image); {cached} already "
                     "cached.",
                     "Embedded {n} images in {seconds} s ({ms} ms per image); {cached} already "
                     "cached.", summary.encoded).format(
                n=summary.encoded, seconds=f"{summary.seconds:.1f}",
                ms=f"{summary.ms_per_image:.0f}", cached=summary.skipped_cached)
        )
        for path, reason in summary.failed:
            stderr.print(styled("  [yellow]{}[/] {}: {}", _("failed"), path, reason),
                         soft_wrap=True)
        if summary.cancelled:
            stderr.print(styled("[yellow]{}[/] {}", _("Interrupted:"),
                                _("finished images were kept.")))
    return 130 if summary.cancelled else 0


def _embed_on_ray(args: argparse.Namespace) -> int:
    """``labeler embed --engine ray``: the workers encode, this process stores."""
    from inference.segmentation.segmenter import model_sha256
    from labeler.core.embed_ray import embed_images_on_ray
    from labeler.core.embedding_cache import EmbeddingCache
    from labeler.core.prelabel_ray import RayOptions, import_ray
    from labeler.core.segment_models import file_sha256, segmenter_files

    import_ray()  # says how to install Ray before anything else happens
    files = segmenter_files(args.model, args.project)
    model = model_sha256(file_sha256(files.encoder), file_sha256(files.decoder))
    options = RayOptions(
        address=args.address,
        workers=args.workers,
        cpus_per_worker=args.cpus_per_worker,
        gpus_per_worker=args.gpus_per_worker,
    )
    cache = (
        EmbeddingCache(args.cache_dir)
        if args.cache_dir
        else EmbeddingCache.for_project(args.project)
    )
    with (
        Project.open(args.project) as project,
        progress_bar(_("embedding on Ray"), enabled=not args.json) as progress,
    ):
        records = _embed_records(project, args)
        summary = embed_images_on_ray(
            project, records, files, cache, model, options=options, progress=progress
        )
    if args.json:
        print_json(summary.to_dict())
    else:
        stdout.print(
            _("Embedded {n} images on Ray in {seconds} s after {startup} s start-up ({workers} "
              "workers on {provider}); {cached} already cached.").format(
                n=summary.encoded, seconds=f"{summary.seconds:.1f}",
                startup=f"{summary.startup_seconds:.1f}", workers=summary.workers,
                provider=summary.provider or _("no worker"), cached=summary.skipped_cached)
        )
        for path, reason in summary.failed:
            stderr.print(styled("  [yellow]{}[/] {}: {}", _("failed"), path, reason),
                         soft_wrap=True)
    return 130 if summary.cancelled else 0
