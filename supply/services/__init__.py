"""Business rules: plain functions shared by the API, the pages and the CLI."""
