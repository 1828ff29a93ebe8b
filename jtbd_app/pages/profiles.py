"""/u/[username]: a member's public profile, editable by its owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.components.invitations import invite_action, invite_dialog
from jtbd_app.components.layout import loading, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.profile_photo import avatar
from jtbd_app.components.report_dialog import report_button, report_dialog
from jtbd_app.components.skill_tags import skill_tags_editor
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.state.profiles import ProfileState

if TYPE_CHECKING:  # the read model's type, for the reader; Reflex passes a Var of it
    from jtbd_app.services.contracts.review_view import ReviewItem

P = ProfileState.profile
E = ProfileState.errors


def _view() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            avatar(P.photo_url, P.display_name, size="7"),
            rx.vstack(
                rx.heading(P.display_name, size="7"),
                rx.text("@", P.username, color_scheme="gray"),
                rx.text("Member since ", P.member_since, size="2", color_scheme="gray"),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                ProfileState.is_owner,
                rx.button("Edit profile", on_click=ProfileState.start_edit),
                rx.hstack(
                    rx.cond(~P.suspended & ~P.hidden, invite_action(P.username, P.display_name)),
                    report_button("profile", P.username, size="2"),
                    align="center",
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            P.suspended,
            rx.callout(
                rx.cond(
                    P.suspended_reason, "This account is suspended: " + P.suspended_reason, "This account is suspended."
                ),
                icon="ban",
                color_scheme="red",
                role="status",
            ),
        ),
        rx.cond(ProfileState.saved_message, rx.callout(ProfileState.saved_message, icon="check", role="status")),
        rx.cond(
            P.hidden,
            rx.callout(
                rx.cond(
                    ProfileState.is_owner,
                    "The moderators hid this profile: other members see only your name.",
                    "This profile was hidden by the moderators.",
                ),
                icon="eye-off",
                color_scheme="orange",
                role="status",
            ),
        ),
        rx.cond(~P.hidden | ProfileState.is_owner, _details()),
        _reviews(),
        invite_dialog(),
        report_dialog(),
        spacing="4",
        width="100%",
    )


def _details() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(rx.cond(P.remote, "Works remotely", "On site only"), variant="soft"),
            rx.cond(P.location, rx.badge(rx.icon("map-pin", size=12), P.location, variant="soft")),
            rx.cond(P.hourly_rate, rx.badge(P.hourly_rate, variant="soft", color_scheme="green")),
            wrap="wrap",
        ),
        rx.cond(P.bio, rx.text(P.bio, white_space="pre-wrap"), rx.text("No bio yet.", color_scheme="gray")),
        rx.heading("Skills", size="4", as_="h2"),
        rx.cond(
            P.skills.length() > 0,
            rx.hstack(
                rx.foreach(P.skills, lambda s: rx.badge(s, size="2", role="listitem")),
                wrap="wrap",
                role="list",
                aria_label="Skills",
            ),
            rx.text("No skills listed yet.", color_scheme="gray"),
        ),
        rx.heading("Portfolio", size="4", as_="h2"),
        rx.cond(
            P.links.length() > 0,
            rx.el.ul(
                rx.foreach(
                    P.links,
                    lambda link: rx.el.li(
                        rx.link(link, href=link, is_external=True, rel="nofollow noopener noreferrer")
                    ),
                )
            ),
            rx.text("No portfolio links yet.", color_scheme="gray"),
        ),
        _track_record(),
        spacing="4",
        width="100%",
    )


def _record_row(label: str, value: rx.Var | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _track_record() -> rx.Component:
    return rx.vstack(
        rx.heading("Track record", size="4", as_="h2"),
        rx.data_list.root(
            _record_row("Rating", P.rating),
            _record_row("Reviews", P.review_count.to_string()),
            _record_row("Completed contracts", P.completed_contracts.to_string()),
            _record_row("On time", P.on_time_rate),
            _record_row(
                "Acceptance criteria",
                rx.cond(ProfileState.criteria_record, ProfileState.criteria_record, "None checked yet"),
            ),
        ),
        spacing="2",
        width="100%",
    )


def _review(r: ReviewItem) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(r.stars, role="img", aria_label=r.stars_label, color_scheme="amber", size="4"),
                rx.text(r.written, size="1", color_scheme="gray"),
                align="center",
            ),
            rx.cond(r.body, rx.text(r.body, white_space="pre-wrap")),
            rx.hstack(
                rx.text(
                    rx.link(r.author_name, href="/u/" + r.author_username),
                    " on “",
                    r.listing_title,
                    "” (reviewed ",
                    r.role,
                    ")",
                    size="2",
                    color_scheme="gray",
                ),
                report_button("review", r.id.to_string()),
                align="center",
                wrap="wrap",
            ),
            spacing="1",
            width="100%",
        ),
        style={"list_style": "none", "padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def _reviews() -> rx.Component:
    return rx.vstack(
        rx.heading("Reviews", size="4", as_="h2"),
        rx.cond(
            ProfileState.reviews_total > 0,
            rx.vstack(
                rx.el.ul(
                    rx.foreach(ProfileState.reviews, _review),
                    aria_label="Reviews",
                    style={"padding": 0, "margin": 0, "width": "100%"},
                ),
                button_pager(
                    ProfileState.reviews_page,
                    ProfileState.reviews_pages,
                    ProfileState.show_reviews_page,
                    name="reviews",
                ),
                width="100%",
            ),
            rx.text("No reviews yet", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
    )


def _skills_editor() -> rx.Component:
    return skill_tags_editor(ProfileState)


def _edit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Edit your profile", size="6", as_="h2"),
            form_error(E),
            text_field("Display name", "display_name", E, default_value=P.display_name),
            text_field("Bio", "bio", E, multiline=True, default_value=P.bio, rows="5"),
            rx.hstack(
                rx.checkbox(
                    "I work remotely",
                    id="remote",
                    name="remote",
                    checked=ProfileState.edit_remote,
                    on_change=ProfileState.set_edit_remote,
                ),
            ),
            text_field("Location", "location", E, default_value=P.location, placeholder="City, country"),
            rx.hstack(
                text_field(
                    "Hourly rate",
                    "hourly_rate",
                    E,
                    default_value=P.hourly_rate_input,
                    input_mode="decimal",
                    placeholder="45.00",
                ),
                labelled(
                    "Currency",
                    "currency",
                    rx.el.select(
                        *[rx.el.option(c, value=c) for c in CURRENCIES],
                        id="currency",
                        name="currency",
                        default_value=P.currency,
                        style={"padding": "0.4rem"},
                    ),
                    E["currency"],
                ),
                width="100%",
            ),
            _skills_editor(),
            text_field(
                "Portfolio links",
                "links",
                E,
                multiline=True,
                default_value=P.links.join("\n"),
                rows="3",
                hint="One http(s) link per line, at most 10.",
            ),
            rx.hstack(
                rx.button("Save profile", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=ProfileState.cancel_edit),
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=ProfileState.save_profile,
        aria_label="Edit profile",
        width="100%",
    )


def profile_page() -> rx.Component:
    return page(
        rx.cond(
            ProfileState.loaded,
            rx.cond(
                ProfileState.found,
                rx.cond(ProfileState.editing, _edit_form(), _view()),
                rx.vstack(
                    rx.heading("Member not found", size="7"),
                    rx.text("There is no member with that username."),
                    rx.link("Browse providers", href="/providers"),
                ),
            ),
            loading("Loading profile…"),
        )
    )
