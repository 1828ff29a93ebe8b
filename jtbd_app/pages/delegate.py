"""/tasks/[id]/delegate: the Delegate menu of one task: its kind and why, the routes ranked with their reasons and
actions, where the task went so far, and how an outside route went (the outcome form, `#outcome`)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, labelled
from jtbd_app.components.layout import loading, page
from jtbd_app.state.delegate import DelegateState

S = DelegateState
M = DelegateState.menu
R = DelegateState.routes
E = DelegateState.errors


def _new_tab_link(label: rx.Var | str, option_token: rx.Var, href: rx.Var, **props: object) -> rx.Component:
    """A partner's page through /go/, in a new tab; following it records where the task went."""
    return rx.link(
        label,
        href=href,
        is_external=True,
        rel="noopener noreferrer",
        on_click=S.choose_link(option_token),
        **props,
    )


def _draft(o: rx.Var) -> rx.Component:
    field_id = "draft-" + o.partner_key
    return rx.vstack(
        rx.el.label("Drafted post for " + o.partner_name, html_for=field_id, style={"font_weight": "500"}),
        rx.text_area(value=o.draft_text, id=field_id, read_only=True, rows="7", width="100%"),
        rx.hstack(
            rx.button(
                "Copy post",
                variant="soft",
                on_click=rx.set_clipboard(o.draft_text),
                aria_label="Copy post for " + o.partner_name,
            ),
            _new_tab_link("Open " + o.partner_name, o.token, o.click_path),
            rx.cond(
                o.can_create_post,
                rx.button(
                    "Post it on " + o.partner_name + " for me",
                    on_click=S.start_confirm(o.partner_key),
                    variant="outline",
                ),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(S.confirming == o.partner_key, _confirm(o)),
        width="100%",
        align="stretch",
    )


def _confirm(o: rx.Var) -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Post this job on ", o.partner_name, " now? It will be public there under your account."),
            rx.hstack(
                rx.button(
                    rx.cond(S.posting, "Posting…", "Yes, post it"),
                    on_click=S.confirm_post(o.partner_key),
                    disabled=S.posting,
                ),
                rx.button("Cancel", variant="soft", on_click=S.cancel_confirm),
                spacing="2",
            ),
            align="start",
        ),
        icon="send",
        role="alertdialog",
        aria_label="Confirm the post on " + o.partner_name,
    )


def _action(o: rx.Var) -> rx.Component:
    return rx.match(
        o.route,
        ("buy", _new_tab_link("Search on " + o.partner_name, o.token, o.click_path)),
        ("outside", _draft(o)),
        ("internal", rx.button("Post it here", on_click=S.post_here, aria_label="Post it here: open the wizard")),
        ("problem", rx.button("Plan it as a problem", on_click=S.plan_as_problem)),
        ("self", rx.button("Do it myself", variant="soft", on_click=S.do_it_myself)),
        rx.fragment(),
    )


def _option(o: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.heading(o.route_label, rx.cond(o.partner_name, rx.text.span(": " + o.partner_name)), size="4", as_="h3"),
            rx.text(o.reason, size="2", color_scheme="gray"),
            _action(o),
            spacing="2",
            align="start",
            width="100%",
        ),
        style={"padding": "0.75rem 0", "border_bottom": "1px solid var(--gray-5)"},
    )


def _product(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(p.image_url, rx.image(src=p.image_url, alt="", width="6rem", height="auto")),
            rx.text(p.title, weight="medium"),
            rx.cond(p.price, rx.text(p.price, size="2")),
            _new_tab_link("View " + p.title + " on " + p.partner_name, p.token, p.click_path),
            align="start",
        ),
    )


def _products() -> rx.Component:
    return rx.fragment(
        rx.cond(
            M.products.length() > 0,
            rx.el.section(
                rx.heading("Products", size="4", as_="h2"),
                rx.grid(rx.foreach(M.products, _product), columns=rx.breakpoints(initial="1", sm="2"), spacing="3"),
                aria_label="Products",
            ),
        ),
        rx.cond(
            M.shopping_list,
            rx.vstack(
                labelled(
                    "Shopping list",
                    "shopping-list",
                    rx.text_area(value=M.shopping_list, id="shopping-list", read_only=True, rows="4", width="100%"),
                ),
                rx.button("Copy list", variant="soft", on_click=rx.set_clipboard(M.shopping_list)),
                align="start",
                width="100%",
            ),
        ),
    )


