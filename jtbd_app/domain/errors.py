"""The typed errors services raise and state handlers show as messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base for every error a user may see; `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input was refused; `fields` maps a form field to the message shown next to it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


class NotSignedIn(DomainError):
    def __init__(self, message: str = "Please sign in to continue.") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class TermsNotAccepted(DomainError):
    """The member has not accepted the current terms of service: no post, bid or payment until they do (`/terms`)."""

    LINK = "/terms"

    def __init__(self, message: str = "Accept the updated terms to continue.") -> None:
        super().__init__(message)


class InvalidCredentials(DomainError):
    def __init__(self) -> None:
        super().__init__("That email or username and password do not match.")


class TooManyAttempts(DomainError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Too many failed sign-in attempts. Try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = retry_after_seconds


class RateLimited(DomainError):
    """Too many of one action from one member or address in a short time: nothing was done; `message` says how
    long to wait."""

    def __init__(self, action: str, wait: str, retry_after_seconds: int) -> None:
        super().__init__(f"Too many {action} from you in a short time. Please wait {wait} and try again.")
        self.retry_after_seconds = retry_after_seconds


class ExternalSignInFailed(DomainError):
    """Sign-in through an outside provider was refused or could not finish.

    `message` is safe to show; `code` picks the message on /login; `reason` is for the log only.
    """

    def __init__(
        self,
        reason: str,
        *,
        message: str = "Sign-in with that provider failed. Please try again.",
        code: str = "oidc",
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.code = code


def field_errors(exc: DomainError) -> dict[str, str]:
    """Messages keyed by form field; an error about the whole form goes under "form" (and, when it is the terms that
    stand in the way, the page to accept them under "terms", which `components/forms.form_error` shows as a link)."""
    if isinstance(exc, TermsNotAccepted):
        return {"form": exc.message, "terms": TermsNotAccepted.LINK}
    return dict(exc.fields) if isinstance(exc, ValidationFailed) else {"form": exc.message}
