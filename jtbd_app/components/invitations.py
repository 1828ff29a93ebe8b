"""Invite to bid: the button on a member's card or profile, and the one dialog it opens."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, form_error, labelled
from jtbd_app.components.sign_in_links import sign_in_href
from jtbd_app.state.invitations import InviteState as I

IE = I.invite_errors


def invite_action(username: rx.Var, display_name: rx.Var) -> rx.Component:
    """For a member with open listings: "Invite to bid"; for a visitor: a sign-in link; nothing on one's own card."""
    return rx.cond(
        I.signed_in,
        rx.cond(
            (I.invitable.length() > 0) & (username != I.viewer_username),
            rx.button(
                "Invite to bid",
                size="2",
                variant="soft",
                aria_label="Invite " + display_name + " to bid",
                on_click=I.open_invite(username, display_name),
            ),
        ),
        rx.link("Sign in to invite", href=sign_in_href(), size="2", aria_label="Sign in to invite " + display_name),
    )


def no_listing_hint() -> rx.Component:
    """Tells a signed-in member without an open listing how to become able to invite."""
    return rx.cond(
        I.signed_in & I.invitable_loaded & (I.invitable.length() == 0),
        rx.hstack(
            rx.text("To invite a provider to bid, first post a task.", size="2", color_scheme="gray"),
            rx.link("Post a task", href="/post", size="2"),
            align="center",
        ),
    )


def invite_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Invite ", I.invite_name, " to bid"),
            rx.dialog.description(
                "They get a notification with a link to your listing.", size="2", margin_bottom="0.75rem"
            ),
            rx.form(
                rx.vstack(
                    form_error(IE),
                    rx.cond(I.invite_sent, rx.callout(I.invite_sent, icon="check", role="status")),
                    labelled(
                        "Listing",
                        "listing_id",
                        rx.el.select(
                            rx.foreach(I.invitable, lambda item: rx.el.option(item["title"], value=item["id"])),
                            id="listing_id",
                            name="listing_id",
                            aria_describedby="listing_id-error",
                            aria_invalid=rx.cond(IE["listing_id"], "true", "false"),
                            style={"padding": "0.4rem", "width": "100%"},
                        ),
                        IE["listing_id"],
                    ),
                    labelled(
                        "Message (optional)",
                        "message",
                        field_input("message", IE, multiline=True, rows="4", max_length=1000),
                        IE["message"],
                        hint="Plain text, at most 1000 characters.",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Close", type="button", variant="soft")),
                        rx.button("Send invitation", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=I.send_invite,
                reset_on_submit=False,
                key=I.invite_form_key,
                aria_label="Invite to bid",
            ),
        ),
        open=I.invite_open,
        on_open_change=I.set_invite_open,
    )
