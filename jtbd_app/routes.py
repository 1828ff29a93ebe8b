"""Every route declared as data: path, title, page function and the event run on load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import reflex as rx

from jtbd_app.domain.page_titles import SITE_NAME, page_title
from jtbd_app.pages import (
    admin,
    admin_audit,
    admin_disputes,
    admin_partners,
    admin_reports,
    admin_terms,
    admin_users,
    auth,
    coming_soon,
    connect_sign_in,
    contracts,
    delegate,
    email_verification,
    home,
    listings,
    marketplace,
    messages,
    notifications,
    password_reset,
    post,
    problem_plan,
    problems,
    profiles,
    providers,
    receipt,
    settings,
    tasks,
    terms,
    wallet,
)
from jtbd_app.state.admin import AdminState
from jtbd_app.state.admin_audit import AdminAuditState
from jtbd_app.state.admin_disputes import AdminDisputeCaseState, AdminDisputesState
from jtbd_app.state.admin_reports import AdminReportsState
from jtbd_app.state.admin_terms import AdminTermsState
from jtbd_app.state.admin_users import AdminUsersState, MemberRecordState
from jtbd_app.state.auth import LoginState, SignupState
from jtbd_app.state.connect_sign_in import ConnectSignInState
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.dashboard import DashboardState
from jtbd_app.state.delegate import DelegateState
from jtbd_app.state.email_verification import EmailVerificationState
from jtbd_app.state.listings import ListingState
from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.messages import MessagesState, OpenThreadState, ThreadState
from jtbd_app.state.notifications import NotificationSettingsState, NotificationsState
from jtbd_app.state.partners import AdminPartnersState
from jtbd_app.state.password_reset import PasswordResetState
from jtbd_app.state.post import PostState
from jtbd_app.state.problem_money import ProblemMoneyState
from jtbd_app.state.problem_plan import ProblemPlanState
from jtbd_app.state.problems import NewProblemState, ProblemsState
from jtbd_app.state.profiles import ProfileState
from jtbd_app.state.providers import ProvidersState
from jtbd_app.state.receipt import ReceiptState
from jtbd_app.state.reflex_handlers_guard import ReflexHandlersGuard
from jtbd_app.state.session import SessionState
from jtbd_app.state.session_guard import SessionGuard
from jtbd_app.state.settings import SettingsState
from jtbd_app.state.tasks import TasksState
from jtbd_app.state.terms import TermsState
from jtbd_app.state.wallet import WalletState


@dataclass(frozen=True)
class PageRoute:
    path: str
    title: str | rx.Var[str]  # a Var when the page's state names what it shows ("Logo for a bakery · $300 · ...")
    component: Callable[[], rx.Component]
    on_load: Any = None


ROUTES: list[PageRoute] = [
    PageRoute("/", SITE_NAME, home.home_page, DashboardState.load_dashboard),
    PageRoute("/signup", "Sign up", auth.signup_page, SignupState.load_signup),
    PageRoute("/login", "Sign in", auth.login_page, LoginState.load_login),
    PageRoute(
        "/verify-email",
        "Confirm your email address",
        email_verification.email_verification_page,
        EmailVerificationState.confirm,
    ),
    PageRoute(
        "/connect-sign-in",
        "Connect a sign-in provider",
        connect_sign_in.connect_sign_in_page,
        ConnectSignInState.load_connect,
    ),
    PageRoute(
        "/reset-password", "Reset your password", password_reset.password_reset_page, PasswordResetState.load_reset
    ),
    PageRoute("/terms", "Terms of service", terms.terms_page, TermsState.load_terms),
    PageRoute(
        "/u/[username]",
        ProfileState.page_title,
        profiles.profile_page,
        ProfileState.load_profile,
    ),
    PageRoute(
        "/settings",
        "Account settings",
        settings.settings_page,
        SettingsState.load_settings,
    ),
    PageRoute("/admin", "Admin", admin.admin_page, AdminState.load_admin),
    PageRoute(
        "/admin/disputes", "Disputes", admin_disputes.admin_disputes_page, AdminDisputesState.load_admin_disputes
    ),
    PageRoute(
        "/admin/disputes/[id]",
        AdminDisputeCaseState.page_title,
        admin_disputes.admin_dispute_case_page,
        AdminDisputeCaseState.load_case,
    ),
    PageRoute(
        "/admin/partners", "Partners", admin_partners.admin_partners_page, AdminPartnersState.load_admin_partners
    ),
    PageRoute("/admin/terms", "Terms versions", admin_terms.admin_terms_page, AdminTermsState.load_admin_terms),
    PageRoute("/admin/audit", "Audit log", admin_audit.admin_audit_page, AdminAuditState.load_audit),
    PageRoute("/admin/reports", "Reports", admin_reports.admin_reports_page, AdminReportsState.load_admin_reports),
    PageRoute("/admin/users", "Members", admin_users.admin_users_page, AdminUsersState.load_admin_users),
    PageRoute(
        "/admin/users/[id]",
        MemberRecordState.page_title,
        admin_users.member_record_page,
        MemberRecordState.load_member_record,
    ),
    PageRoute("/post", "Post a task", post.post_page, PostState.load_post),
    PageRoute("/listings/[id]", ListingState.page_title, listings.listing_page, ListingState.load_listing),
    PageRoute(
        "/notifications", "Notifications", notifications.notifications_page, NotificationsState.load_notifications
    ),
    PageRoute(
        "/notifications/settings",
        "Notification settings",
        notifications.notification_settings_page,
        NotificationSettingsState.load_notification_settings,
    ),
    PageRoute("/messages", "Messages", messages.messages_page, MessagesState.load_threads),
    PageRoute("/messages/open", "Opening a conversation", messages.open_thread_page, OpenThreadState.open_thread),
    PageRoute("/messages/[id]", ThreadState.page_title, messages.thread_page, ThreadState.load_thread),
    PageRoute(
        "/providers",
        "Providers",
        providers.providers_page,
        ProvidersState.load_providers,
    ),
    PageRoute(
        "/contracts/[id]",
        ContractState.page_title,
        contracts.contract_page,
        ContractState.load_contract,
    ),
    PageRoute("/wallet", "Wallet", wallet.wallet_page, WalletState.load_wallet),
    PageRoute("/wallet/receipts/[id]", "Receipt", receipt.receipt_page, ReceiptState.load_receipt),
    PageRoute("/problems", "Your problems", problems.problems_page, ProblemsState.load_problems),
    PageRoute("/problems/new", "Describe a problem", problems.new_problem_page, NewProblemState.load_new_problem),
    PageRoute(
        "/problems/[id]",
        ProblemPlanState.page_title,
        problem_plan.problem_plan_page,
        [ProblemPlanState.load_problem, ProblemMoneyState.load_money],
    ),
    PageRoute("/tasks", "Tasks", tasks.tasks_page, TasksState.load_tasks),
    PageRoute("/tasks/[id]/delegate", DelegateState.page_title, delegate.delegate_page, DelegateState.load_delegate),
    PageRoute("/marketplace", "Marketplace", marketplace.marketplace_page, MarketplaceState.load_marketplace),
    *[
        PageRoute(path, title, partial(coming_soon.coming_soon, title, text), SessionState.load_session)
        for path, (title, text) in coming_soon.COMING.items()
    ],
    PageRoute("/404", "Page not found", coming_soon.not_found_page, SessionState.load_session),
]


def register(app: rx.App) -> None:
    """Every page; before every event the session guard, then the boundary of Reflex's own handlers."""
    app.add_middleware(SessionGuard(), index=0)
    app.add_middleware(ReflexHandlersGuard(), index=1)
    for route in ROUTES:
        path = "404" if route.path == "/404" else route.path
        title = route.title if isinstance(route.title, rx.Var) else page_title(route.title)
        app.add_page(route.component, route=path, title=title, on_load=route.on_load)
