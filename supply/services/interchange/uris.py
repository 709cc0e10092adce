"""The URIs that name our parties, sites, lots, documents and plantings in what we exchange (we have no GLNs).

A lot of a product with a GTIN is named by its GS1 Digital Link URI; everything else by a URI under the service's
public base URL. EPCIS documents and their `xn` extensions use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from supply.models import Batch


@dataclass(frozen=True)
class Identifiers:
    """URIs for our parties, sites, lots and documents, under the service's public base URL (we have no GLNs)."""

    base: str

    def party(self, code: str) -> str:
        """Return the URI of a party."""
        return f"{self.base}/party/{quote(code, safe='')}"

    def site(self, code: str) -> str:
        """Return the URI of a site."""
        return f"{self.base}/site/{quote(code, safe='')}"

    def lot(self, batch: Batch) -> str:
        """Return a lot's class-level id: GS1 Digital Link when the product has a GTIN, else our lot URI."""
        lot = quote(batch.lot_code, safe="")
        gtin = batch.product.gtin
        if gtin:
            return f"https://id.gs1.org/01/{gtin.zfill(14)}/10/{lot}"
        return f"{self.base}/lot/{lot}"

    def document(self, doc_type: str, number: str) -> str:
        """Return the URI of a business document (dispatch advice, receiving advice, production order)."""
        return f"{self.base}/doc/{quote(doc_type, safe='')}/{quote(number, safe='')}"

    def planting(self, code: str) -> str:
        """Return the URI of a planting (the transformation id of seedlings set out in a field)."""
        return f"{self.base}/planting/{quote(code, safe='')}"
