"""The audit log: writes recorded and read back."""
