"""A contract from acceptance to review: funding, deliveries, completion, cancellation, payouts, gateway events."""
