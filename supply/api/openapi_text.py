"""The words of the OpenAPI document: what each operation is for, what each parameter means (with an example), and
the error answers every operation can give. `supply.api.openapi` puts them into the document;
tests/app/test_openapi_described.py fails when an operation, parameter or field is left without them."""

from __future__ import annotations

# What each operation does, who may call it and what it answers, by "METHOD rule" (a route may instead carry its
# own `description=`).
OPERATIONS = {
    "GET /audit": "Read the audit log, newest first, one entry per write (who, when, which record, what changed), "
                  "filtered by actor, action, table, record and days. Admins and inspectors only.",
    "GET /audit.csv": "The same entries as `GET /audit`, with the same filters, as a CSV file (UTF-8 with BOM, for "
                      "spreadsheets). Admins and inspectors only.",
    "POST /auth/tokens": "Sign in with email and password (and the one-time password of two-factor sign-in when "
                         "it is on) and receive a bearer token for the API, shown once. Failed attempts are counted "
                         "per account and address: past the limit the answer is 429 with Retry-After.",
    "GET /auth/tokens": "List the caller's API tokens (never the secret itself): name, prefix, read-only flag, "
                        "when each was created, last used, expires and was revoked.",
    "DELETE /auth/tokens/{token_id}": "Revoke one of the caller's tokens; it stops working at once.",
    "POST /account/password": "Change the caller's password; the current password must be given.",
    "POST /auth/password-reset": "Mail a one-time link to set a new password to the address given. The answer is "
                                 "the same whether or not the address has an account.",
    "POST /auth/password-reset/{token}": "Set a new password with the one-time token of a reset link; the token "
                                         "works once and expires.",
    "POST /batches": "Register a batch (a harvest, a birth, a slaughtered or propagated lot) at one of the caller's "
                     "sites: its product, quantity and unit, date and lot code (made when none is given). Writes "
                     "the `commissioning` event. A lot code or ear tag already taken is 409.",
    "GET /batches": "List the batches the caller may see (those its party holds or produced; every batch for "
                    "admins and inspectors), filtered by product, category, party, site, status, dates and text.",
    "GET /batches/{lot_code}": "Read one batch by its lot code: product, quantity on hand and in transit, holder, "
                               "site, status and public token. A lot the caller may not see is 404.",
    "PATCH /batches/{lot_code}": "Change a batch's field name or notes (a producer or operator of the holding "
                                 "party, or an admin); quantities and dates change only through events.",
    "GET /batches/{lot_code}/verify": "Recompute the hash chain of the batch's events and say whether it is intact, "
                                      "or which event first does not match.",
    "POST /certificates": "Submit a certificate of the caller's party (green food, organic, geographical "
                          "indication ...) for an inspector's review, with its number, issuer, scope and validity.",
    "GET /certificates": "For inspectors, the review queue (submitted first, oldest first); for everyone else, "
                         "their party's certificates. Filters: status, kind, party, issuer, expiring within days.",
    "GET /certificates/{cert_id}": "Read a certificate with its status history and its attached documents.",
    "POST /certificates/{cert_id}/approve": "Approve a submitted certificate. Inspectors only, and not of the "
                                            "certificate's own party.",
    "POST /certificates/{cert_id}/reject": "Reject a submitted certificate, with the reason the party sees.",
    "POST /certificates/{cert_id}/suspend": "Suspend an approved certificate from a date, with a reason; lots "
                                            "from that date on no longer carry its claim.",
    "POST /certificates/{cert_id}/reinstate": "Reinstate a suspended certificate from a date, with a reason.",
    "POST /certificates/{cert_id}/revoke": "Revoke an approved or suspended certificate from a date, with a "
                                           "reason; lots produced while it was valid keep it, with the "
                                           "revocation beside it.",
    "POST /certificates/{cert_id}/documents": "Attach a scan of the certificate (multipart form field `file`: PDF, "
                                              "JPEG or PNG, at most 10 MB).",
    "GET /certificates/{cert_id}/documents/{doc_id}": "Download an attached document, as uploaded.",
    "POST /events/{event_id}/declare-error": "Declare an event in error (it did not occur, or its data was wrong): "
                                             "its effect on quantities and genealogy is undone, the history keeps "
                                             "both. Events themselves are never changed.",
    "POST /observations/storing": "Record that a lot was stored at one of the caller's sites, with the "
                                  "temperatures measured over an interval.",
    "GET /exports/epcis": "Export a lot's events (with `trace`, those of its genealogy) or a period's as an EPCIS "
                          "2.0 JSON-LD document.",
    "GET /exports/kde.csv": "Export the key data elements of the tracking events of lots or a period as CSV, one "
                            "row per event and lot.",
    "POST /imports/registrations": "Register harvest batches from a CSV file (multipart form field `file`), all "
                                   "rows or none. Answers 202 with the import job to follow.",
    "POST /imports/shipments": "Dispatch shipments from a CSV file (multipart form field `file`), one row per "
                               "shipment line, all rows or none. Answers 202 with the import job to follow.",
    "GET /imports/{job_id}": "Read an import job: its status, rows done, the bad rows with their messages, and its "
                             "result once finished.",
    "POST /inspections": "Record a site visit or a sampling at a party's site, with its outcome. Inspectors only.",
    "GET /inspections": "List inspections: the caller's party's, or every party's for inspectors.",
    "GET /inspections/{inspection_id}": "Read one inspection.",
    "POST /tests": "Record a test result on a lot (rapid test or laboratory). A failing result puts the lot and "
                   "every lot made from it on hold at once.",
    "GET /tests": "List the test results of a lot (`?lot=`).",
    "GET /batches/{lot_code}/tests": "List the test results of a lot.",
    "GET /holds": "List holds: open ones, or released ones or all by `status`. Inspectors only.",
    "POST /holds": "Hold a lot and everything made from it, with a reason: held lots may not move. Inspectors only.",
    "POST /holds/{hold_id}/release": "Release a hold, with a reason. Inspectors only.",
    "POST /batches/{lot_code}/compliance-certificates": "Issue a compliance certificate (承诺达标合格证) for a "
                                                        "quantity of a lot the caller's party holds, on the basis "
                                                        "of quality control or a test.",
    "GET /batches/{lot_code}/compliance-certificates": "List the compliance certificates issued for a lot.",
    "GET /openapi.json": "This document: every operation of the API, its parameters, bodies and answers.",
    "POST /parties": "Register a party (farm, cooperative, operator, buyer, laboratory ...). Admins only.",
    "GET /parties": "List parties, filtered by kind and county.",
    "GET /parties/{code}": "Read a party by its code.",
    "PATCH /parties/{code}": "Change a party's names, address, county, phone or credit code. Admins only.",
    "POST /products": "Register a product: category, names, variety, unit and optional GTIN. Admins only.",
    "GET /products": "List products, filtered by category.",
    "GET /products/{code}": "Read a product by its code.",
    "PATCH /products/{code}": "Change a product's names, variety, unit or GTIN. Admins only.",
    "GET /batches/{lot_code}/qr.svg": "The QR code of a batch (its public page, or its Digital Link URI when labels "
                                      "use that style) as SVG.",
    "GET /batches/{lot_code}/qr.png": "The QR code of a batch as PNG, `size` pixels per module.",
    "POST /recalls": "Open a recall on a lot at level 1 to 3: every lot up- and downstream is marked recalled and "
                     "its holders listed, with the deadlines to start and finish. Inspectors only.",
    "GET /recalls": "List recalls, newest first, open or closed by `status`.",
    "POST /recalls/mock": "Rehearse a recall on a lot: the same scope, holders and mass balance as a real one, "
                          "and how long it took to compute; nothing is written.",
    "GET /recalls/{code}": "Read a recall with its lots (distributed, recovered, destroyed), holders and notices.",
    "POST /recalls/{code}/lots/{lot}": "Record the quantities of a recalled lot recovered and destroyed so far.",
    "POST /recalls/{code}/notices": "Record a notice of the recall sent to a party, by which channel and when.",
    "POST /recalls/{code}/close": "Close a recall with a closing note.",
    "GET /recalls/{code}/report.csv": "Download the recall report (lots, quantities, holders, notices) as CSV.",
    "POST /shipments": "Dispatch lots from one of the caller's sites to another party's site: the quantities go in "
                       "transit until received. More than is on hand, or a held lot, is refused (409/422).",
    "GET /shipments": "List the caller's party's shipments, incoming or outgoing by `direction`, by status and "
                      "counterpart.",
    "GET /shipments/{code}": "Read a shipment with its lines.",
    "POST /shipments/{code}/receive": "Receive a shipment at the receiving party's site, line by line; a shortfall "
                                      "needs a reason and is recorded as loss. The receiving party (or an admin) "
                                      "only.",
    "POST /shipments/{code}/cancel": "Cancel a shipment before it is received, with a reason: the quantities go "
                                     "back on hand. The sending party (or an admin) only.",
    "POST /sites": "Register a site (field, pasture, store, plant) of a party, with its county and coordinates. "
                   "Admins only.",
    "GET /sites": "List sites, filtered by party and kind.",
    "GET /sites/{code}": "Read a site by its code.",
    "PATCH /sites/{code}": "Change a site's names, address, county, area or coordinates. Admins only.",
    "GET /batches/{lot_code}/trace": "Trace a batch upstream (what it was made from), downstream (what was made from "
                                     "it and where it went) or both, as nodes and edges with their events.",
    "GET /batches/{lot_code}/events": "A batch's events, oldest first, each with its lines and any error "
                                      "declaration.",
    "GET /batches/{lot_code}/balance": "A batch's mass balance: produced and received against used, shipped, lost, "
                                       "on hand and in transit.",
    "POST /transformations": "Record a transformation at one of the caller's sites (merge, split, grading, "
                             "packing, slaughter, cutting, planting): inputs used, outputs made, loss.",
    "POST /users": "Create a user with a role (admin, producer, operator, inspector) and a party. Admins only.",
    "GET /users": "List users by email, filtered by role and party: every user for admins, else the users of the "
                  "caller's party.",
    "GET /users/me": "Read the calling user.",
    "GET /users/{user_id}": "Read a user by id: admins see every user, others those of their own party (any other "
                            "is 404).",
    "PATCH /users/{user_id}": "Change a user's name, role, party, password or active flag. Admins only.",
    "GET /dashboard": "The dashboard of the caller's role, as the page draws it: its figures and, for each chart, "
                      "the table it is drawn from (producers and operators their party's; inspectors the review "
                      "queue, holds, recalls and failure rates; admins and observers the city's tonnes).",
    "GET /notifications": "The caller's notifications, newest first, each in the caller's language, with how many "
                          "are unread.",
    "POST /notifications/read": "Mark the caller's notifications read: those listed in `ids`, or all.",
    "GET /notifications/settings": "How the caller is told: by kind, whether also by mail and by webhook, and the "
                                   "webhook address.",
    "PUT /notifications/settings": "Choose how the caller is told. A new webhook address answers once with its "
                                   "signing secret; an address that is not http(s), or private where the service "
                                   "forbids it, is 422 on `webhook_url`.",
    "GET /shipments/{code}/readings": "A shipment's logged temperatures, its limits and the excursions found (its "
                                      "sender, receiver, inspectors and admins).",
    "POST /shipments/{code}/readings": "Log a shipment's temperatures (its sender or receiver): a JSON batch of up "
                                       "to 10,000 readings, a logger's CSV file as the body, or a file in the form "
                                       "field `file`. A bad reading refuses the whole batch (422, naming the line "
                                       "or field); a reading sent before is skipped.",
    "GET /storings/{event_id}/readings": "A storing interval's logged temperatures, limits and excursions.",
    "POST /storings/{event_id}/readings": "Log a storing interval's temperatures (the party of its site), as for a "
                                          "shipment.",
    "GET /temperature-limits": "The temperature limits of each product category (and of frozen goods).",
    "PUT /temperature-limits/{category}": "Set a category's limits, `low` and `high` in °C (either may be null for "
                                          "no limit). Admins only.",
    "GET /hold-proposals": "Holds proposed by temperature excursions, for inspectors: proposed (the default), "
                           "confirmed, dismissed or all (`?status=`).",
    "POST /hold-proposals/{proposal_id}/confirm": "Confirm a proposed hold: the lot and everything made from it "
                                                  "are held. Inspectors only.",
    "POST /hold-proposals/{proposal_id}/dismiss": "Dismiss a proposed hold with a reason; the lot goes on moving. "
                                                  "Inspectors only.",
}

