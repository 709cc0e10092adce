"""Traceability service for highland produce from Xining, Qinghai."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from supply import db
from supply import locales
from supply import public_fastpath
from supply import security
from supply.api import bp as api_bp
from supply.auth import load_session_user
from supply.auth import require_two_factor_setup
from supply.cli import register_cli
from supply.config import load_config
from supply.errors import register_error_handlers
from supply.views import register_views

csrf = CSRFProtect()


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: config, database, languages, blueprints, errors, CLI.

    The instance folder (secret key, SQLite database, kept pages) is `instance_path`, else SUPPLY_INSTANCE_PATH,
    else Flask's default `instance/` beside the package.
    """
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("SUPPLY_INSTANCE_PATH") or None,
        template_folder="../templates",
        static_folder="../static",
    )
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    Path(app.instance_path).chmod(0o700)  # the secret key, the embedded database, kept pages: the owner's only
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    db.init_app(app)
    locales.init_app(app)
    csrf.init_app(app)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.before_request(load_session_user)
    app.before_request(require_two_factor_setup)
    register_views(app)
    register_error_handlers(app)
    security.init_app(app)
    register_cli(app)
    public_fastpath.install(app)
    security.trust_proxies(app)
    return app
