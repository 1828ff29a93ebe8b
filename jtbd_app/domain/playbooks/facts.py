"""What a problem statement says in numbers and names (quantities, links, places, platforms, languages), so that a
playbook's tasks can be filled with the problem's own words rather than a generic template."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000, "mm": 1_000_000}
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12, "a dozen": 12, "a hundred": 100,
}  # fmt: skip
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
_QUANTITY_RE = re.compile(
    r"(?<![\w$€£¥.,/-])"
    + _NUMBER
    + r"\s*(k|m|mm|thousand|million)?\+?([\s-]+)((?:[A-Za-z][\w'&-]*\s+){0,2}[A-Za-z][\w'&-]*)",
    re.I,
)
# Words that end a quantity's noun phrase ("10K visitors to my site": the phrase stops before "to").
_STOP = frozenset(
    [
        "in",
        "to",
        "for",
        "per",
        "by",
        "a",
        "an",
        "the",
        "within",
        "each",
        "from",
        "on",
        "at",
        "of",
        "and",
        "or",
        "with",
        "over",
        "under",
        "before",
        "after",
        "this",
        "next",
        "every",
        "my",
        "our",
        "your",
        "their",
        "that",
        "which",
        "so",
        "until",
        "across",
        "into",
        "via",
        "than",
    ]
)
# Words a quantity's noun phrase never carries into a plan: how the client judged them, or deception asked for.
_DROP = frozenset(
    [
        "legit",
        "legitimate",
        "real",
        "genuine",
        "organic",
        "new",
        "more",
        "unique",
        "cheap",
        "quality",
        "high-quality",
        "targeted",
        "free",
        "fake",
        "bought",
        "bot",
        "bots",
        "purchased",
        "paid",
        "extra",
        "additional",
        "about",
        "around",
        "roughly",
        "approximately",
        "least",
    ]
)
_TIME_UNITS = frozenset(
    ["day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes"]
)
_MONEY_UNITS = frozenset(
    [
        "usd",
        "eur",
        "gbp",
        "cad",
        "aud",
        "jpy",
        "dollars",
        "dollar",
        "euros",
        "euro",
        "pounds",
        "yen",
        "bucks",
        "percent",
        "%",
        "k",
    ]
)
URL_RE = re.compile(
    r"\b((?:https?://)?(?:[a-z0-9-]+\.)+(?:com|org|net|io|co|dev|app|shop|store|de|fr|uk|ca|au|jp|es|it|nl)(?:/[\w./%-]*)?)\b",
    re.I,
)
PLATFORMS = (
    "Instagram", "TikTok", "YouTube", "Facebook", "LinkedIn", "Pinterest", "Twitter", "Reddit", "Shopify", "WordPress",
    "Squarespace", "Wix", "Webflow", "Etsy", "Amazon", "eBay", "iOS", "Android", "Google Ads", "Google Analytics",
    "Mailchimp", "Substack", "Medium", "QuickBooks", "Xero", "Excel", "Notion", "Slack", "Zoom", "Eventbrite",
    "Udemy", "Teachable", "Kajabi", "Figma", "React", "Django", "Flask", "Python", "Stripe", "Airbnb", "Salesforce",
    "HubSpot", "Twitch", "Discord", "Kickstarter", "Steam", "Unity", "Zapier", "Google Sheets", "Meetup",
)  # fmt: skip
LANGUAGES = (
    "English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish", "Russian", "Ukrainian",
    "Turkish", "Arabic", "Hebrew", "Hindi", "Bengali", "Chinese", "Mandarin", "Cantonese", "Japanese", "Korean",
    "Vietnamese", "Thai", "Indonesian", "Swedish", "Norwegian", "Danish", "Finnish", "Greek", "Czech", "Romanian",
    "Hungarian", "Tagalog", "Swahili",
)  # fmt: skip
_PLATFORM_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PLATFORMS) + r")\b", re.I)
_LANGUAGE_RE = re.compile(r"\b(" + "|".join(LANGUAGES) + r")\b")
_NOT_PLACES = (
    frozenset(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "Google",
            "English",
            "The",
            "A",
            "An",
            "My",
            "Our",
            "I",
            "We",
            "It",
            "This",
            "Christmas",
            "Easter",
        ]
    )
    | frozenset(PLATFORMS)
    | frozenset(LANGUAGES)
)
_PLACE = r"([A-Z][a-zA-Z.'-]+(?:\s[A-Z][a-zA-Z.'-]+){0,2})"
_FROM_TO_RE = re.compile(r"\bfrom\s+" + _PLACE + r"\s+to\s+" + _PLACE)
_IN_RE = re.compile(r"\b(?:in|near|around|to|at)\s+(?:downtown\s+)?" + _PLACE)
_SUBJECT_RE = re.compile(
    r"\b(?:my|our)\s+((?:[\w'&-]+\s+){0,3}?[\w'&-]+?)(?=\s+(?:in|to|for|with|by|from|on|at|within|before|and|that|so|"
    r"which|who|is|are|get|gets|next|this|over|under|into|about|done|sorted|fixed|finished|cleaned|built|made|ready|up|out|"
    r"translated|moved|organised|organized|planned|designed|written)\b|[.,;:!?()]|$)",
    re.I,
)


@dataclass(frozen=True)
class Quantity:
    """A number the problem names with what it counts: "10K visitors" is 10000 and "visitors"."""

    value: int
    noun: str  # the counted noun, lower case ("visitors")
    phrase: str  # the noun with its kept modifiers ("website visitors")


@dataclass(frozen=True)
class Facts:
    quantities: tuple[Quantity, ...]
    urls: tuple[str, ...]
    platforms: tuple[str, ...]
    languages: tuple[str, ...]
    places: tuple[str, ...]  # "from A to B" gives (A, B); otherwise the places named after in/near/to
    subject: str  # what the problem is about, in its own words ("bakery's site"), or ""
    days: int | None  # a duration the text names ("in 60 days"), if any


def _plural(word: str) -> bool:
    low = word.lower()
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")) and low not in _DROP


def _to_int(number: str, multiplier: str | None) -> int | None:
    word = number.lower()
    if word in _WORD_NUMBERS:
        value = _WORD_NUMBERS[word]
    else:
        whole, _, frac = number.replace(",", "").partition(".")
        value = int(whole)
        if frac and multiplier:
            value = (int(whole + frac) * _MULTIPLIERS[multiplier.lower()]) // 10 ** len(frac)
            return value if 0 < value <= 10**12 else None
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return value if 0 < value <= 10**12 else None


def _quantities(text: str) -> tuple[tuple[Quantity, ...], int | None]:
    found: list[Quantity] = []
    days: int | None = None
    for match in _QUANTITY_RE.finditer(text):
        number, multiplier, words = match.group(1), match.group(2), match.group(4).split()
        if match.group(3) == "-":  # "2-bedroom apartment", "40-page manual": the number counts the first word
            words = words[:1]
        plural = next((i for i, w in enumerate(words) if _plural(w)), None)
        if plural is not None:  # "10 lessons teaching beginners": the count is of the first plural noun
            words = words[: plural + 1]
        kept: list[str] = []
        for word in words:
            low = word.lower().strip("'")
            if low in _STOP:
                break
            kept.append(low)
        if multiplier and multiplier.lower() in ("m", "mm") and kept and kept[0] in _TIME_UNITS:
            continue
        value = _to_int(number, multiplier)
        if value is None or not kept:
            continue
        noun = kept[-1].rstrip("',.")
        if noun in _MONEY_UNITS or kept[0] in _MONEY_UNITS:
            continue
        if noun in _TIME_UNITS:
            factor = {"week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}.get(noun, 1)
            if noun.startswith(("day", "week", "month", "year")) and days is None:
                days = value * factor
            continue
        phrase = " ".join(w for w in kept if w not in _DROP) or noun
        found.append(Quantity(value=value, noun=noun, phrase=phrase))
    return tuple(found), days


def _places(text: str) -> tuple[str, ...]:
    moving = _FROM_TO_RE.search(text)
    if moving and not ({moving.group(1), moving.group(2)} & _NOT_PLACES):
        return (moving.group(1), moving.group(2))
    out: list[str] = []
    for match in _IN_RE.finditer(text):
        place = match.group(1)
        if place.split()[0] not in _NOT_PLACES and place not in out:
            out.append(place)
    return tuple(out[:3])


def _subject(text: str) -> str:
    match = _SUBJECT_RE.search(text)
    if not match:
        return ""
    words = [w for w in match.group(1).split() if w.lower() not in _DROP]
    subject = " ".join(words)
    return subject if 2 < len(subject) <= 40 else ""


def extract(text: str) -> Facts:
    """The facts of `text`, each list in the order the text names them."""
    quantities, days = _quantities(text)
    platforms = tuple(dict.fromkeys(_canonical_platform(m.group(1)) for m in _PLATFORM_RE.finditer(text)))
    return Facts(
        quantities=quantities,
        urls=tuple(dict.fromkeys(m.group(1) for m in URL_RE.finditer(text))),
        platforms=platforms,
        languages=tuple(dict.fromkeys(m.group(1) for m in _LANGUAGE_RE.finditer(text))),
        places=_places(text),
        subject=_subject(text),
        days=days,
    )


def _canonical_platform(found: str) -> str:
    low = found.lower()
    return next(p for p in PLATFORMS if p.lower() == low)


def stem(word: str) -> str:
    """A crude stem so that "posts", "post" and "posting" meet: enough for choosing a playbook, not for linguistics."""
    word = word.lower()
    if len(word) <= 4:
        return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    for suffix in ("ings", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
