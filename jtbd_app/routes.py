"""Every route declared as data: path, title, page function and the event run on load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import reflex as rx

from jtbd_app.pages import admin, auth, coming_soon, home, marketplace, profile, settings, terms
from jtbd_app.state.admin import AdminState
from jtbd_app.state.auth import LoginState, SignupState
from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.profile import ProfileState
from jtbd_app.state.session import SessionState
from jtbd_app.state.settings import SettingsState
from jtbd_app.state.terms import TermsState


@dataclass(frozen=True)
class PageRoute:
    path: str
    title: str
    component: Callable[[], rx.Component]
    on_load: Any = None


ROUTES: list[PageRoute] = [
    PageRoute("/", "JTBD Marketplace", home.home_page, SessionState.load_session),
    PageRoute("/signup", "Sign up", auth.signup_page, SignupState.load_signup),
    PageRoute("/login", "Sign in", auth.login_page, LoginState.load_login),
    PageRoute("/terms", "Terms of service", terms.terms_page, TermsState.load_terms),
    PageRoute("/u/[username]", "Profile", profile.profile_page, ProfileState.load_profile),
    PageRoute("/settings", "Account settings", settings.settings_page, SettingsState.load_settings),
    PageRoute("/admin", "Admin", admin.admin_page, AdminState.load_admin),
    PageRoute("/marketplace", "Marketplace", marketplace.marketplace_page, MarketplaceState.load_marketplace),
    *[
        PageRoute(path, title, partial(coming_soon.coming_soon, title, text), SessionState.load_session)
        for path, (title, text) in coming_soon.COMING.items()
    ],
    PageRoute("/404", "Page not found", coming_soon.not_found_page, SessionState.load_session),
]


def register(app: rx.App) -> None:
    for route in ROUTES:
        path = "404" if route.path == "/404" else route.path
        app.add_page(route.component, route=path, title=f"{route.title} · JTBD Marketplace", on_load=route.on_load)