def _menu() -> rx.Component:
    return rx.vstack(
        rx.text(rx.text.strong("This is: ", M.kind_label), ". ", M.reason),
        rx.cond(
            M.notes.length() > 0,
            rx.callout(
                rx.vstack(rx.el.ul(rx.foreach(M.notes, lambda n: rx.el.li(rx.text(n, size="2"))))),
                icon="info",
                color_scheme="amber",
                role="status",
                width="100%",
            ),
        ),
        rx.el.section(
            rx.heading("Routes, best first", size="5", as_="h2"),
            rx.el.ol(rx.foreach(M.options, _option), style={"list_style": "none", "padding": 0, "margin": 0}),
            aria_label="Routes",
            width="100%",
        ),
        _products(),
        rx.cond(M.disclosure, rx.text(M.disclosure, size="2", color_scheme="gray")),
        width="100%",
        spacing="4",
        align="stretch",
    )


def _history_line(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(
            line.route_label,
            rx.cond(line.partner_name, ": " + line.partner_name, ""),
            " (",
            line.when,
            ")",
            rx.cond(line.outcome, " · " + line.outcome, ""),
            " ",
            rx.cond(line.link, rx.link(line.link_label, href=line.link)),
        )
    )


def _history() -> rx.Component:
    return rx.el.section(
        rx.heading("Where this task went", size="4", as_="h2"),
        rx.cond(
            R.lines.length() > 0,
            rx.el.ul(rx.foreach(R.lines, _history_line)),
            rx.text("Nowhere yet: choose a route above.", size="2", color_scheme="gray"),
        ),
        aria_label="Where this task went",
    )


def _radio(name: str, value: str, label: str, checked: rx.Var) -> rx.Component:
    field_id = f"{name}-{value}"
    return rx.hstack(
        rx.el.input(type="radio", name=name, value=value, id=field_id, default_checked=checked),
        rx.el.label(label, html_for=field_id),
        spacing="1",
        align="center",
    )


def _fieldset(legend: str, name: str, *radios: rx.Component) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(legend, style={"font_weight": "500"}),
        rx.hstack(*radios, spacing="4", wrap="wrap"),
        rx.cond(E[name], rx.text(E[name], color_scheme="red", size="2", id=f"{name}-error")),
        style={"border": "none", "padding": 0, "margin": 0},
    )


def _outcome_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _fieldset(
                "Did it get done?",
                "done",
                _radio("done", "yes", "Yes", R.reported_done == "yes"),
                _radio("done", "no", "No", R.reported_done == "no"),
            ),
            _fieldset(
                "Rating",
                "rating",
                *[_radio("rating", str(n), f"{n} of 5", R.reported_rating == str(n)) for n in range(1, 6)],
            ),
            labelled(
                "Comment",
                "comment",
                rx.text_area(id="comment", name="comment", default_value=R.reported_comment, rows="3", max_length=1000),
                E["comment"],
                hint="Optional, at most 1000 characters.",
            ),
            rx.button("Report outcome", type="submit"),
            align="start",
            spacing="3",
            width="100%",
        ),
        on_submit=S.report_outcome,
        reset_on_submit=False,
        aria_label="Report outcome",
    )


def _outcome() -> rx.Component:
    return rx.el.section(
        rx.heading("How did it go?", size="4", as_="h2"),
        rx.cond(
            R.can_report,
            rx.vstack(
                rx.text("Tell us how ", R.report_partner, " did; it counts in their public scorecard.", size="2"),
                _outcome_form(),
                align="start",
                width="100%",
            ),
            rx.text("Once the task goes to an outside partner, report here how it went.", size="2"),
        ),
        id="outcome",
        aria_label="How did it go?",
    )


def _workspace() -> rx.Component:
    return rx.vstack(
        rx.link("← Your tasks", href="/tasks", size="2"),
        rx.heading("Delegate", size="7"),
        rx.text(R.title, size="4", weight="medium"),
        form_error(E),
        rx.cond(S.notice, rx.callout(S.notice, icon="circle-check", color_scheme="green", role="status")),
        rx.cond(
            S.building,
            rx.hstack(
                rx.spinner(size="3"),
                rx.text(rx.cond(S.progress, S.progress, "Making the menu…")),
                role="status",
                aria_live="polite",
                align="center",
            ),
            rx.cond(M.task_id > 0, _menu()),
        ),
        rx.text(
            M.liability,
            " ",
            rx.link("Read the terms on outside providers", href=M.liability_link),
            size="2",
            color_scheme="gray",
        ),
        _history(),
        _outcome(),
        spacing="4",
        width="100%",
        align="stretch",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.callout("That task was not found.", icon="shield-alert", color_scheme="red", role="alert"),
        rx.link("Back to your tasks", href="/tasks"),
    )


def delegate_page() -> rx.Component:
    return page(rx.cond(S.loaded, rx.cond(S.found, _workspace(), _not_found()), loading("Loading the task…")))
