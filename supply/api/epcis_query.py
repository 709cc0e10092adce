"""EPCIS 2.0 query interface (REST binding): events by the standard query parameters, one event by its eventID,
and named queries. Answers are EPCISQueryDocuments of the events the caller may read (its own party's; every
party's for inspectors and admins), as the EPCIS export writes them. A bad parameter is a 400 naming it, of type
`epcisException:QueryParameterException`. Pages follow `Link: <...>; rel="next"` until there is none.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for

from supply.api.routing import bp
from supply.api.routing import route
from supply.errors import error_body
from supply.locales import translate_errors
from supply.locales import translate_message
from supply.schemas.epcis_query import NamedQueryCreateSchema
from supply.schemas.epcis_query import NamedQueryListSchema
from supply.schemas.epcis_query import NamedQuerySchema
from supply.services.interchange.query import events
from supply.services.interchange.query import named
from supply.services.interchange.query.params import QueryParameterError

TAG = "epcis"
LD_JSON = "application/ld+json"
EXAMPLE_EVENT = {
    "type": "ObjectEvent", "eventTime": "2026-05-03T09:30:00.000+08:00", "eventTimeZoneOffset": "+08:00",
    "recordTime": "2026-05-03T09:31:12.000+08:00", "eventID": "urn:uuid:6f1c3a52-8d0e-4f5e-9a51-2c1b0f3e7d11",
    "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
    "quantityList": [{"epcClass": "https://id.gs1.org/01/06901234567892/10/YAK-2026-001", "quantity": 120,
                      "uom": "KGM"}],
    "readPoint": {"id": "https://trace.example.cn/site/XN-ABATTOIR"},
}
QUERY_DOCUMENT = {
    "type": "object",
    "description": "An EPCIS 2.0 EPCISQueryDocument (JSON-LD), valid against the EPCIS 2.0 JSON Schema.",
    "required": ["@context", "type", "epcisBody"],
    "example": {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISQueryDocument", "schemaVersion": "2.0",
                "creationDate": "2026-05-03T10:00:00.000+08:00",
                "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
                                               "resultsBody": {"eventList": [EXAMPLE_EVENT]}}}},
}
NEXT_LINK = {"Link": {"description": "The next page, when there is one: `<URL with nextPageToken>; rel=\"next\"`.",
                      "schema": {"type": "string"}}}
LIST = "Values: repeat the parameter or separate them with `|`; an event matches any of them."


def _param(name: str, description: str, example: str | int, schema: dict | None = None) -> dict:
    return {"in": "query", "name": name, "required": False, "description": description, "example": example,
            "schema": schema or {"type": "string"}}


PAGING_DOCS = [
    _param("perPage", "Events per page, 1 to 1000 (100 when not given).", 100,
           {"type": "integer", "minimum": 1, "maximum": 1000}),
    _param("nextPageToken", "The token of the next page, from the previous page's `Link` header.",
           "eyJhZnRlciI6IDQyfQ"),
]
QUERY_DOCS = [
    _param("eventType", f"EPCIS event types. {LIST}", "ObjectEvent|TransformationEvent"),
    _param("GE_eventTime", "Events at or after this time (ISO 8601 with an offset).", "2026-05-01T00:00:00+08:00"),
    _param("LT_eventTime", "Events before this time (ISO 8601 with an offset).", "2026-06-01T00:00:00+08:00"),
    _param("EQ_bizStep", f"Business steps: CBV short names or URIs, or our own step URIs. {LIST}", "shipping"),
    _param("EQ_disposition", f"Dispositions: CBV short names or URIs. {LIST}", "in_transit"),
    _param("EQ_bizLocation", f"Business locations: our site URIs. {LIST}",
           "https://trace.example.cn/site/XN-ABATTOIR"),
    _param("MATCH_epc", f"Lots the events are about: GS1 Digital Link URIs, LGTIN URNs, our lot URIs; or every "
                        f"lot of a product (`urn:epc:idpat:sgtin:<prefix>.<item>.*`). {LIST}",
           "https://id.gs1.org/01/06901234567892/10/YAK-2026-001"),
    _param("MATCH_anyEPC", f"As MATCH_epc, and also a transformation's inputs and outputs. {LIST}",
           "urn:epc:class:lgtin:6901234.056789.YAK-2026-001"),
    _param("MATCH_epcClass", f"Lot classes the events are about (our lots are named at class level). {LIST}",
           "urn:epc:idpat:sgtin:6901234.056789.*"),
    _param("EQ_eventID", f"Event ids. {LIST}", "urn:uuid:6f1c3a52-8d0e-4f5e-9a51-2c1b0f3e7d11"),
]


def name_param(name: str = "query_name") -> dict:
    """Document a path parameter naming a saved query."""
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"},
            "description": "The name the query was saved under.", "example": "shipments-to-hk"}


def query_responses(description: str) -> dict:
    """Document a 200 answered with an EPCISQueryDocument and the next page's link."""
    return {"200": {"description": description, "headers": NEXT_LINK,
                    "content": {LD_JSON: {"schema": QUERY_DOCUMENT}}}}


