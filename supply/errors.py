"""One set of error handlers: JSON under /api/, HTML pages elsewhere."""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from peewee import InterfaceError
from peewee import OperationalError
from werkzeug.exceptions import HTTPException

from supply.db import database_unreachable
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.services.errors import ServiceError


def wants_json() -> bool:
    """Tell whether the request is an API call (answered in JSON)."""
    return request.path.startswith("/api/")


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    """Build the one error shape of the API."""
    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into {"field.sub": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, list | tuple):
        flat.setdefault(prefix or "_schema", []).extend(str(e) for e in errors)
        return flat
    for key, value in errors.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, name))
        else:
            flat.setdefault(name, []).extend(str(v) for v in value)
    return flat


# Seconds a client is asked to wait before trying again while the database cannot be reached.
RETRY_AFTER = 5


def _page(status: int, message: str):
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Answer every error in the one shape of its side (API JSON or HTML page)."""

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        errors = translate_errors(flatten_errors(exc.messages))
        if wants_json():
            return jsonify(error_body(422, translate_message("The input is not valid."), errors)), 422
        return _page(422, gettext("The input is not valid."))

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        message = translate_message(exc.message)
        if wants_json():
            response = app.make_response((jsonify(error_body(exc.status, message, translate_errors(exc.errors))),
                                          exc.status))
        else:
            response = app.make_response(_page(exc.status, message))
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return _page(400, gettext("The form has expired. Go back, reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = exc.description if status != 404 else "Not found."
        if wants_json():
            response = jsonify(error_body(status, message))
            if status == 405 and exc.get_response().headers.get("Allow"):
                response.headers["Allow"] = exc.get_response().headers["Allow"]
            return response, status
        return _page(status, gettext(HTTPStatus(status).phrase))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database(exc: Exception):
        if not database_unreachable(exc):
            return _unexpected(exc)
        app.logger.warning("Database unreachable: %s", exc)
        kept = app.extensions["outage_answer"]() if "outage_answer" in app.extensions else None
        if kept is not None:  # a scan page kept before the outage (supply.views.public.outage_answer)
            return kept
        message = gettext("The service is briefly unavailable. Try again in a few seconds.")
        if wants_json():
            response = jsonify(error_body(503, message))
        else:
            response = app.make_response(_page(503, message))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        if wants_json():
            return jsonify(error_body(500, "Internal Server Error")), 500
        return _page(500, gettext("Something went wrong on our side."))
