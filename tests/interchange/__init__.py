"""Interchange: EPCIS and KDE exports, CSV imports."""
