"""Accounts: users, their roles and passwords, and API tokens.

Who may do what is `supply.permissions`: every domain asks it, so it sits beneath them all.
"""
