"""The delivery part of a contract's actions: the contractor's delivery form (message, links, private files) and
the client's answer to a delivery (approve, or ask for a revision with a reason)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.file_drop import file_drop
from jtbd_app.components.forms import labelled, text_field
from jtbd_app.components.listing_bids import confirm_dialog
from jtbd_app.state.contracts import UPLOAD_ID, ContractState

D = ContractState.detail
A = ContractState.detail.actions
E = ContractState.errors
C = ContractState.detail.checklist


def _reported_number() -> rx.Component:
    """Only on a micro-task whose evidence is a number: the number the report shows."""
    return rx.cond(
        C.evidence_kind == "number",
        text_field(
            "Reported number",
            "reported_number",
            E,
            hint="The number your evidence shows, as a whole number (for example 10000 or 10,000).",
            input_mode="numeric",
        ),
    )


def _criterion_select() -> rx.Component:
    """On a micro-task's contract a revision names the criterion the delivery does not meet."""
    return rx.cond(
        C.choices.length() > 0,
        labelled(
            "Criterion not met",
            "criterion",
            rx.el.select(
                rx.el.option("Choose a criterion…", value=""),
                rx.foreach(C.choices, lambda c: rx.el.option(c.label, value=c.value)),
                id="criterion",
                name="criterion",
                aria_describedby="criterion-hint criterion-error",
                aria_invalid=rx.cond(E["criterion"], "true", "false"),
                style={"width": "100%", "padding": "0.4rem", "border_radius": "var(--radius-2)"},
            ),
            E["criterion"],
            "The acceptance criterion (or the evidence) the delivery does not meet.",
        ),
    )


def deliver_form() -> rx.Component:
    form = rx.el.form(
        rx.vstack(
            text_field(
                "What you delivered",
                "message",
                E,
                multiline=True,
                rows="4",
                hint="Say what is done and how to check it. Plain text.",
            ),
            text_field(
                "Links (one a line)",
                "links",
                E,
                multiline=True,
                rows="2",
                hint="Optional: http(s) links to the work, at most 10.",
            ),
            _reported_number(),
            file_drop(
                UPLOAD_ID,
                key="delivery",
                button="Choose files",
                chosen="Files chosen",
                hint="Optional: at most 10 files. Only the client and you can download them.",
                error=E["files"],
            ),
            rx.button("Submit delivery", type="submit", loading=ContractState.progress != ""),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=lambda form: ContractState.submit_delivery(  # type: ignore[call-arg]
            rx.upload_files(upload_id=UPLOAD_ID),
            form.to(dict)["message"],
            form.to(dict)["links"],
            form.to(dict)["reported_number"],
        ),
        reset_on_submit=False,
        aria_label="Deliver the work",
        key=ContractState.form_key,
        style={"width": "100%"},
    )
    revision = rx.cond(
        (D.status == "revision_requested") & (D.deliveries.length() > 0),
        rx.callout(
            "The client asked for a revision: " + D.deliveries[0].response,
            icon="message-square",
            color_scheme="orange",
            white_space="pre-wrap",
        ),
    )
    return rx.cond(
        A.deliver,
        rx.card(
            rx.vstack(rx.heading("Deliver the work", size="4", as_="h3"), revision, form, spacing="3", width="100%"),
            width="100%",
        ),
    )


def delivery_review() -> rx.Component:
    revision = rx.el.form(
        rx.vstack(
            _criterion_select(),
            text_field(
                "What needs to change",
                "reason",
                E,
                multiline=True,
                rows="3",
                hint="Say what is missing or wrong; the contractor delivers again.",
            ),
            rx.text(D.revisions_left.to_string() + " revision(s) left on this contract.", size="2"),
            rx.button("Ask for a revision", type="submit", variant="soft"),
            spacing="2",
            align="start",
            width="100%",
        ),
        on_submit=ContractState.request_revision,
        reset_on_submit=False,
        aria_label="Ask for a revision",
        key=ContractState.form_key,
        style={"width": "100%"},
    )
    return rx.cond(
        A.approve | A.request_revision,
        rx.card(
            rx.vstack(
                rx.heading("Review the delivery", size="4", as_="h3"),
                rx.cond(
                    D.auto_release,
                    rx.text("Without an answer, the escrow is released automatically on ", D.auto_release, "."),
                ),
                rx.cond(
                    A.approve,
                    confirm_dialog(
                        "Approve delivery",
                        "Approve this delivery?",
                        "The escrow is released: " + D.contractor_receives + " to the contractor and the "
                        "platform fee to us. This cannot be undone.",
                        "Approve and release",
                        ContractState.approve,
                        loading=ContractState.progress != "",
                    ),
                ),
                rx.cond(A.request_revision, revision),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )
