"""The app shell: responsive navigation, colour mode, footer, and the page frame."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router import link as router_link
from reflex.vars.function import FunctionStringVar

from jtbd_app.components.focus_carry import focus_carry
from jtbd_app.components.hydrate_later import hydrate_later
from jtbd_app.components.sign_in_links import sign_in_href, sign_up_href
from jtbd_app.domain.moderation import STANDING_LINK
from jtbd_app.state.session import SessionState

# Menus are not modal: a modal Radix menu hides the whole page with aria-hidden while its links stay focusable (axe's
# aria-hidden-focus); open but not modal, Tab or a click outside simply closes it, as the ARIA menu-button pattern has.
MENUS_MODAL = False

# The skip link (the first Tab stop, shown on focus: assets/accessibility.css) moves the focus itself, since browsers
# only scroll to a fragment's target; in the page's own script, so it works before the websocket connects.
_FOCUS_MAIN = FunctionStringVar.create("() => document.getElementById('main')?.focus()")

NAV_ITEMS = [
    ("Marketplace", "/marketplace"),
    ("Tasks", "/tasks"),
    ("Problems", "/problems"),
    ("Providers", "/providers"),
]


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, weight="medium", underline="hover")


def _menu_link(label: str | rx.Var, href: str | rx.Var) -> rx.Component:
    """A menu item that is the link itself: a click anywhere on the row, or Enter, follows it.

    The child is React Router's plain link because Radix cannot slot an item onto `rx.link` (itself a slot).
    """
    return rx.menu.item(router_link(label, to=href), as_child=True)


def link_button(label: str | rx.Var, href: str | rx.Var, **props: object) -> rx.Component:
    """A link that looks like a button (never a button nested in a link). The child is React Router's plain link, so
    the button's own colours apply (a Radix link would bring its text colour, unreadable on a solid button)."""
    return rx.button(router_link(label, to=href), as_child=True, **props)


def sign_out_button(label: str = "Sign out") -> rx.Component:
    return rx.button(label, variant="soft", size="2", on_click=SessionState.sign_out)


def _profile_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.cond(
                    SessionState.viewer_photo,
                    rx.avatar(src=SessionState.viewer_photo, fallback="", alt="", size="1", radius="full"),
                    rx.icon("circle-user", size=18),
                ),
                SessionState.viewer_name,
                variant="ghost",
                aria_label=SessionState.viewer_name + ", profile menu",  # the visible name first, then what it opens
            )
        ),
        rx.menu.content(
            _menu_link("My profile", "/u/" + SessionState.viewer_username),
            _menu_link("Dashboard", "/"),
            _menu_link("Account settings", "/settings"),
            rx.menu.separator(),
            rx.menu.item("Sign out of all devices", on_click=SessionState.sign_out_everywhere),
        ),
        modal=MENUS_MODAL,
    )


def _bell() -> rx.Component:
    """The bell names its count for screen readers ("Notifications, 3 unread") and shows it as a badge."""
    count = SessionState.unread_notifications
    return rx.icon_button(
        rx.link(
            rx.icon("bell", size=18),
            rx.cond(
                count > 0,
                rx.badge(
                    rx.cond(count > 99, "99+", count.to_string()),
                    color_scheme="red",
                    variant="solid",
                    radius="full",
                    size="1",
                    aria_hidden="true",
                    style={"position": "absolute", "top": "-0.4rem", "right": "-0.6rem"},
                ),
            ),
            href="/notifications",
            aria_label=rx.cond(count > 0, f"Notifications, {count} unread", "Notifications"),
            color="inherit",
            style={"position": "relative"},
        ),
        as_child=True,
        variant="ghost",
    )


