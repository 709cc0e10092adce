"""Recalls pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recalls", __name__, url_prefix="/recalls")
