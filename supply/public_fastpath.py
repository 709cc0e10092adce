"""A WSGI fast path for the public scan page: a kept, current page is answered without entering Flask.

Under load the scan page is mostly the same few thousand kept pages; going through the whole Flask app for
each (session, CSRF, Babel, the user, the hooks, a pooled connection) cost more than the page itself. This
middleware sits in front of the app and answers exactly `GET`/`HEAD /t/<token>` (no query string, no session
cookie: a signed-in visitor goes through Flask, which may refresh the session) when the page kept for that
token, path and language is current (same data version, younger than the age limit; see
supply.services.public.cache) and its scans block can be filled in from a drawn shell. While the database cannot
be reached, a kept page is served whatever its version and age (the scan waits in the worker's buffer, the count
is the worker's tally): a buyer still sees the lot, every other request answers 503. It records the scan,
draws the live counts and answers with the same response the view would (`kept_response`, shared with it:
same headers, ETag and 304). Everything else (a miss, an old version, other paths, POSTs) goes to Flask.

With a read replica (supply.db.replica) the version and the page's data are read from it; the scans are written
and counted on the primary by the scan buffer.

The language is chosen by the one rule of `supply.i18n.choose_language`, as Flask's locale selector does.
"""

from __future__ import annotations

import logging

from babel import Locale
from flask import Flask
from peewee import PeeweeException
from werkzeug.wrappers import Request

from supply.db import database_unreachable
from supply.db.replica import reading_replica
from supply.i18n import LANG_COOKIE
from supply.i18n import choose_language
from supply.identifiers import is_public_token
from supply.security import harden
from supply.services.public import cache as public_cache
from supply.services.public import version as public_version
from supply.views.public import kept_response

log = logging.getLogger(__name__)
PREFIX = "/t/"
_names: dict[str, str] = {}


def locale_name(code: str) -> str:
    """Name a locale as `str(flask_babel.get_locale())` does."""
    name = _names.get(code)
    if name is None:
        name = _names[code] = str(Locale.parse(code))
    return name


def public_language(request: Request, config) -> str:
    """Pick the language of a public page by the rule Flask's locale selector follows."""
    return locale_name(choose_language(request.cookies.get(LANG_COOKIE), request.accept_languages,
                                       config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"]))


class PublicFastPath:
    """WSGI middleware answering current kept scan pages itself and passing every other request to the app."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        """Serve a kept scan page, or hand the request to Flask."""
        path = environ.get("PATH_INFO", "")
        if (path.startswith(PREFIX) and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
                and not environ.get("QUERY_STRING") and is_public_token(path[len(PREFIX):])):
            try:
                with reading_replica():
                    response = self.answer(environ, path[len(PREFIX):])
            except Exception:  # noqa: BLE001 - Flask answers instead (and shows its error page if it fails too)
                log.warning("fast path failed for %s", path, exc_info=True)
                response = None
            if response is not None:
                return harden(response, self.app.config.get("HTTPS", False))(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def answer(self, environ, token: str):
        """Return the response for a kept, current page, or None to let Flask answer; while the database cannot be
        reached, the kept page whatever its version and age."""
        app = self.app
        cache = app.extensions.get("public_page_cache")
        if not app.config.get("PUBLIC_FAST_PATH", True) or cache is None or cache.scan_buffer is None:
            return None
        request = Request(environ)
        session_cookie = app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies
        if session_cookie or cache.version is None or cache.section is None:
            return None
        language = public_language(request, app.config)
        page = cache.get((token, request.path, language))
        if page is None:
            return None
        try:
            version = cache.version.read()
        except PeeweeException as exc:
            if not database_unreachable(exc):
                raise
            # The kept page is the last truth known: better than no page; its scan waits in the buffer.
            log.warning("database unreachable: %s served from its kept page", request.path)
        else:
            if not page.current(version, public_cache.now()):
                return None
        return kept_response(cache, page, language, request.method, request.if_none_match)


def install(app: Flask) -> None:
    """Put the fast path in front of the app's WSGI callable and keep the public data version's reader on the app."""
    app.extensions["public_version"] = public_version.DataVersion()
    app.wsgi_app = PublicFastPath(app, app.wsgi_app)
