"""Recalls: opening one up and down the genealogy, its holders, deadlines in working days, tracking and reports."""
