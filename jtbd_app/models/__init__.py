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
from jtbd_app.models.audit import AuditEntry, create_audit_guards, drop_audit_guards
from jtbd_app.models.base import UTCDateTime, ts, utcnow
from jtbd_app.models.contracts import (
    Contract,
    ContractAcceptance,
    ContractDocument,
    ContractEvent,
    Delivery,
    DeliveryFile,
    FreezeDecision,
    Review,
)
from jtbd_app.models.delegate import Partner, PartnerDaily, RouteOffer, RoutingDecision, TodoTask
from jtbd_app.models.jobs import ScheduledJob
from jtbd_app.models.ledger import JournalEntry, LedgerAccount, Posting, create_ledger_guards, drop_ledger_guards
from jtbd_app.models.limits import RateLimitCounter
from jtbd_app.models.live import ChangeStamp
from jtbd_app.models.marketplace import Bid, Invitation, Listing, ListingSkill, Question
from jtbd_app.models.messaging import (
    Message,
    MessageThread,
    Notification,
    NotificationPreference,
    OutgoingMail,
    ThreadRead,
)
from jtbd_app.models.moderation import Appeal, Report, Strike
from jtbd_app.models.payments import Dispute, Payment, Payout, PayoutAccount, WebhookEvent
from jtbd_app.models.problems import MicroTask, Problem
from jtbd_app.models.search_index import create_search_index, drop_search_index, rebuild_search_index
from jtbd_app.models.search_words import create_search_words, drop_search_words
from jtbd_app.models.trust import DisputeCase, DisputeEntry, DisputeFile
from jtbd_app.models.verification import CriterionCheck

__all__ = [
    "AccountLink",
    "Appeal",
    "AuditEntry",
    "AuthSession",
    "Bid",
    "ChangeStamp",
    "Contract",
    "ContractAcceptance",
    "ContractDocument",
    "ContractEvent",
    "CriterionCheck",
    "Delivery",
    "DeliveryFile",
    "Dispute",
    "DisputeCase",
    "DisputeEntry",
    "DisputeFile",
    "FreezeDecision",
    "Invitation",
    "JournalEntry",
    "LedgerAccount",
    "Listing",
    "ListingSkill",
    "LoginGrant",
    "LoginThrottle",
    "Message",
    "MessageThread",
    "MicroTask",
    "Notification",
    "NotificationPreference",
    "OAuthFlow",
    "OAuthIdentity",
    "OutgoingMail",
    "Partner",
    "PartnerDaily",
    "Payment",
    "Payout",
    "PayoutAccount",
    "Posting",
    "Problem",
    "Profile",
    "ProfileSkill",
    "Question",
    "RateLimitCounter",
    "Report",
    "Review",
    "RouteOffer",
    "RoutingDecision",
    "ScheduledJob",
    "Skill",
    "Strike",
    "TermsAcceptance",
    "TermsVersion",
    "ThreadRead",
    "TodoTask",
    "UTCDateTime",
    "User",
    "UserPublic",
    "WebhookEvent",
    "create_audit_guards",
    "create_ledger_guards",
    "create_search_index",
    "create_search_words",
    "drop_audit_guards",
    "drop_ledger_guards",
    "drop_search_index",
    "drop_search_words",
    "rebuild_search_index",
    "ts",
    "utcnow",
]
