"""Master data: parties, their sites, products, and finding any of them by code."""
