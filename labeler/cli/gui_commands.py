"""``labeler open`` and ``labeler demo``: the commands that show the window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from labeler.cli.i18n import _
from labeler.cli.output import stderr
from labeler.core.errors import LabelerError


def register(commands: argparse._SubParsersAction) -> None:
    """Add the GUI commands to the CLI."""
    open_ = commands.add_parser(
        "open", help=_("open a project or a vendor package (or a start screen) in the app"),
        description=_("Open the labeling workspace on a project. A vendor work package "
        "(.lbpkg) is extracted safely to a working folder beside it (X.lbpkg-work, reused "
        "next time); every edit is saved there at once, and closing the app writes the work "
        "back into the package, ready to send."))
    open_.add_argument("project", type=Path, nargs="?",
                       help=_("the project file (.labeler) or work package (.lbpkg)"))
    _add_window_options(open_)
    open_.set_defaults(handler=run_open)

    demo = commands.add_parser(
        "demo", help=_("build the demo project and open it"),
        description=_("Build a small demo project (generated phone-damage images, a guideline, "
        "two annotators, pre-labels from the shipped ONNX model) and open it. An existing "
        "demo in DIR is reused."))
    demo.add_argument("dir", type=Path, nargs="?", default=Path("labeler-demo"),
                      help=_("where to build it (default: ./labeler-demo)"))
    demo.add_argument("--images", type=int, default=40, help=_("how many images (default: 40)"))
    demo.add_argument("--rebuild", action="store_true", help=_("delete and rebuild the demo"))
    demo.add_argument("--lang", choices=("en", "ko"), default=None,
                      help=_("language of the demo's guideline and notes (default: LABELER_LANG "
                           "or the system locale; an existing demo keeps its own)"))
    _add_window_options(demo)
    demo.set_defaults(handler=run_demo)


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screenshot", type=Path, metavar="FILE.png",
                        help=_("render the main window offscreen to a PNG and exit"))
    parser.add_argument("--as", dest="person", metavar="NAME",
                        help=_("sign in as this person (skips the sign-in dialog)"))


def _prepare_display(screenshot: Path | None) -> None:
    """Render offscreen for screenshots; refuse early, with a reason, when there is no screen."""
    if "QT_QPA_PLATFORM" in os.environ:
        return
    if screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise LabelerError(_(
            "no display to show the window on (DISPLAY and WAYLAND_DISPLAY are unset): run "
            "this on a desktop session, or render the window with --screenshot FILE.png"
        ))


def run_open(args: argparse.Namespace) -> int:
    """Open the app (on a package's working project for .lbpkg files)."""
    _prepare_display(args.screenshot)
    package = args.project if args.project and args.project.suffix == ".lbpkg" else None
    project_path = args.project
    if package is not None:
        from labeler.core.packages import open_package

        project_path = open_package(package)
        stderr.print(_("Working on package {package} in {folder}").format(
            package=package.name, folder=project_path.parent))
    from labeler.app import run_app

    # The app keeps the package in Recent and saves the work into it when its window closes.
    return run_app(project_path, screenshot=args.screenshot, person=args.person, package=package)


def run_demo(args: argparse.Namespace) -> int:
    """Build (or reuse) the demo project, then open it."""
    from labeler.demo.build import build_demo

    _prepare_display(args.screenshot)
    from labeler.language import user_language

    project_path = build_demo(args.dir, n_images=args.images, rebuild=args.rebuild,
                              log=lambda message: stderr.print(message),
                              language=args.lang or user_language())
    from labeler.app import run_app

    return run_app(project_path, screenshot=args.screenshot, person=args.person)
