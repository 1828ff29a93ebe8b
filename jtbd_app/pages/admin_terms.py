"""/admin/terms: preview and publish a new version of the terms of service; the past versions with their acceptances."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, form_error, labelled, text_field
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.member_text import member_text
from jtbd_app.components.pager import link_pager
from jtbd_app.state.admin_terms import AdminTermsState as S

E = S.errors


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                "Title",
                "title",
                E,
                max_length=200,
                default_value=rx.cond(S.draft.title, S.draft.title, S.history.current_title),
            ),
            labelled(
                "Body (markdown)",
                "body",
                field_input(
                    "body",
                    E,
                    multiline=True,
                    rows="16",
                    default_value=rx.cond(S.draft.body, S.draft.body, S.history.current_body),
                ),
                E["body"],
                hint="Headings (#), lists, emphasis and links. HTML and images are refused.",
            ),
            text_field(
                "What changed",
                "summary",
                E,
                max_length=300,
                default_value=S.draft.summary,
                hint="One or two sentences; members see it in the notification and the audit log keeps it.",
            ),
            rx.button("Preview", type="submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.preview_terms,
        reset_on_submit=False,
        aria_label="New version of the terms",
        width="100%",
        key=S.form_key,
    )


def _preview() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Preview", size="4", as_="h2"),
            rx.text("What changed: ", S.draft.summary, size="2", color_scheme="gray"),
            rx.heading(S.draft.title, size="6", as_="h3"),
            member_text(S.draft.body_html),
            rx.hstack(
                rx.button("Publish this version", on_click=S.publish_terms, color_scheme="green"),
                rx.button("Edit the draft", on_click=S.edit_draft, variant="soft"),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        role="region",
        aria_label="Preview of the new terms",
        width="100%",
    )


def _history() -> rx.Component:
    return rx.vstack(
        rx.heading("Published versions", size="4", as_="h2"),
        rx.text(S.history.members.to_string(), " active members.", size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Version"),
                    rx.table.column_header_cell("Title"),
                    rx.table.column_header_cell("Published"),
                    rx.table.column_header_cell("What changed"),
                    rx.table.column_header_cell("Accepted by"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.history.rows,
                    lambda v: rx.table.row(
                        rx.table.cell(v.version.to_string(), rx.cond(v.current, " (current)", "")),
                        rx.table.cell(v.title),
                        rx.table.cell(v.published),
                        rx.table.cell(v.summary),
                        rx.table.cell(v.accepted.to_string(), " members"),
                    ),
                )
            ),
            width="100%",
        ),
        rx.cond(S.history.rows.length() == 0, rx.text("No version has been published yet.")),
        link_pager(S.history.page, S.history.pages, S.previous_href, S.next_href, label="Pages of terms versions"),
        spacing="3",
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Terms of service", size="7"),
        rx.text(
            "A new version is shown at ",
            rx.link("/terms", href="/terms"),
            " at once; every member is told and accepts it before their next post, bid or payment.",
        ),
        rx.cond(S.message, rx.callout(S.message, icon="check", role="status")),
        form_error(E),
        rx.cond(S.previewing, _preview(), _form()),
        _history(),
        spacing="4",
        width="100%",
    )


def admin_terms_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _content(), waiting="Checking your access…"))
