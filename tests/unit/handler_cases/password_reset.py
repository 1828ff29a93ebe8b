"""Password reset handlers are public by nature: asking reveals nothing, and the mailed link is the credential."""

from __future__ import annotations

PUBLIC = {
    "PasswordResetState.setvar": "Reflex built-in; display vars only",
    "PasswordResetState.load_reset": "says whether mail is set up and whether the link in the address is usable",
    "PasswordResetState.request_link": "anyone may ask; the answer is the same for unknown addresses (3 links/hour)",
    "PasswordResetState.choose_password": "the one-time, one-hour link is the credential; checked by the service",
}