# Every parameter by name: (description, example).
PARAMETERS = {
    "Idempotency-Key": ("Send the same key when retrying: the first response is replayed and nothing is written "
                        "again.", "merge-2026-11-25-01"),
    "page": ("The page to read, from 1.", 1),
    "per_page": ("Items per page.", 50),
    "code": ("The code of the record.", "COOP-HZ-VEG"),
    "lot_code": ("The lot code of the batch.", "VG260811-004"),
    "lot": ("A lot code.", "VG260811-004"),
    "lots": ("Lot codes, comma-separated.", "VG260811-004,VG260721-003"),
    "cert_id": ("The id of the certificate.", 12),
    "doc_id": ("The id of the document.", 3),
    "token_id": ("The id of the API token.", 7),
    "token": ("The one-time token of the password reset link.", "Zq3r9c1Xw2kD8fVt"),
    "user_id": ("The id of the user.", 5),
    "event_id": ("The id of the event (a UUID URN).", "urn:uuid:aca2b7ed-4f4b-4f4e-9a39-1c1c3a7c0b11"),
    "job_id": ("The id of the import job.", "c0f1d2e3a4b5"),
    "inspection_id": ("The id of the inspection.", 4),
    "hold_id": ("The id of the hold.", 2),
    "party": ("A party code.", "COOP-HZ-VEG"),
    "product": ("A product code.", "VEG-BROCCOLI"),
    "site": ("A site code.", "S-HZ-VEG-F1"),
    "category": ("A product category.", "vegetable"),
    "status": ("The status to list.", "open"),
    "kind": ("The kind to list.", "farm"),
    "county": ("A county or district, as written.", "湟中区"),
    "q": ("Text searched in lot codes, field names and notes.", "VG2608"),
    "date_from": ("The first production date, YYYY-MM-DD.", "2026-08-01"),
    "date_to": ("The last production date, YYYY-MM-DD.", "2026-08-31"),
    "from": ("The start of the period (a date or an ISO 8601 time).", "2026-11-01"),
    "to": ("The end of the period (a date or an ISO 8601 time).", "2026-11-30"),
    "actor": ("The email of the user who wrote.", "inspector@example.com"),
    "action": ("The action written (table.verb).", "batch.create"),
    "table": ("The table of the record written.", "batch"),
    "record": ("The key of the record written.", "VG260811-004"),
    "issuer": ("The code of the issuing body.", "CERT-ZLHX"),
    "expiring_within": ("Certificates whose validity ends within this many days.", 30),
    "trace": ("Also the events of the lot's genealogy: up, down or both.", "both"),
    "direction": ("Which way: up (upstream), down (downstream) or both; for shipments, in or out.", "both"),
    "depth": ("How many steps to follow at most.", 10),
    "max_nodes": ("How many lots to return at most; past it the answer says it is truncated.", 500),
    "role": ("A role: admin, producer, operator or inspector.", "producer"),
    "size": ("Pixels per module (1 to 20).", 8),
    "proposal_id": ("The id of the hold proposal.", 3),
}
# Parameters whose meaning depends on the path, by "path parameter name".
PARAMETERS_BY_PATH = {
    ("/shipments", "direction"): ("Incoming (in) or outgoing (out) shipments of your party.", "out"),
    ("/shipments", "status"): ("The shipment status to list.", "in_transit"),
    ("/holds", "status"): ("open (the default), released or all.", "open"),
    ("/recalls", "status"): ("open or closed.", "open"),
    ("/certificates", "status"): ("The certificate status to list.", "submitted"),
    ("/certificates", "kind"): ("The kind of certificate.", "organic"),
    ("/inspections", "kind"): ("site_visit or sampling.", "site_visit"),
    ("/sites", "kind"): ("The kind of site.", "field"),
    ("/batches", "status"): ("The batch status to list.", "active"),
    ("/recalls/{code}", "code"): ("The code of the recall.", "RC261126-001"),
    ("/recalls/{code}/lots/{lot}", "code"): ("The code of the recall.", "RC261126-001"),
    ("/recalls/{code}/notices", "code"): ("The code of the recall.", "RC261126-001"),
    ("/recalls/{code}/close", "code"): ("The code of the recall.", "RC261126-001"),
    ("/recalls/{code}/report.csv", "code"): ("The code of the recall.", "RC261126-001"),
    ("/shipments/{code}", "code"): ("The code of the shipment.", "SH261125-H3CP8V"),
    ("/shipments/{code}/receive", "code"): ("The code of the shipment.", "SH261125-H3CP8V"),
    ("/shipments/{code}/cancel", "code"): ("The code of the shipment.", "SH261125-H3CP8V"),
    ("/products/{code}", "code"): ("The code of the product.", "VEG-BROCCOLI"),
    ("/sites/{code}", "code"): ("The code of the site.", "S-HZ-VEG-F1"),
}

