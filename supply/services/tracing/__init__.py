"""Tracing: a lot's genealogy up- and downstream, its event history, and its mass balance."""
