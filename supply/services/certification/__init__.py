"""Certification: certificates and their review, documents, validity on a date, claims carried through
transformations, and the producer's compliance certificates.
"""
