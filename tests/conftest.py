"""Shared by every tier: each test gets its own database settings."""
