"""Inspection: inspections, tests and holds."""
