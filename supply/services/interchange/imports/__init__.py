"""CSV imports: read a file, check every row, write all rows in one transaction or none."""
