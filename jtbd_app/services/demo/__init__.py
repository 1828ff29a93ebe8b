"""The deterministic demo data, loaded through the real services into an empty database."""
