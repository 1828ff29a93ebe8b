"""The double-entry ledger, the escrow movements named on it, and reconciliation with the gateway."""
