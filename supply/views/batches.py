"""The producer's pages: register a batch, list and filter batches, open one."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("batches", __name__, url_prefix="/batches")


@bp.route("/")
def index():
    """List batches."""
    return "batches"


@bp.route("/new")
def register():
    """Register a batch."""
    return "new"
