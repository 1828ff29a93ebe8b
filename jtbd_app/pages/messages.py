"""/messages (conversation list), /messages/[id] (one conversation) and /messages/open (start one)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, text_field
from jtbd_app.components.layout import guarded, link_button, loading, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.report_dialog import report_button, report_dialog
from jtbd_app.domain.messages import MAX_BODY
from jtbd_app.state.messages import MessagesState, OpenThreadState, ThreadState

T = ThreadState.thread
E = ThreadState.errors


def _thread_row(t: rx.Var) -> rx.Component:
    unread_label = rx.cond(t.unread > 0, ", " + t.unread.to_string() + " unread", "")
    return rx.el.li(
        rx.link(
            rx.card(
                rx.hstack(
                    rx.avatar(fallback=t.other_name[0], size="3"),
                    rx.vstack(
                        rx.hstack(
                            rx.text(t.other_name, weight="bold"),
                            rx.cond(
                                t.unread > 0,
                                rx.badge(t.unread.to_string() + " unread", color_scheme="red", variant="solid"),
                            ),
                            rx.spacer(),
                            rx.text(t.last_at, size="1", color_scheme="gray"),
                            width="100%",
                            align="center",
                        ),
                        rx.text(t.listing_title, size="2", color_scheme="gray"),
                        rx.text(t.excerpt, size="2", trim="both"),
                        spacing="1",
                        width="100%",
                    ),
                    width="100%",
                ),
                width="100%",
            ),
            href="/messages/" + t.id.to_string(),
            underline="none",
            color="inherit",
            aria_label="Conversation with " + t.other_name + " about " + t.listing_title + unread_label,
        ),
        style={"list_style": "none", "width": "100%"},
    )


def _pagination() -> rx.Component:
    return button_pager(MessagesState.page, MessagesState.pages, MessagesState.go_to_page, name="conversations")


def _thread_list() -> rx.Component:
    return rx.cond(
        MessagesState.total > 0,
        rx.vstack(
            rx.el.ul(
                rx.foreach(MessagesState.threads, _thread_row),
                aria_label="Conversations",
                style={"width": "100%", "padding": 0, "margin": 0, "display": "grid", "gap": "0.75rem"},
            ),
            _pagination(),
            width="100%",
            spacing="4",
        ),
        rx.vstack(
            rx.heading("No conversations yet", size="4", as_="h2"),
            rx.text(
                "When you bid on a listing, are invited to one, or receive bids on your own, "
                "you can message the other member from the listing page."
            ),
            rx.link("Browse the marketplace", href="/marketplace"),
            spacing="2",
        ),
    )


def messages_page() -> rx.Component:
    return page(
        rx.heading("Messages", size="7"),
        guarded(MessagesState.loaded, MessagesState.refusal, _thread_list(), waiting="Loading your conversations…"),
    )


def _message(m: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.box(
            rx.hstack(
                rx.text(m.sender_name, weight="bold", size="2"),
                rx.text(m.sent_at, size="1", color_scheme="gray"),
                align="baseline",
                spacing="2",
            ),
            rx.cond(
                m.hidden,
                rx.text(m.body, size="2", color_scheme="gray", style={"font_style": "italic"}),
                rx.text(m.body, white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
            ),
            rx.cond(~m.mine & ~m.hidden & ~T.read_only, report_button("message", m.id.to_string())),
            padding="0.6rem 0.9rem",
            border_radius="var(--radius-3)",
            background=rx.cond(m.mine, "var(--accent-a3)", "var(--gray-a3)"),
            max_width="85%",
        ),
        style={"list_style": "none", "display": "flex", "justify_content": rx.cond(m.mine, "flex-end", "flex-start")},
    )


def _messages() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ThreadState.has_earlier,
            rx.button("Load earlier messages", variant="soft", on_click=ThreadState.load_earlier),
        ),
        rx.cond(
            ThreadState.items.length() > 0,
            rx.el.ol(
                rx.foreach(ThreadState.items, _message),
                role="log",
                aria_label="Messages",
                aria_live="polite",
                style={"width": "100%", "padding": 0, "margin": 0, "display": "grid", "gap": "0.6rem"},
            ),
            rx.text("No messages yet. Write the first one below.", color_scheme="gray"),
        ),
        width="100%",
        spacing="3",
    )


def _reply_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                "Message",
                "body",
                E,
                multiline=True,
                rows="4",
                max_length=MAX_BODY,
                hint=f"Plain text, up to {MAX_BODY} characters.",
            ),
            rx.button("Send", type="submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=ThreadState.send_message,
        reset_on_submit=False,
        key=ThreadState.form_key,
        aria_label="Reply",
        width="100%",
    )


def _composer() -> rx.Component:
    return rx.cond(
        T.can_send,
        _reply_form(),
        rx.cond(
            ~T.read_only,
            rx.callout(
                "Your account is suspended, so you cannot send messages.",
                icon="ban",
                color_scheme="red",
                role="status",
            ),
        ),
    )


def _thread() -> rx.Component:
    return rx.vstack(
        rx.cond(
            T.read_only,
            rx.callout(
                "Read-only: you are viewing as an administrator",
                icon="eye",
                color_scheme="amber",
                role="status",
            ),
        ),
        rx.heading(T.title, size="6"),
        rx.hstack(
            rx.cond(T.listing_link, rx.link("About: ", T.listing_title, href=T.listing_link, size="2")),
            rx.cond(T.contract_link, rx.link("Open the contract", href=T.contract_link, size="2")),
            rx.cond(T.other_username, rx.link("View profile", href="/u/" + T.other_username, size="2")),
            spacing="4",
            wrap="wrap",
        ),
        form_error(E),
        _messages(),
        _composer(),
        rx.link("All conversations", href="/messages", size="2"),
        spacing="4",
        width="100%",
    )


def thread_page() -> rx.Component:
    return page(
        report_dialog(),
        guarded(
            ThreadState.loaded,
            ThreadState.refusal,
            _thread(),
            waiting="Loading the conversation…",
        ),
        width="48rem",
    )


def open_thread_page() -> rx.Component:
    return page(
        rx.heading("Messages", size="7"),
        rx.cond(
            OpenThreadState.loaded,
            rx.vstack(
                rx.cond(
                    OpenThreadState.refusal,
                    rx.callout(OpenThreadState.refusal, icon="shield-alert", color_scheme="red", role="alert"),
                ),
                link_button("All conversations", "/messages", variant="soft"),
                spacing="3",
            ),
            loading("Opening the conversation…"),
        ),
    )