@bp.errorhandler(QueryParameterError)
def _query_parameter(exc: QueryParameterError):
    """Answer a bad query parameter in the API's error shape, typed as EPCIS's QueryParameterException."""
    body = error_body(400, translate_message(exc.message), translate_errors(exc.errors))
    body.update(type=exc.exception_type, title="QueryParameterException")
    return jsonify(body), 400


def _arguments() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in request.args}


def answer_document(answer: events.Answer) -> Response:
    """Serve a query's page, linking the next one."""
    response = Response(json.dumps(answer.document, ensure_ascii=False), mimetype=LD_JSON)
    if answer.next_token:
        arguments = [(k, v) for k, v in request.args.items(multi=True) if k != "nextPageToken"]
        arguments.append(("nextPageToken", answer.next_token))
        response.headers["Link"] = f'<{request.base_url}?{urlencode(arguments)}>; rel="next"'
    return response


@route("/epcis/events", "GET", summary="Query events with the EPCIS 2.0 query parameters", tag=TAG,
       produces=LD_JSON, errors=(400,), extra={
           "description": "Answers the events the caller may read that match every parameter given, oldest "
                          "recorded first, as an EPCISQueryDocument, a page at a time. " + LIST,
           "parameters": QUERY_DOCS + PAGING_DOCS,
           "responses": query_responses("A page of matching events.")})
def query_events(actor):
    """Answer a page of the events matching the standard query parameters."""
    return answer_document(events.query_events(actor, _arguments(), current_app.config["PUBLIC_BASE_URL"]))


@route("/epcis/events/<path:event_id>", "GET", summary="Read one event by its EPCIS eventID", tag=TAG,
       produces=LD_JSON, extra={
           "description": "Answers the event as an EPCISQueryDocument of one event; 404 when no event the caller "
                          "may read has this eventID.",
           "parameters": [{"in": "path", "name": "event_id", "required": True, "schema": {"type": "string"},
                           "example": "urn:uuid:6f1c3a52-8d0e-4f5e-9a51-2c1b0f3e7d11"}],
           "responses": query_responses("The event.")})
def event_by_id(actor, event_id: str):
    """Answer one event by its eventID."""
    document = events.event_by_id(actor, event_id, current_app.config["PUBLIC_BASE_URL"])
    return Response(json.dumps(document, ensure_ascii=False), mimetype=LD_JSON)


@route("/epcis/queries", "POST", summary="Save a named EPCIS query", tag=TAG, body=NamedQueryCreateSchema,
       response=NamedQuerySchema, status=201, errors=(400, 409), extra={
           "description": "Saves query parameters (those of GET /epcis/events, without paging) under a name unique "
                          "to the caller's party. 400 for a bad parameter, 409 for a name taken. `Location` is "
                          "the query's URL."})
def create_query(actor, data: dict):
    """Save a query under a name."""
    query = named.create_query(actor, data["name"], data["query"], current_app.config["PUBLIC_BASE_URL"])
    location = url_for("api.get_query", query_name=query.name)
    return jsonify(NamedQuerySchema().dump(query)), 201, {"Location": location}


@route("/epcis/queries", "GET", summary="List the saved EPCIS queries", tag=TAG, response=NamedQueryListSchema,
       extra={"description": "The queries of the caller's party, by name."})
def list_queries(actor):
    """List the caller's named queries."""
    return {"queries": NamedQuerySchema(many=True).dump(named.list_queries(actor))}


@route("/epcis/queries/<query_name>", "GET", summary="Read a saved EPCIS query", tag=TAG,
       response=NamedQuerySchema, extra={"description": "The query's name and parameters.",
                                         "parameters": [name_param()]})
def get_query(actor, query_name: str):
    """Read a named query."""
    return NamedQuerySchema().dump(named.get_query(actor, query_name))


@route("/epcis/queries/<query_name>", "DELETE", summary="Delete a saved EPCIS query and its subscriptions",
       tag=TAG, status=204, extra={"description": "Deletes the query; its subscriptions end and their pending "
                                                  "deliveries are no longer sent.",
                                   "parameters": [name_param()]})
def delete_query(actor, query_name: str):
    """Delete a named query."""
    named.delete_query(actor, query_name)
    return Response(status=204)


@route("/epcis/queries/<query_name>/events", "GET", summary="Run a saved EPCIS query", tag=TAG, produces=LD_JSON,
       errors=(400,), extra={
           "description": "Answers a page of the saved query's events, as GET /epcis/events does with its "
                          "parameters; only paging is given here.",
           "parameters": [name_param(), *PAGING_DOCS],
           "responses": query_responses("A page of the query's events.")})
def query_events_by_name(actor, query_name: str):
    """Answer a page of a named query's events."""
    paging = _arguments()
    answer = named.query_events(actor, query_name, paging, current_app.config["PUBLIC_BASE_URL"])
    return answer_document(answer)

