"""Webhooks: signed JSON POSTs to a party's URL, retried with backoff, each delivery and its attempts logged.

Any domain (EPCIS subscriptions, notifications) creates an endpoint and enqueues bodies; a background round sends them.
"""
