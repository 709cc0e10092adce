"""Chain of custody: registrations, shipments, transformations, error declarations, the hash chain."""
