"""EPCIS 2.0 capture: read an EPCISDocument, check it against the standard, and write its events through the custody
services, all of a document's events or none, as a job."""
