"""SQLModel tables by area; importing this package registers every table."""

from jtbd_app.models.accounts import (
    AccountLink,
    AuthSession,
    LoginGrant,
    LoginThrottle,
    OAuthFlow,
    OAuthIdentity,
    Profile,
    ProfileSkill,
    Skill,
    TermsAcceptance,
    TermsVersion,
    User,
    UserPublic,
)
from jtbd_app.models.base import UTCDateTime, ts, utcnow
from jtbd_app.models.marketplace import Bid, Contract, Invitation, Listing, ListingSkill, Question
from jtbd_app.models.messaging import (
    Message,
    MessageThread,
    Notification,
    NotificationPreference,
    OutgoingMail,
    ThreadRead,
)
from jtbd_app.models.search_index import create_search_index, drop_search_index, rebuild_search_index

__all__ = [
    "AccountLink",
    "AuthSession",
    "Bid",
    "Contract",
    "Invitation",
    "Listing",
    "ListingSkill",
    "LoginGrant",
    "LoginThrottle",
    "Message",
    "MessageThread",
    "Notification",
    "NotificationPreference",
    "OAuthFlow",
    "OAuthIdentity",
    "OutgoingMail",
    "Profile",
    "ProfileSkill",
    "Question",
    "Skill",
    "TermsAcceptance",
    "TermsVersion",
    "ThreadRead",
    "UTCDateTime",
    "User",
    "UserPublic",
    "create_search_index",
    "drop_search_index",
    "rebuild_search_index",
    "ts",
    "utcnow",
]