# The error answers, by status: what they mean and an example body. 401, 413, 414 and 429 can come from any
# operation of their kind (every authenticated one; every one with a body; every one; signing in).
ERRORS = {
    400: ("The request cannot be read: the body is not JSON, or an Idempotency-Key is reused with another body.",
          "The body is not valid JSON."),
    401: ("No valid bearer token: missing, unknown, revoked or expired (the message says which); for signing in, "
          "wrong credentials.", "Send a valid token as 'Authorization: Bearer <token>'."),
    403: ("The token's user may not do this: its role or party may not act here, or the token is read-only.",
          "This API token is read-only: it may not change anything."),
    404: ("No such record, or one the caller may not see (the same answer, so nothing is learnt of another "
          "party's records).", "Not found."),
    409: ("A conflict with the records as they are: a lot code or ear tag taken, more than is on hand, a step the "
          "status does not allow.", "This lot code is taken."),
    413: ("The body is larger than the server takes (12 MB; 10 MB for a certificate scan). A proxy in front "
          "(nginx) may answer it itself, with an HTML body.", "The file is larger than 10 MB."),
    414: ("The request line (path and query) is longer than the proxy in front takes (nginx: 8 KB). nginx answers "
          "it itself, with an HTML body, before the service sees the request.", None),
    415: ("The body is not of the media type the operation takes.", "Send the body as application/json."),
    422: ("The input is not valid: `errors` names each field and why. Nothing is written.",
          "The input is not valid."),
    429: ("Too many failed sign-ins for this account or address: wait for the number of seconds in Retry-After.",
          "Too many failed sign-ins. Try again in 60 seconds."),
}
ERROR_FIELDS = {422: {"quantity": ["Must be greater than 0."]}, 413: {"file": ["The file is larger than 10 MB."]}}
URI_TOO_LONG_BODY = ("<html><head><title>414 Request-URI Too Large</title></head><body><center><h1>414 "
                     "Request-URI Too Large</h1></center></body></html>")
