"""Notifications: what the service tells its users, kept for the inbox in the same transaction as the write that
causes it (supply.services.audit.writes.on_write), and sent by mail and webhook afterwards by background jobs,
retried and logged, never inside the request that caused them."""
