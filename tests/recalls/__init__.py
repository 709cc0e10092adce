"""Recalls: scope, deadlines, tracking, reports and mock recalls."""
