"""A Python stand-in for the `tester.php` helper of GS1's resolver test suite (../shared/gs1-resolver/testsuite/).

The suite asks the helper, for each probe, what a request made without following redirects answers: status, headers
and (for the linkset) the body. This answers the same questions with the same JSON, reading the query string as PHP
does (`parse_str(urldecode(...))`, so decoded twice) and sending the same request headers, but sends each request to
the local service in place of the public host named in the URI.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote_plus
from urllib.parse import urlsplit

ORIGIN = "https://ref.gs1.org/test-suites/resolver/"
LINKSET = "application/linkset+json"


class SuiteHelper:
    """Answer the suite's helper queries for URIs on `public_base`, by asking the service at `local_base`."""

    def __init__(self, public_base: str, local_base: str) -> None:
        self.public_base, self.local = public_base.rstrip("/"), urlsplit(local_base)

    def request(self, uri: str, method: str = "GET", headers: dict | None = None):
        """Send one request for a public URI to the local service; return (version, status, reason, headers, body)."""
        if not uri.startswith(self.public_base):
            raise ValueError(f"not a URI of the service under test: {uri}")
        target = urlsplit(uri)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        connection = http.client.HTTPConnection(self.local.hostname, self.local.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return response.version, response.status, response.reason, response.getheaders(), body
        finally:
            connection.close()

    def answer(self, query: str) -> dict:
        """Answer one `?test=...&testVal=...` query as tester.php does."""
        params = dict(parse_qsl(unquote_plus(query), keep_blank_values=True))
        test, uri = params.get("test"), params.get("testVal", "")
        if not uri.startswith("https://"):
            return {"error": "No valid command received"}
        if test == "getHTTPversion":
            version = self.request(uri)[0]
            result = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(version, "Unknown")
        elif test == "getAllHeaders":
            result = self.headers(uri, "GET", params.get("mediaType"), params.get("lang"))
        elif test == "getLinksetHeaders":
            result = self.headers(uri, "GET", LINKSET, "")
        elif test == "getCorsHeaders":
            result = self.headers(uri, "OPTIONS", None, None, {"Access-Control-Request-Method": "GET,HEAD,OPTIONS"})
        elif test == "getLinkset":
            result = json.dumps(self.linkset(uri))
        else:
            return {"error": "Invalid test command"}
        return {"test": test, "testVal": uri, "result": result}

    def headers(self, uri: str, method: str, media_type, lang, extra: dict | None = None) -> dict:
        """Status and response headers (names as sent) of a request, as getCustomHeaders/getCorsHeaders give."""
        sent = {"Origin": ORIGIN, **(extra or {})}
        if media_type is not None:
            sent["Accept"] = media_type
        if lang is not None:
            sent["Accept-Language"] = lang
        version, status, reason, headers, _ = self.request(uri, method, sent)
        result = {"uri": uri, "httpCode": status, "httpMsg": reason}
        result.update(dict(headers))
        result["0"] = f"HTTP/{version // 10}.{version % 10} {status} {reason}"
        return result

    def linkset(self, uri: str) -> dict:
        """The linkset asked for by `Accept: application/linkset+json`, its body percent-encoded as rawurlencode."""
        _, status, reason, headers, body = self.request(uri, "GET", {"Origin": ORIGIN, "Accept": LINKSET})
        return {"uri": uri, "httpCode": status, "httpMsg": reason, "headers": dict(headers),
                "responseBody": quote(body, safe="")}
