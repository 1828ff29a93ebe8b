"""The words of moderation: what can be reported, why, and what a moderator can do about it."""

from __future__ import annotations

SUBJECT_KINDS: dict[str, str] = {
    "listing": "listing",
    "profile": "profile",
    "review": "review",
    "message": "message",
}

REASONS: dict[str, str] = {
    "spam": "Spam",
    "scam": "Scam or fraud",
    "abuse": "Abusive or harassing",
    "offensive": "Offensive content",
    "off_platform": "Asks to pay outside the platform",
    "other": "Other",
}

# What an administrator may do with an item's reports, and the report status each leaves.
ACTIONS: dict[str, str] = {
    "hide": "actioned",
    "restore": "dismissed",
    "dismiss": "dismissed",
    "warn": "actioned",
    "suspend": "actioned",
}

# What the reporters are told once their report is closed.
OUTCOMES: dict[str, str] = {
    "hidden": "The moderators hid the content you reported.",
    "restored": "The moderators looked at the content you reported and left it visible.",
    "dismissed": "The moderators looked at the content you reported and found it within the rules.",
    "warned": "The moderators warned the member whose content you reported.",
    "suspended": "The moderators suspended the member whose content you reported.",
}

RESOLUTIONS = {
    "hide": "hidden",
    "restore": "restored",
    "dismiss": "dismissed",
    "warn": "warned",
    "suspend": "suspended",
}

DETAILS_MAX = 1000
APPEAL_MAX = 2000
REPORTS_PER_DAY = 20
HIDDEN_MESSAGE = "Message hidden by the moderators"
HIDDEN_LISTING = "This listing was hidden by the moderators."
STANDING_LINK = "/settings#standing"  # the member's strikes and appeal (the banner and the notices link here)
