"""Master data: parties, sites, products, users and their identifiers."""
