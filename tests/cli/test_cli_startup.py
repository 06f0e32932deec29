"""CLI start-up stays light: the parser imports only the command module it needs."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import labeler.cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "cv2", "onnx", "onnxruntime", "pandas", "PySide6", "sqlite_utils", "PIL")


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(choice.dest, choice.help) for choice in action._choices_actions]


def _loaded_after(code: str) -> list[str]:
    """Top-level packages from HEAVY imported by a fresh interpreter running ``code``."""
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_command_table_matches_what_the_modules_register() -> None:
    listed = [(name, help_text) for name, (_module, help_text) in labeler.cli.COMMANDS.items()]
    assert _subcommands(labeler.cli.build_parser()) == listed


def test_each_command_is_registered_by_the_module_the_table_names() -> None:
    for module in labeler.cli.command_modules():
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        labeler.cli._module(module).register(commands)
        expected = [n for n, (m, _h) in labeler.cli.COMMANDS.items() if m == module]
        assert list(commands.choices) == expected, module


def test_lazy_parser_lists_every_command_and_parses_the_chosen_one() -> None:
    listed = [(name, help_text) for name, (_module, help_text) in labeler.cli.COMMANDS.items()]
    assert _subcommands(labeler.cli.parser_for([])) == listed
    argv = ["prelabel", "p.labeler", "--model", "m.onnx", "--conf", "0.4"]
    args = labeler.cli.parser_for(argv).parse_args(argv)
    assert args.command == "prelabel" and args.conf == 0.4 and callable(args.handler)
    argv = ["agreement", "p.labeler"]
    parser = labeler.cli.parser_for(argv)
    assert _subcommands(parser) == listed
    assert parser.parse_args(argv).handler.__module__ == "labeler.cli.analysis_commands"


def test_import_and_help_parser_load_no_heavy_package() -> None:
    loaded = _loaded_after("""
        import labeler.cli
        labeler.cli.parser_for([]).format_help()
    """)
    assert loaded == []


def test_prelabel_parser_loads_no_model_or_image_package() -> None:
    loaded = _loaded_after("""
        import labeler.cli
        argv = ["prelabel", "p.labeler", "--model", "m.onnx"]
        labeler.cli.parser_for(argv).parse_args(argv)
    """)
    assert not set(loaded) & {"cv2", "onnx", "onnxruntime", "pandas", "PySide6", "sqlite_utils"}


def test_help_runs_without_any_command_module() -> None:
    result = subprocess.run([sys.executable, "-m", "labeler", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in labeler.cli.COMMANDS:
        assert name in result.stdout
