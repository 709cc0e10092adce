"""The audit log: every write recorded in its own transaction, and reading the log back."""
