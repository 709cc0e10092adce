"""Chain of custody: lots (batches), their events, stock on hand, shipments and receipts, transformations,
storage observations, error declarations, and the hash chain that seals the events.

The one link out of this domain that comes back: a transformation issues compliance certificates
(`certification.compliance`), which in turn reads the lots it covers.
"""
