"""The "Dispute" section of /contracts/[id]: the open form, then the case both parties see (status, deadlines in
words, both sides' entries with links and files), the answer/evidence form, settlement offers and the ending."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.file_drop import file_drop
from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.state.disputes import OUTCOME_CHOICES, REASON_CHOICES, UPLOAD_ID, DisputeState

P = DisputeState.panel
E = DisputeState.errors
SELECT_STYLE = {"width": "100%", "padding": "0.4rem", "border_radius": "var(--radius-2)"}


def _select(label: str, field_id: str, choices: list[list[str]], hint: str, **props: object) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.el.select(
            rx.el.option("Choose…", value=""),
            *[rx.el.option(text, value=value) for value, text in choices],
            id=field_id,
            name=field_id,
            aria_describedby=f"{field_id}-hint {field_id}-error",
            aria_invalid=rx.cond(E[field_id], "true", "false"),
            style=SELECT_STYLE,
            **props,
        ),
        E[field_id],
        hint,
    )


def _open_form() -> rx.Component:
    form = rx.el.form(
        rx.vstack(
            _select("Reason", "reason_code", REASON_CHOICES, "What went wrong."),
            text_field(
                "What happened",
                "reason_text",
                E,
                multiline=True,
                rows="4",
                hint="Your statement: the other party and, if it comes to that, an administrator read it. Plain text.",
            ),
            _select(
                "Outcome you want",
                "outcome_wanted",
                OUTCOME_CHOICES,
                "What you ask for.",
                on_change=DisputeState.set_outcome,
            ),
            rx.cond(
                DisputeState.outcome == "partial_refund",
                text_field(
                    "Refund to the client",
                    "refund",
                    E,
                    hint="The amount back to the client, less than the " + P.held + " held.",
                    input_mode="decimal",
                ),
            ),
            rx.button("Open a dispute", type="submit", variant="outline", color_scheme="red"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=DisputeState.open_dispute,
        reset_on_submit=False,
        aria_label="Open a dispute",
        key=DisputeState.form_key,
        style={"width": "100%"},
    )
    return rx.el.details(
        rx.el.summary("Something went wrong? Open a dispute", style={"cursor": "pointer"}),
        rx.vstack(
            rx.text(
                "The escrow (" + P.held + ") is held until you settle or an administrator decides; "
                "the other party is told and has a few days to answer.",
                size="2",
                color_scheme="gray",
            ),
            form,
            padding_top="0.75em",
            width="100%",
        ),
        width="100%",
    )


def _entry(e: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(e.author, weight="bold"),
                    rx.badge(e.kind_label),
                    rx.text(e.when, size="1", color_scheme="gray"),
                    wrap="wrap",
                    align="center",
                ),
                rx.cond(e.body, rx.text(e.body, white_space="pre-wrap")),
                rx.cond(
                    e.links.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            e.links,
                            lambda link: rx.el.li(
                                rx.link(link, href=link, is_external=True, rel="noopener noreferrer nofollow")
                            ),
                        ),
                        aria_label="Links",
                        style={"padding_left": "1.25rem", "margin": "0"},
                    ),
                ),
                rx.cond(
                    e.files.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            e.files,
                            lambda f: rx.el.li(rx.link(f.filename, href=f.url, is_external=True), " (" + f.size + ")"),
                        ),
                        aria_label="Files",
                        style={"padding_left": "1.25rem", "margin": "0"},
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none", "margin_bottom": "0.5rem"},
    )


def _entry_form() -> rx.Component:
    title = rx.cond(P.can_respond, "Your answer", "Add evidence")
    form = rx.el.form(
        rx.vstack(
            text_field(
                rx.cond(P.can_respond, "Your statement", "Statement"),  # type: ignore[arg-type]
                "body",
                E,
                multiline=True,
                rows="4",
                hint="Plain text. The other party reads it.",
            ),
            text_field("Links (one a line)", "links", E, multiline=True, rows="2", hint="Optional: http(s) links."),
            file_drop(
                UPLOAD_ID,
                key="dispute",
                button="Choose evidence files",
                chosen="Evidence files chosen",
                hint="Optional: at most 10 files, the same kinds as deliveries. Only the parties and administrators "
                "can download them.",
                error=E["files"],
            ),
            rx.button(
                rx.cond(P.can_respond, "Send my answer", "Add evidence"), type="submit", loading=DisputeState.busy
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=lambda form: DisputeState.submit_entry(  # type: ignore[call-arg]
            rx.upload_files(upload_id=UPLOAD_ID), form.to(dict)["body"], form.to(dict)["links"]
        ),
        reset_on_submit=False,
        aria_label=title,
        key=DisputeState.form_key,
        style={"width": "100%"},
    )
    return rx.cond(
        P.can_respond | P.can_add_evidence,
        rx.vstack(rx.heading(title, size="4", as_="h3"), form, spacing="2", width="100%"),
    )


def _settlement() -> rx.Component:
    offer_form = rx.el.form(
        rx.hstack(
            rx.box(
                text_field(
                    "Amount to the contractor",
                    "offer",
                    E,
                    hint="Of the " + P.amount + " in dispute; the rest goes back to the client.",
                    input_mode="decimal",
                    default_value=P.offer_default,
                ),
                flex="1",
            ),
            rx.button("Offer this split", type="submit", variant="soft"),
            align="end",
            width="100%",
            wrap="wrap",
        ),
        on_submit=DisputeState.offer_settlement,
        reset_on_submit=False,
        aria_label="Offer a settlement",
        key=DisputeState.form_key,
        style={"width": "100%"},
    )
    return rx.cond(
        P.can_offer,
        rx.vstack(
            rx.heading("Settle", size="4", as_="h3"),
            rx.cond(
                P.offer,
                rx.callout(P.offer, icon="handshake", color_scheme="blue", role="status"),
            ),
            rx.cond(
                P.can_accept,
                rx.button(
                    "Accept the offer and close the dispute",
                    on_click=DisputeState.accept_settlement,
                    loading=DisputeState.busy,
                    color_scheme="green",
                ),
            ),
            rx.cond(
                P.offer_mine,
                rx.button("Withdraw my offer", on_click=DisputeState.withdraw_settlement, variant="outline"),
            ),
            offer_form,
            spacing="2",
            width="100%",
        ),
    )


def _case() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(P.status_label, color_scheme=rx.cond(P.active, "orange", "green"), size="2"),
            rx.text(P.amount + " in dispute", weight="medium"),
            wrap="wrap",
            align="center",
        ),
        rx.text(P.opened_by + " opened it: " + P.reason + ". Wants: " + P.outcome_wanted + "."),
        rx.cond(P.deadline, rx.text(P.deadline, size="2", color_scheme="gray")),
        rx.cond(
            P.ended,
            rx.callout(
                rx.vstack(rx.text(P.decision, weight="bold"), rx.cond(P.decision_reason, rx.text(P.decision_reason))),
                icon="scale",
                color_scheme="green",
                role="status",
            ),
        ),
        rx.heading("Statements and evidence", size="4", as_="h3"),
        rx.el.ul(
            rx.foreach(P.statements, _entry),
            aria_label="Statements and evidence",
            style={"padding": "0", "margin": "0"},
        ),
        _entry_form(),
        rx.cond(
            P.can_ask_review,
            rx.button("Ask an administrator to decide now", on_click=DisputeState.ask_review, variant="outline"),
        ),
        _settlement(),
        spacing="3",
        width="100%",
    )


def dispute_panel() -> rx.Component:
    """Shown to the parties (and admins) when a case exists or one may be opened."""
    return rx.cond(
        P.exists | P.can_open,
        rx.el.section(
            rx.vstack(
                rx.heading("Dispute", size="5", as_="h2", id="dispute-heading"),
                rx.cond(DisputeState.notice, rx.callout(DisputeState.notice, icon="check", role="status")),
                form_error(E),
                rx.cond(P.exists, _case(), _open_form()),
                spacing="3",
                width="100%",
            ),
            aria_labelledby="dispute-heading",
            style={"width": "100%"},
        ),
    )