def _messages_link() -> rx.Component:
    """Messages with the unread count, read out as "Messages, 2 unread"."""
    unread = SessionState.unread_messages
    return rx.link(
        rx.hstack(
            rx.icon("message-square", size=18),
            rx.text("Messages"),
            rx.cond(unread > 0, rx.badge(unread, color_scheme="red", variant="solid", radius="full")),
            align="center",
            spacing="1",
        ),
        href="/messages",
        aria_label=rx.cond(unread > 0, "Messages, " + unread.to_string() + " unread", "Messages"),
        weight="medium",
        underline="hover",
        color="inherit",
    )


def _account_controls() -> rx.Component:
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            _messages_link(),
            _nav_link("Wallet", "/wallet"),
            _bell(),
            rx.cond(SessionState.viewer_is_admin, _nav_link("Admin", "/admin")),
            _profile_menu(),
            sign_out_button(),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            link_button("Sign in", sign_in_href(), variant="soft"),
            link_button("Sign up", sign_up_href()),
            spacing="2",
        ),
    )


def navbar() -> rx.Component:
    links = [_nav_link(label, href) for label, href in NAV_ITEMS]
    brand = rx.link(
        rx.text("JTBD Marketplace", size="5", weight="bold"),
        href="/",
        underline="none",
        style={"white_space": "nowrap", "flex_shrink": "0"},  # the logo never wraps onto two lines
    )
    mode = rx.color_mode.button(aria_label="Toggle dark mode")
    return rx.el.nav(
        rx.box(
            rx.hstack(
                brand,
                rx.hstack(*links, spacing="5"),
                rx.spacer(),
                _account_controls(),
                mode,
                align="center",
                spacing="5",
                width="100%",
                wrap="wrap",  # a long name or many badges go to a second row, never off the screen
                row_gap="0.5rem",
            ),
            display=[*["none"] * 4, "block"],
        ),
        rx.box(  # the compact header below 80em (1280 px): the full one needs about that much
            rx.hstack(
                brand,
                rx.spacer(),
                mode,
                rx.menu.root(
                    rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="Open navigation")),
                    rx.menu.content(
                        *[_menu_link(label, href) for label, href in NAV_ITEMS],
                        rx.menu.separator(),
                        rx.cond(
                            SessionState.signed_in,
                            rx.fragment(
                                _menu_link(
                                    rx.cond(
                                        SessionState.unread_messages > 0,
                                        "Messages (" + SessionState.unread_messages.to_string() + " unread)",
                                        "Messages",
                                    ),
                                    "/messages",
                                ),
                                _menu_link(
                                    rx.cond(
                                        SessionState.unread_notifications > 0,
                                        f"Notifications ({SessionState.unread_notifications} unread)",
                                        "Notifications",
                                    ),
                                    "/notifications",
                                ),
                                _menu_link("Wallet", "/wallet"),
                                _menu_link("My profile", "/u/" + SessionState.viewer_username),
                                _menu_link("Account settings", "/settings"),
                                rx.cond(SessionState.viewer_is_admin, _menu_link("Admin", "/admin")),
                                rx.menu.separator(),
                                rx.menu.item("Sign out", on_click=SessionState.sign_out),
                            ),
                            rx.fragment(
                                _menu_link("Sign in", sign_in_href()),
                                _menu_link("Sign up", sign_up_href()),
                            ),
                        ),
                    ),
                    modal=MENUS_MODAL,
                ),
                align="center",
                width="100%",
            ),
            display=[*["block"] * 4, "none"],
        ),
        aria_label="Main",
        style={"padding": "0.75rem 1.5rem", "border_bottom": "1px solid var(--gray-a5)"},
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.hstack(
            rx.text("© JTBD Marketplace", size="2", color_scheme="gray"),
            rx.link("Terms of service", href="/terms", size="2"),
            rx.link("Providers", href="/providers", size="2"),
            spacing="4",
            justify="center",
        ),
        style={"padding": "1.5rem", "border_top": "1px solid var(--gray-a5)", "margin_top": "3rem"},
    )


