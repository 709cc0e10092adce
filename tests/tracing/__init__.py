"""Tracing: genealogy, histories and mass balance."""
