"""The `admin` blueprint; the admin page modules register their views on it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
