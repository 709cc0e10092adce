"""QR code images of batches for the API: the same images as the public page's, by lot code."""

from __future__ import annotations

from flask import current_app

from supply.api.routing import route
from supply.http_cache import immutable_response
from supply.schemas.qr import QrSizeSchema
from supply.services.custody import batches
from supply.services.public import qr

SVG_DOC = {"type": "string", "description": "An SVG QR code (error correction M, quiet zone of 4 modules) of the "
           "batch's public URL, or its GS1 Digital Link URI when labels use Digital Link. Cached for a year (ETag)."}
PNG_DOC = {"type": "string", "format": "binary",
           "description": "A PNG QR code of the same URL, `size` pixels per module (1 to 20). Cached for a year."}


@route("/batches/<path:lot_code>/qr.svg", "GET", summary="Get the QR code of a batch as SVG", tag="batches",
       response=SVG_DOC, produces="image/svg+xml", errors=(404,))
def batch_qr_svg(actor, lot_code: str):
    """Answer with the batch's QR code as SVG."""
    url = qr.configured_url(batches.get_batch(actor, lot_code), current_app.config)
    return immutable_response(current_app.extensions["qr_codes"].svg(url), "image/svg+xml")


@route("/batches/<path:lot_code>/qr.png", "GET", summary="Get the QR code of a batch as PNG", tag="batches",
       query=QrSizeSchema, response=PNG_DOC, produces="image/png", errors=(404,))
def batch_qr_png(actor, lot_code: str, args: dict):
    """Answer with the batch's QR code as PNG."""
    url = qr.configured_url(batches.get_batch(actor, lot_code), current_app.config)
    return immutable_response(current_app.extensions["qr_codes"].png(url, args["size"]), "image/png")
