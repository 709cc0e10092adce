"""Accounts: users, their roles, API tokens, and who may do what (`permissions`)."""
