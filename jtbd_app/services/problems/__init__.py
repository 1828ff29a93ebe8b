"""Problem-first jobs: plans, their money, matching and verification."""
