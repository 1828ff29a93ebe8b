"""Connecting a provider by a mailed link: the link is the credential; without it nothing is connected."""

from __future__ import annotations

PUBLIC = {
    "ConnectSignInState.setvar": "Reflex built-in; display vars only",
    "ConnectSignInState.load_connect": "names the provider of the link in the address; reads nothing private",
    "ConnectSignInState.confirm_connect": "the one-time mailed link in the address is the credential; the service "
    "checks it, refuses admin accounts and binds the sign-in grant to this browser",
}
