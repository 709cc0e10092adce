"""The capture interface as the OpenAPI document shows it to partners."""

from __future__ import annotations

import json

from jsonschema import Draft7Validator

from supply.services.interchange.capture.document import inline_references
from tests.builders.capture import EXAMPLES
from tests.builders.capture import SHARED


def test_the_openapi_document_describes_capture_with_an_example_that_the_standard_accepts(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/epcis/capture"]["post"]
    assert "all of them or none" in post["description"]
    assert "urn:epc:class:lgtin" in post["description"]
    example = post["requestBody"]["content"]["application/ld+json"]["example"]
    schema = (SHARED / "epcis" / "EPCIS-JSON-Schema.json").read_text(encoding="utf-8")
    assert not list(Draft7Validator(json.loads(schema)).iter_errors(example))
    assert {"202", "400", "413", "415"} <= set(post["responses"])
    job = post["responses"]["202"]["content"]["application/json"]["schema"]
    assert job == {"$ref": "#/components/schemas/CaptureJob"}
    fields = spec["components"]["schemas"]["CaptureJob"]["properties"]
    assert "index in epcisBody.eventList" in spec["components"]["schemas"]["EventError"]["properties"]["event"][
        "description"]
    assert {"id", "status", "errors", "result", "status_url"} <= set(fields)
    get = spec["paths"]["/api/v1/epcis/capture/{job_id}"]["get"]
    assert get["description"] and "404" in get["responses"]


def test_the_schema_with_its_references_inlined_judges_documents_as_the_official_one_does():
    official = json.loads((SHARED / "epcis" / "EPCIS-JSON-Schema.json").read_text(encoding="utf-8"))
    inlined = inline_references(official)
    assert "$ref" not in json.dumps(inlined)
    for path in sorted(EXAMPLES.glob("*.jsonld")):
        good = json.loads(path.read_text(encoding="utf-8"))
        bad = json.loads(path.read_text(encoding="utf-8"))
        event = bad["epcisBody"]["eventList"][0]
        event.pop("eventTime")
        event["bizStep"] = 42
        for document in (good, bad):
            expected = sorted((list(e.absolute_path), e.message)
                              for e in Draft7Validator(official).iter_errors(document))
            found = sorted((list(e.absolute_path), e.message)
                           for e in Draft7Validator(inlined).iter_errors(document))
            assert found == expected
        assert expected
