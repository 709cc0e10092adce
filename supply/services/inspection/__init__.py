"""Inspection: site visits, samples and tests, and the holds a failing test puts on lots."""
