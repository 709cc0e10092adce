"""Accounts: API tokens and the permission matrix."""
