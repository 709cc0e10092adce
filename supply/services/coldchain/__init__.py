"""The watched cold chain: temperature readings of shipments and storing intervals, limits per product category,
excursions found in the readings and the holds they propose to inspectors."""
