"""Benchmarks: a generated season of Xining produce and the one command that measures the service on it."""
