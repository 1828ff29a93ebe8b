"""The pieces of an administrator's case page: the money held, both positions, the AI summary, the decision form
with its confirm step, and the timeline."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_error, form_error, labelled
from jtbd_app.state.admin_disputes import AdminDisputeCaseState as C

K = C.case
E = C.errors


def _fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def case_facts() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("The contract and the money held", size="4", as_="h2"),
            rx.data_list.root(
                _fact("Client", K.client),
                _fact("Contractor", K.contractor),
                _fact("Contract status", K.contract_status),
                _fact("Price", K.price),
                _fact("Held for the decision", K.held),
                _fact("Case", K.case_label),
                rx.cond(K.opened_by, _fact("Opened by", K.opened_by)),
                rx.cond(K.outcome_wanted, _fact("Wants", K.outcome_wanted)),
                rx.cond(K.frozen_reason, _fact("Why it is frozen", K.frozen_reason)),
            ),
            rx.hstack(
                rx.link("Open the contract page", href="/contracts/" + K.contract_id.to_string()),
                rx.link("Open the listing", href=K.listing_link),
                spacing="4",
            ),
            spacing="3",
        ),
        width="100%",
    )


def _position(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(p.party == "client", "Client: ", "Contractor: "), p.name, size="3", as_="h3"),
            rx.cond(
                p.statements.length() > 0,
                rx.foreach(p.statements, lambda s: rx.text(s, white_space="pre-wrap")),
                rx.text("No statement yet.", color_scheme="gray"),
            ),
            spacing="2",
        ),
        width="100%",
    )


def positions() -> rx.Component:
    return rx.el.section(
        rx.heading("Both positions", size="4", as_="h2", margin_bottom="0.5rem"),
        rx.grid(rx.foreach(K.positions, _position), columns=rx.breakpoints(initial="1", sm="2"), spacing="3"),
        aria_label="Both positions",
    )


def summary_panel() -> rx.Component:
    return rx.el.section(
        rx.heading("AI summary", size="4", as_="h2", margin_bottom="0.5rem"),
        rx.cond(
            C.has_model,
            rx.vstack(
                rx.text(
                    "A neutral summary of each side's position and the facts both agree on, written by the configured "
                    "model from the timeline below. It recommends nothing; you decide.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.button(
                    rx.cond(C.summary_client, "Summarise both positions again", "Summarise both positions"),
                    on_click=C.summarise,
                    loading=C.summarising,
                    disabled=C.summarising,
                ),
                rx.cond(
                    C.summarising,
                    rx.hstack(rx.spinner(), rx.text("Reading the case…"), role="status", align="center"),
                ),
                rx.cond(
                    C.summary_error,
                    rx.callout(C.summary_error, icon="triangle-alert", color_scheme="red", role="alert"),
                ),
                rx.cond(
                    C.summary_client,
                    rx.card(
                        rx.vstack(
                            rx.heading("The client's position", size="3", as_="h3"),
                            rx.text(C.summary_client),
                            rx.heading("The contractor's position", size="3", as_="h3"),
                            rx.text(C.summary_contractor),
                            rx.heading("What both agree on", size="3", as_="h3"),
                            rx.cond(
                                C.summary_facts.length() > 0,
                                rx.el.ul(rx.foreach(C.summary_facts, lambda f: rx.el.li(f))),
                                rx.text("Nothing both agree on was found.", color_scheme="gray"),
                            ),
                            spacing="2",
                        ),
                        aria_label="AI summary of both positions",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.text(
                "No AI model is configured (OPENAI_API_KEY), so there is no summary: read the positions and the "
                "timeline.",
                color_scheme="gray",
            ),
        ),
        aria_label="AI summary",
    )


def _radio(value: str, label: str) -> rx.Component:
    field_id = f"outcome-{value}"
    return rx.hstack(
        rx.el.input(type="radio", name="outcome", value=value, id=field_id, default_checked=value == "split"),
        rx.el.label(label, html_for=field_id),
        spacing="1",
        align="center",
    )


def _confirm_dialog() -> rx.Component:
    P = C.preview
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Confirm the decision"),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text(P.outcome_label),
                    rx.text("To the contractor: ", P.contractor),
                    rx.text("Back to the client: ", P.client),
                    rx.text("Reason both parties read: ", P.reason, white_space="pre-wrap"),
                    rx.text("The money moves once and cannot be taken back here.", weight="bold"),
                    spacing="2",
                ),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Go back", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Confirm the decision", on_click=C.confirm_decision)),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
        open=C.confirm_open,
        on_open_change=C.set_confirm_open,
    )


def decision_form() -> rx.Component:
    return rx.el.section(
        rx.heading("Decision", size="4", as_="h2", margin_bottom="0.5rem"),
        rx.cond(C.message, rx.callout(C.message, icon="check", role="status")),
        rx.cond(C.working, rx.hstack(rx.spinner(), rx.text(C.working), role="status", align="center")),
        form_error(E),
        rx.cond(
            K.decision,
            rx.vstack(
                rx.text(K.decision, white_space="pre-wrap"),
                rx.cond(
                    K.decision_status == "deciding",
                    rx.vstack(
                        rx.text(
                            "The decision is kept, but the refund at the payment gateway failed. Nothing else moved.",
                            color_scheme="red",
                        ),
                        rx.button("Retry the refund", on_click=C.retry_refund, disabled=C.working != ""),
                    ),
                ),
                spacing="2",
            ),
            rx.cond(
                K.frozen,
                rx.form(
                    rx.vstack(
                        rx.text(
                            "Held for this decision: ",
                            K.held,
                            rx.cond(
                                K.held_in_payouts,
                                " in payouts held back (the escrow was paid out). Release sends them to the "
                                "contractor, refund keeps them back to cover the client's money, a split sends the "
                                "amount you type and keeps back the rest.",
                                ". Release gives it all to the contractor (less the contract's fee), refund gives it "
                                "all back to the client, a split gives the contractor the amount you type and the "
                                "client the rest.",
                            ),
                            size="2",
                        ),
                        rx.el.fieldset(
                            rx.el.legend("Outcome", style={"font_weight": "500"}),
                            rx.hstack(
                                _radio("release", "Release to the contractor"),
                                _radio("refund", "Refund the client"),
                                _radio("split", "Split by amount"),
                                spacing="4",
                                wrap="wrap",
                            ),
                            field_error(E["outcome"], "outcome"),
                            style={"border": "none", "padding": 0, "margin": 0},
                        ),
                        labelled(
                            "Contractor's amount (for a split)",
                            "contractor_amount",
                            rx.input(
                                id="contractor_amount",
                                name="contractor_amount",
                                inputmode="decimal",
                                aria_describedby="contractor_amount-hint contractor_amount-error",
                                aria_invalid=rx.cond(E["contractor_amount"], "true", "false"),
                                width="12rem",
                            ),
                            E["contractor_amount"],
                            hint="In "
                            + K.currency
                            + ", for example 60.00; the client gets the rest of "
                            + K.held
                            + ". The confirm step shows both shares.",
                        ),
                        labelled(
                            "Reason",
                            "reason",
                            rx.text_area(
                                id="reason",
                                name="reason",
                                rows="4",
                                max_length=2000,
                                aria_describedby="reason-hint reason-error",
                                aria_invalid=rx.cond(E["reason"], "true", "false"),
                                width="100%",
                            ),
                            E["reason"],
                            hint="Required, plain text. Both parties read it on the contract and in a notification.",
                        ),
                        rx.button("Review the decision", type="submit"),
                        spacing="3",
                        width="100%",
                    ),
                    key=C.form_key.to_string(),
                    on_submit=C.review_decision,
                    reset_on_submit=False,
                    aria_label="Decide the dispute",
                    width="100%",
                ),
                rx.text("This contract is not frozen: there is nothing to decide.", color_scheme="gray"),
            ),
        ),
        _confirm_dialog(),
        aria_label="Decision",
    )


def _item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.badge(item.label),
                rx.text(item.who, weight="medium"),
                rx.text(item.when, size="1", color_scheme="gray"),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(item.what, rx.text(item.what, white_space="pre-wrap")),
            rx.foreach(item.files, lambda f: rx.link(f.label, href=f.url, is_external=True)),
            rx.foreach(item.links, lambda u: rx.link(u, href=u, is_external=True, rel="noopener noreferrer nofollow")),
            spacing="1",
        ),
        style={"list_style": "none", "padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def timeline() -> rx.Component:
    return rx.el.section(
        rx.heading("Timeline", size="4", as_="h2", margin_bottom="0.5rem"),
        rx.text(
            "Everything the contract holds, oldest first: the listing, the accepted bid, contract events, the parties' "
            "messages (your reading is recorded in the audit log), deliveries, revision requests and the dispute's "
            "statements and evidence.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(K.messages_left_out, rx.text("Only the newest 500 messages are shown.", size="2")),
        rx.el.ol(rx.foreach(K.timeline, _item), aria_label="Case timeline", style={"padding": 0, "margin": 0}),
        aria_label="Timeline",
    )
