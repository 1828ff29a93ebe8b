"""Money is integer minor units with a currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ISO 4217 codes we accept and their number of minor-unit digits.
CURRENCIES: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "JPY": 0}
# A typed amount's whole part has at most 16 digits: beyond any price, and in minor units below 10**18 (an int64).
MAX_AMOUNT_DIGITS = 15  # Decimal.adjusted(): the exponent of the first digit
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥"}
# Stripe's minimum charge in each currency, in minor units (docs.stripe.com/currencies, "Minimum and maximum charge
# amounts"); a smaller PaymentIntent is refused. The sandbox holds to the same so that test money behaves like money.
MIN_CHARGE_MINOR: dict[str, int] = {"USD": 50, "EUR": 50, "GBP": 30, "CAD": 50, "AUD": 50, "JPY": 50}


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in CURRENCIES:
            raise ValueError(f"Unknown currency {self.currency!r}")
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int")

    def format(self) -> str:
        digits = CURRENCIES[self.currency]
        sign = "-" if self.amount_minor < 0 else ""
        value = abs(self.amount_minor)
        if digits == 0:
            return f"{sign}{SYMBOLS[self.currency]}{value:,}"
        whole, frac = divmod(value, 10**digits)
        return f"{sign}{SYMBOLS[self.currency]}{whole:,}.{frac:0{digits}d}"


def parse_amount(text: str, currency: str) -> int:
    """Parse a user-typed amount ("45", "45.5", "1,200.00") into minor units.

    Raises ValueError with a message fit to show next to the field.
    """
    if currency not in CURRENCIES:
        raise ValueError("Choose a supported currency.")
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        raise ValueError("Enter an amount.")
    if len(cleaned) > 20:
        raise ValueError("That amount is too long.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Enter a number such as 45 or 45.50.") from None
    if not value.is_finite():
        raise ValueError("Enter a number such as 45 or 45.50.")
    if value.adjusted() > MAX_AMOUNT_DIGITS:  # "1e999999" is finite, and too large to scale into minor units
        raise ValueError("That amount is too large.")
    if value < 0:
        raise ValueError("The amount cannot be negative.")
    digits = CURRENCIES[currency]
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        raise ValueError(f"Use at most {digits} decimal places.")
    return int(minor)


def amount_input(amount_minor: int, currency: str) -> str:
    """Minor units back into what a person types ("45.50"), to pre-fill a form."""
    digits = CURRENCIES[currency]
    if digits == 0:
        return str(amount_minor)
    whole, frac = divmod(amount_minor, 10**digits)
    return f"{whole}.{frac:0{digits}d}"
