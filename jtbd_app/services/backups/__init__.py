"""Backups of the whole app's data: the database and every uploaded file, with a manifest that proves them whole."""
