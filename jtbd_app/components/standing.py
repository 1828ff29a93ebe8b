"""The member's standing (in /settings#standing): warnings and suspensions with their reasons and dates, and,
while suspended, the form for the one appeal, or the appeal and its answer."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, form_error, labelled
from jtbd_app.domain.moderation import APPEAL_MAX
from jtbd_app.state.standing import StandingState as S

ST = S.standing
AE = S.appeal_errors


def _strike(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(line.kind),
            " on ",
            line.given,
            ": ",
            line.reason,
            rx.cond(line.lifted, " (lifted " + line.lifted + ")", ""),
        ),
        style={"padding": "0.25rem 0"},
    )


def _appeal_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(AE),
            labelled(
                "Your appeal",
                "body",
                field_input("body", AE, multiline=True, rows="5", max_length=APPEAL_MAX),
                AE["body"],
                hint=f"Plain text, at most {APPEAL_MAX:,} characters. You can send one appeal per suspension.",
            ),
            rx.button("Send appeal", type="submit"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.send_appeal,
        reset_on_submit=False,
        key=S.appeal_form_key,
        aria_label="Appeal the suspension",
        width="100%",
    )


def _appeal() -> rx.Component:
    return rx.cond(
        ST.appeal_status,
        rx.vstack(
            rx.text(
                rx.text.strong("Your appeal: "),
                rx.match(
                    ST.appeal_status,
                    ("open", "waiting for an administrator."),
                    ("granted", "granted."),
                    ("refused", "refused."),
                    "",
                ),
            ),
            rx.text(ST.appeal_body, white_space="pre-wrap", color_scheme="gray"),
            rx.cond(ST.appeal_answer, rx.text(rx.text.strong("Answer: "), ST.appeal_answer)),
            spacing="1",
            width="100%",
        ),
    )


def standing_section() -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading("Standing", size="4", as_="h2"),
            rx.cond(S.appeal_sent, rx.callout(S.appeal_sent, icon="check", role="status")),
            rx.cond(
                ST.suspended,
                rx.callout("Your account is suspended: " + ST.suspended_reason, icon="ban", color_scheme="red"),
            ),
            rx.cond(
                ST.strikes.length() > 0,
                rx.el.ul(rx.foreach(ST.strikes, _strike), aria_label="Warnings and suspensions"),
                rx.text("No warnings or suspensions. Thank you for keeping the marketplace honest."),
            ),
            _appeal(),
            rx.cond(ST.can_appeal, _appeal_form()),
            spacing="2",
            width="100%",
        ),
        id="standing",
        aria_label="Standing",
        width="100%",
    )
