"""Report content to the moderators: the button beside a listing, a profile, a review or a message, and the one
dialog per page it opens (a reason from the list and optional details)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, form_error, labelled
from jtbd_app.domain.moderation import DETAILS_MAX, REASONS
from jtbd_app.state.reports import ReportState as R

RE = R.report_errors


def report_button(kind: str, subject: rx.Var | str, *, size: str = "1") -> rx.Component:
    """ "Report" for a signed-in member (the service refuses their own content and what they cannot see)."""
    return rx.cond(
        R.signed_in,
        rx.button(
            rx.icon("flag", size=14, aria_hidden="true"),
            "Report",
            size=size,
            variant="ghost",
            color_scheme="gray",
            aria_label=f"Report this {kind}",
            on_click=R.open_report(kind, subject),
        ),
    )


def report_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Report this ", R.report_kind),
            rx.dialog.description(
                "The moderators read every report. The member you report is not told who sent it.",
                size="2",
                margin_bottom="0.75rem",
            ),
            rx.el.form(
                rx.vstack(
                    form_error(RE),
                    rx.cond(R.report_sent, rx.callout(R.report_sent, icon="check", role="status")),
                    labelled(
                        "Reason",
                        "report_reason",
                        rx.el.select(
                            rx.el.option("Choose a reason", value=""),
                            *[rx.el.option(label, value=code) for code, label in REASONS.items()],
                            id="report_reason",
                            name="report_reason",
                            aria_describedby="report_reason-error",
                            aria_invalid=rx.cond(RE["report_reason"], "true", "false"),
                            style={"padding": "0.4rem", "width": "100%"},
                        ),
                        RE["report_reason"],
                    ),
                    labelled(
                        "Details (optional)",
                        "report_details",
                        field_input("report_details", RE, multiline=True, rows="4", max_length=DETAILS_MAX),
                        RE["report_details"],
                        hint=f"Plain text, at most {DETAILS_MAX:,} characters.",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Close", type="button", variant="soft")),
                        rx.button("Send report", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=R.send_report,
                reset_on_submit=False,
                key=R.report_form_key,
                aria_label="Report",
            ),
        ),
        open=R.report_open,
        on_open_change=R.set_report_open,
    )
