"""Private message threads, in-app notifications with their preferences, and the outgoing mail queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class MessageThread(SQLModel, table=True):
    """A conversation between a listing's owner (client) and one bidder or invitee (provider)."""

    __table_args__ = (UniqueConstraint("listing_id", "provider_id"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    provider_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = ts()
    last_message_at: datetime = ts(index=True)


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="messagethread.id", index=True)
    sender_id: int = Field(foreign_key="user.id")
    body: str = Field(sa_type=Text)
    created_at: datetime = ts()
    hidden_at: datetime | None = ts(nullable=True)  # hidden by the moderators: the parties see a placeholder


class ThreadRead(SQLModel, table=True):
    """How far each party has read a thread; unread = later messages from the other party."""

    thread_id: int = Field(foreign_key="messagethread.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    last_read_message_id: int = Field(default=0)


class Notification(SQLModel, table=True):
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=32)  # see domain.notifications.KINDS
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_type=Text)
    link: str = Field(default="", max_length=300)  # an in-app path, e.g. /listings/12
    created_at: datetime = ts()
    read_at: datetime | None = ts(nullable=True)


class NotificationPreference(SQLModel, table=True):
    """A member's choice for one kind; no row means both channels are on."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    kind: str = Field(max_length=32, primary_key=True)
    in_app: bool = Field(default=True)
    email: bool = Field(default=True)


class OutgoingMail(SQLModel, table=True):
    """Mail waits here until the SMTP server takes it, so a mail failure loses nothing and is retried."""

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sending (claimed) | sent | failed
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = ts()
    sent_at: datetime | None = ts(nullable=True)  # when sent; while sending or awaiting a retry: last attempt start
