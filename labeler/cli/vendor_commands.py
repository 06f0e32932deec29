"""``labeler vendors PROJECT [price ...]``: the vendor scorecard and unit prices."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import _, ngettext
from labeler.cli.output import print_json, stdout
from labeler.core.store import Project


def register(commands: argparse._SubParsersAction) -> None:
    """Add the vendors command to the CLI."""
    vendors = commands.add_parser(
        "vendors",
        help=_("the vendor scorecard per batch, and unit prices"),
        description=_("Per vendor and batch (a work package, or an in-house assignment batch): "
        "images and objects delivered, accepted/rejected/fixed in review, gold score, "
        "agreement with others, median seconds per image, questions asked, cost, and the "
        "trend against the vendor's previous batch. 'price' records a unit price."),
    )
    vendors.add_argument("project", type=Path, help=_("the project file"))
    vendors.add_argument("--json", action="store_true", help=_("print the scorecard as JSON"))
    vendors.set_defaults(handler=run_scorecard)
    sub = vendors.add_subparsers(dest="vendors_command", metavar="ACTION")
    price = sub.add_parser(
        "price",
        help=_("set a unit price per image and/or per object"),
        description=_("Record the price of a vendor (every batch) or of one --batch of it; a "
        "batch's own price wins over the vendor's."),
    )
    price.add_argument("--vendor", required=True, help=_("the vendor (organization)"))
    price.add_argument("--batch", default="", help=_("one batch (its name, or a package id)"))
    price.add_argument("--per-image", type=float, help=_("price per image delivered"))
    price.add_argument("--per-object", type=float, help=_("price per object delivered"))
    price.add_argument("--currency", required=True, help=_("e.g. KRW"))
    price.add_argument("--json", action="store_true", help=_("print the price as JSON"))
    price.set_defaults(handler=run_price)


def run_price(args: argparse.Namespace) -> int:
    """Record a unit price."""
    with Project.open(args.project) as project:
        price = project.set_vendor_price(
            args.vendor,
            batch=args.batch,
            per_image=args.per_image,
            per_object=args.per_object,
            currency=args.currency,
        )
    if args.json:
        print_json(price.__dict__)
    else:
        scope = _("batch {batch} of {vendor}").format(
            batch=repr(price.batch), vendor=price.vendor) if price.batch else price.vendor
        per_unit = (
            (price.per_image, _("{price} {currency} per image")),
            (price.per_object, _("{price} {currency} per object")),
        )
        parts = [
            text.format(price=f"{value:g}", currency=price.currency)
            for value, text in per_unit
            if value is not None
        ]
        stdout.print(_("Price of {scope}: {prices}").format(scope=scope, prices=", ".join(parts)))
    return 0


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def _trend(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:+.2f}"


def run_scorecard(args: argparse.Namespace) -> int:
    """Print the scorecard."""
    from labeler.core.vendor_scorecard import vendor_scorecard

    with Project.open(args.project) as project:
        card = vendor_scorecard(project)
    if args.json:
        print_json(card.to_dict())
        return 0
    title = ngettext("Vendor scorecard: {n} batch", "Vendor scorecard: {n} batches",
                     len(card.batches))
    quality = Table(title=title.format(n=len(card.batches)))
    for column in (_("vendor"), _("batch"), _("sent"), _("deliv."), _("objects"),
                   _("acc/rej/fix"), _("gold F1"), _("agree."), _("med. s"), _("asked")):
        quality.add_column(column, overflow="fold")
    money = Table(title=_("Cost and trend (against the vendor's previous batch)"))
    for column in (_("vendor"), _("batch"), _("cost"), _("per accepted"), _("gold F1 trend"),
                   _("accepted trend")):
        money.add_column(column, overflow="fold")
    for b in card.batches:
        quality.add_row(
            b.vendor,
            b.batch,
            str(b.images_sent),
            str(b.images_delivered),
            str(b.objects_delivered),
            f"{b.accepted}/{b.rejected}/{b.fixed}",
            _number(b.gold_f1, 3),
            _number(b.agreement_f1, 3),
            _number(b.median_seconds_per_image, 1),
            str(b.questions_asked),
        )
        money.add_row(
            b.vendor,
            b.batch,
            f"{_number(b.cost)} {b.currency}" if b.cost is not None else "-",
            _number(b.cost_per_accepted_object),
            _trend(b.trend.get("gold_f1")),
            _trend(b.trend.get("acceptance")),
        )
    stdout.print(quality)
    stdout.print(money)
    return 0
