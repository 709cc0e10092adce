"""The demo: a season of Xining parties, sites, products, lots, certificates and tests for `make run`."""
