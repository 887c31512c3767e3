"""The national-scale benchmark (issue 8): `bench.datagen` fills a PostgreSQL database with a
country's worth of data; the harness measures every screen against its own floors on it."""
