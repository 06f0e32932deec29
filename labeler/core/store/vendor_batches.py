"""The store side of vendor batches: what was sent and came back, and the unit prices.

A vendor batch is read from what the project already keeps: a work package's export
grant (the images and people it carried, when) and the imports of that package, or an
in-house assignment batch (``assignments.batch``). Only prices are stored here: per
vendor (batch ``''``) or per batch of a vendor, per image and/or per object, in a
currency. :mod:`labeler.core.vendor_scorecard` computes the scorecard from these reads.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.answers import MADE
from labeler.core.store.base import StoreBase
from labeler.core.store.exchange_grant import GRANT_ENTITY, PackageGrant
from labeler.core.store.rows import now_iso


class PriceError(LabelerError):
    """A unit price cannot be recorded as given."""


@dataclass(frozen=True)
class VendorPrice:
    """A unit price of a vendor (``batch`` '' for every batch) per image and/or per object."""

    vendor: str
    batch: str
    per_image: float | None
    per_object: float | None
    currency: str
    set_at: str


@dataclass(frozen=True)
class MadeLabel:
    """An annotation a person made, with the latest review decision on it (None: unreviewed)."""

    annotation_id: int
    image_id: int
    annotator_id: int
    decision: str | None
    created_at: str = ""


class VendorBatchStore(StoreBase):
    """Reads behind the vendor scorecard, and the unit prices per vendor and batch."""

    def set_vendor_price(
        self,
        vendor: str,
        *,
        batch: str = "",
        per_image: float | None = None,
        per_object: float | None = None,
        currency: str = "",
    ) -> VendorPrice:
        """Record (or replace) the unit price of a vendor, or of one batch of it (logged)."""
        vendor, batch, currency = vendor.strip(), batch.strip(), currency.strip().upper()
        if not vendor:
            raise PriceError(_("name the vendor the price is for"))
        if per_image is None and per_object is None:
            raise PriceError(_("give a price per image, per object, or both"))
        for name, value in (("per image", per_image), ("per object", per_object)):
            if value is not None and (not math.isfinite(value) or value < 0):
                raise PriceError(
                    _("the price {name} must be a number of 0 or more, not {value}").format(
                        name=name, value=value
                    )
                )
        if not currency or len(currency) > 8:
            raise PriceError(_("give the currency of the price (e.g. KRW, EUR)"))
        now = now_iso()
        with self.transaction():
            self._db.conn.execute(
                "INSERT INTO vendor_prices(vendor, batch, per_image, per_object, currency, "
                "set_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(vendor, batch) DO UPDATE SET "
                "per_image = excluded.per_image, per_object = excluded.per_object, "
                "currency = excluded.currency, set_at = excluded.set_at",
                (vendor, batch, per_image, per_object, currency, now),
            )
            self._log(
                "set",
                "vendor_price",
                None,
                after={
                    "vendor": vendor,
                    "batch": batch,
                    "per_image": per_image,
                    "per_object": per_object,
                    "currency": currency,
                },
            )
            self._notify(Change(Entity.PROJECT, "vendor_price"))
        return VendorPrice(vendor, batch, per_image, per_object, currency, now)

    def vendor_prices(self) -> list[VendorPrice]:
        """Every recorded price, by vendor and batch."""
        rows = self._tuples(
            "SELECT vendor, batch, per_image, per_object, currency, set_at FROM vendor_prices "
            "ORDER BY vendor, batch"
        )
        return [VendorPrice(*r) for r in rows]

    def package_exports(self) -> list[PackageGrant]:
        """What every package export granted, oldest first (the latest record per package)."""
        rows = self._tuples(
            "SELECT after FROM events WHERE entity = ? AND action = 'export' ORDER BY id",
            (GRANT_ENTITY,),
        )
        grants: dict[str, PackageGrant] = {}
        for (after,) in rows:
            grant = PackageGrant.from_dict(json.loads(str(after)))
            grants[grant.package_id] = grant
        return sorted(grants.values(), key=lambda g: g.exported_at)

    def package_import_times(self) -> dict[str, list[str]]:
        """Package id -> when it was imported (each import that brought something new)."""
        found: dict[str, list[str]] = {}
        for package_id, at in self._tuples(
            "SELECT package_id, imported_at FROM package_imports ORDER BY id"
        ):
            found.setdefault(str(package_id), []).append(str(at))
        return found

    def annotate_assignment_rows(self) -> list[tuple[int, int, str, str, str | None]]:
        """Every annotate assignment: ``(image_id, person_id, batch, created_at, done_at)``."""
        rows = self._tuples(
            "SELECT image_id, person_id, batch, created_at, done_at FROM assignments "
            "WHERE task = 'annotate' ORDER BY id"
        )
        return [(int(i), int(p), str(b), str(c), d) for i, p, b, c, d in rows]

    def made_labels(self) -> list[MadeLabel]:
        """Every annotation people made (live, or replaced by a fix), with its latest review."""
        rows = self._tuples(
            "SELECT x.id, x.image_id, x.annotator_id, (SELECT r.decision FROM reviews r "
            "WHERE r.target_kind = 'annotation' AND r.target_id = x.id ORDER BY r.id DESC "
            f"LIMIT 1), x.created_at FROM annotations x WHERE {MADE} ORDER BY x.id"
        )
        return [MadeLabel(int(i), int(im), int(p), d, str(t)) for i, im, p, d, t in rows]
