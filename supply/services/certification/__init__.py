"""Certification: certificates and their review, documents, validity on a date, claims carried through
transformations, the tests shown beside them, and the producer's compliance certificates.
"""
