"""Use cases as plain functions with keyword arguments; they enforce permissions. No Reflex here."""
