"""Certification: certificates, their review and documents, validity on a date, compliance."""
