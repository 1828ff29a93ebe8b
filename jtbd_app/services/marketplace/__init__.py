"""Listings, bids, questions, invitations, search, the provider directory and the dashboard."""
