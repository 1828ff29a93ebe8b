"""Members and their sign-in: sign-up, passwords, sessions, providers, confirmation, profiles, terms."""
