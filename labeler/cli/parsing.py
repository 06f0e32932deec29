"""argparse in the user's language: our parser class translates argparse's own words.

Python's argparse speaks through gettext's default domain, for which no Korean catalog
exists. Rather than patching the standard library, the CLI builds its parsers from
:class:`LabelerArgumentParser` (sub-parsers inherit the class): it passes the words argparse
writes itself ("usage:", "options", "positional arguments", the ``-h`` help, "error:")
through the ``cli`` catalog, and :func:`translate_argparse_message` rewrites argparse's
error messages ("the following arguments are required: ...", "invalid choice: ...")
into their catalog form by pattern, field by field. A message argparse words
differently (another Python version) is left in English rather than garbled.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from labeler.cli.i18n import N_, _

# argparse's messages (Python 3.11-3.13 wording) -> our catalog message with named fields.
# Patterns stay strings until an error needs them (compiling them costs ``--help`` time).
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<names>.+)",
     N_("the following arguments are required: {names}")),
    (r"one of the arguments (?P<names>.+) is required",
     N_("one of the arguments {names} is required")),
    (r"unrecognized arguments: (?P<names>.*)", N_("unrecognized arguments: {names}")),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
     N_("ambiguous option: {option} could match {matches}")),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)",
     N_("invalid choice: {value} (choose from {choices})")),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", N_("invalid {type} value: {value}")),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at most one argument", N_("expected at most one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"expected (?P<n>\d+) arguments?", N_("expected {n} arguments")),
    (r"not allowed with argument (?P<other>.+)", N_("not allowed with argument {other}")),
    (r"ignored explicit argument (?P<value>.+)", N_("ignored explicit argument {value}")),
)
_ARGUMENT = r"argument (?P<argument>\S+): (?P<problem>.+)"


def _translate_one(message: str) -> str:
    for pattern, template in _MESSAGES:
        match = re.fullmatch(pattern, message, re.DOTALL)
        if match:
            translated = _(template)
            # Untranslated (English): argparse's own words, exactly as it wrote them.
            return message if translated == template else translated.format(**match.groupdict())
    return message


def translate_argparse_message(message: str) -> str:
    """The argparse error ``message`` in the user's language (unknown wording: unchanged)."""
    match = re.fullmatch(_ARGUMENT, message, re.DOTALL)
    if match:
        # The problem may be argparse's (translated by pattern) or one of our type
        # checks' (already translated): either way the prefix is translated too.
        template = N_("argument {argument}: {problem}")
        translated = _(template)
        if translated == template:  # English: argparse's own words
            return message
        return translated.format(
            argument=match["argument"], problem=_translate_one(match["problem"])
        )
    return _translate_one(message)


class LabelerHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with the "usage:" prefix in the user's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """Add the usage line, prefixed with the translated "usage: "."""
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class LabelerArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words and error messages are translated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", LabelerHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = _("show this help message and exit")

    def error(self, message: str) -> NoReturn:
        """Print the usage and the translated message to stderr, and exit 2."""
        self.print_usage(sys.stderr)
        text = _("{prog}: error: {message}").format(
            prog=self.prog, message=translate_argparse_message(message)
        )
        self.exit(2, text + "\n")
