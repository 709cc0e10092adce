"""Interchange: what goes out (EPCIS 2.0 documents, KDE sheets, the export selection) and what comes in
(CSV imports of registrations and shipments).
"""