def terms_banner() -> rx.Component:
    return rx.cond(
        SessionState.needs_terms,
        rx.callout(
            rx.hstack(
                rx.text(
                    "The terms of service have a new version. Please read and accept them to keep using the marketplace."
                ),
                rx.link("Read and accept", href="/terms"),
                spacing="3",
                wrap="wrap",
            ),
            icon="info",
            color_scheme="amber",
            role="status",
        ),
    )


def suspension_banner() -> rx.Component:
    """A suspended member reads why on every page, and where to see their strikes and appeal."""
    return rx.cond(
        SessionState.viewer_suspended,
        rx.callout(
            rx.hstack(
                rx.text(
                    "Your account is suspended: ",
                    SessionState.viewer_suspended_reason,
                    " You can read, but not post, bid or send messages.",
                ),
                rx.link("Your standing and appeal", href=STANDING_LINK),
                spacing="3",
                wrap="wrap",
            ),
            icon="ban",
            color_scheme="red",
            role="alert",
        ),
    )


def email_banner() -> rx.Component:
    return rx.cond(
        SessionState.needs_email_verification,
        rx.callout(
            rx.hstack(
                rx.text("Confirm your email address to get notifications by mail: open the link we sent you."),
                rx.button("Send the link again", size="1", variant="soft", on_click=SessionState.resend_confirmation),
                rx.cond(SessionState.confirmation_note, rx.text(SessionState.confirmation_note, role="status")),
                spacing="3",
                wrap="wrap",
                align="center",
            ),
            icon="mail",
            color_scheme="amber",
        ),
    )


def loading(label: str = "Loading…") -> rx.Component:
    return rx.center(rx.hstack(rx.spinner(size="3"), rx.text(label), role="status", align="center"), padding="3rem")


def page(*children: rx.Component, width: str = "60rem", served_content: bool = False) -> rx.Component:
    """Every page: a skip link (the first Tab stop), navigation, a main region, the footer; a prerendered page's
    content hydrates after the app's root has connected (`hydrate_later`), unless the served page already holds its
    content (`served_content`: api/page_files fills it in)."""
    frame = rx.box(
        # The tab's one live timer (state/live), for a member only (a visitor's tick has nothing to watch): it starts
        # once the page's load said who is signed in, so a first visit's load never waits behind a tick.
        rx.cond(SessionState.signed_in, rx.fragment(on_mount=SessionState.live_tick(0))),
        rx.el.a("Skip to main content", href="#main", class_name="skip-link", on_click=_FOCUS_MAIN),
        site_navbar(),
        rx.el.main(
            rx.vstack(site_banners(), *children, spacing="5", width="100%"),
            id="main",
            tab_index=-1,  # the skip link's target takes focus, so the next Tab continues inside it
            style={"max_width": width, "margin": "0 auto", "padding": "2rem 1.5rem", "min_height": "70vh"},
        ),
        site_footer(),
    )
    return frame if served_content else hydrate_later(frame)


# The frame's parts, compiled once into a module of their own that every page (and the app's hydrate fallback)
# imports, rather than into a copy in each page's module.
@rx.memo
def site_navbar() -> rx.Component:
    return rx.fragment(focus_carry(), navbar())


@rx.memo
def site_banners() -> rx.Component:
    return rx.fragment(suspension_banner(), terms_banner(), email_banner())


@rx.memo
def site_footer() -> rx.Component:
    return footer()


def guarded(loaded: rx.Var, refusal: rx.Var, content: rx.Component, *, waiting: str) -> rx.Component:
    """A page whose data the server may refuse: loading, then the refusal (with a sign-in link), or the content."""
    return rx.cond(
        loaded,
        rx.cond(
            refusal,
            rx.vstack(
                rx.callout(refusal, icon="shield-alert", color_scheme="red", role="alert"),
                rx.cond(~SessionState.signed_in, rx.link("Sign in", href=sign_in_href())),
            ),
            content,
        ),
        loading(waiting),
    )
