"""Trust and safety: disputes a party opens and an administrator decides, reports and moderation, strikes,
suspensions and appeals, user administration, the audit log's reader and the admin overview.

It sits at the top of the service packages (below `demo`): it calls contracts, ledger, messaging, marketplace and
accounts, and nothing below calls it.
"""
