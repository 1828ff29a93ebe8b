"""Each tab says what its page is; a page's subject only once the viewer was shown it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

import jtbd_app.routes  # noqa: F401  (every page, and so every state class, as the app has them)
from jtbd_app.domain.page_titles import listing_subject, member_subject, page_title, short_money
from jtbd_app.models import Profile
from jtbd_app.routes import ROUTES
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.listings import ListingState
from jtbd_app.state.messages import ThreadState
from jtbd_app.state.problem_plan import ProblemPlanState
from jtbd_app.state.profiles import ProfileState
from tests.support.contracts import agreed_contract
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.messaging import make_deal
from tests.support.problems import planned_problem


def test_the_home_page_is_the_sites_name_alone_and_other_pages_end_with_it() -> None:
    assert page_title() == page_title("JTBD Marketplace") == "JTBD Marketplace"
    assert page_title("Logo for a bakery · $300") == "Logo for a bakery · $300 · JTBD Marketplace"
    assert page_title("", "Wallet") == "Wallet · JTBD Marketplace"


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [(300_00, "USD", "$300"), (300_50, "USD", "$300.50"), (1_250_000_00, "EUR", "€1,250,000"), (5000, "JPY", "¥5,000")],
)
def test_a_title_shows_a_whole_budget_without_cents(minor: int, currency: str, shown: str) -> None:
    assert short_money(minor, currency) == shown


def test_subjects_name_the_listing_and_the_member() -> None:
    assert listing_subject("Logo for a bakery", 300_00, "USD") == "Logo for a bakery · $300"
    assert listing_subject("Logo for a bakery", None, "USD") == "Logo for a bakery"
    assert member_subject("Ann Baker", "ann") == "Ann Baker (@ann)" and member_subject(" ", "ann") == "@ann"


def test_every_static_title_is_specific_and_no_page_repeats_the_sites_name() -> None:
    for route in ROUTES:
        if isinstance(route.title, str):
            assert page_title(route.title).count("JTBD Marketplace") == 1, route.path


def _listing_tab(token: str | None, listing_id: object) -> str:
    state: ListingState = state_for(ListingState, token=token, path=f"/listings/{listing_id}")
    assert state.page_title == "Listing · JTBD Marketplace"  # before the listing is loaded
    call(state, "load_listing")
    return state.page_title


def test_a_listings_tab_has_its_title_and_budget_in_its_currency(db: Session) -> None:
    listing = make_listing(make_user("ann"), title="Logo for a bakery", budget_minor=300_00, currency="EUR")
    assert _listing_tab(None, listing.id) == "Logo for a bakery · €300 · JTBD Marketplace"


def test_a_visitor_on_a_missing_or_hidden_listing_reads_listing_not_found(db: Session) -> None:
    owner = make_user("ann")
    hidden = make_listing(owner, title="Secret plan", status="hidden", hidden_from="open")
    assert _listing_tab(None, 12345) == "Listing not found · JTBD Marketplace"
    assert _listing_tab(session_token(make_user("bob")), hidden.id) == "Listing not found · JTBD Marketplace"
    assert _listing_tab(session_token(owner), hidden.id) == "Secret plan · $500 · JTBD Marketplace"


def test_a_profiles_tab_has_the_display_name_and_username(db: Session) -> None:
    ann = make_user("ann")
    profile = db.get(Profile, ann.id)
    assert profile is not None
    profile.display_name = "Ann Baker"
    db.add(profile)
    db.commit()
    state: ProfileState = state_for(ProfileState, path="/u/ann")
    call(state, "load_profile")
    assert state.page_title == "Ann Baker (@ann) · JTBD Marketplace"
    missing: ProfileState = state_for(ProfileState, path="/u/nobody")
    call(missing, "load_profile")
    assert missing.page_title == "Member not found · JTBD Marketplace"


def test_a_contracts_tab_names_its_listing_for_a_party_and_nothing_for_anyone_else(db: Session) -> None:
    carol = make_user("carol")
    deal = agreed_contract(carol, make_user("ken"), price="100")
    path = f"/contracts/{deal.contract_id}"
    party: ContractState = state_for(ContractState, token=session_token(carol), path=path)
    call(party, "load_contract")
    assert party.page_title == f"{party.detail.listing_title} · Contract #{deal.contract_id} · JTBD Marketplace"
    stranger: ContractState = state_for(ContractState, token=session_token(make_user("eve")), path=path)
    call(stranger, "load_contract")
    assert stranger.page_title == "Contract not found · JTBD Marketplace"
    assert party.detail.listing_title not in stranger.page_title


def test_a_conversations_tab_names_the_other_party_only_for_a_party(db: Session) -> None:
    deal = make_deal(title="Bake a cake")
    party: ThreadState = state_for(ThreadState, token=session_token(deal.bidder), path=f"/messages/{deal.thread_id}")
    call(party, "load_thread")
    assert party.page_title == f"{party.thread.title} · Messages · JTBD Marketplace"
    assert party.thread.title.startswith("Conversation with ")
    stranger: ThreadState = state_for(
        ThreadState, token=session_token(make_user("eve")), path=f"/messages/{deal.thread_id}"
    )
    call(stranger, "load_thread")
    assert stranger.page_title == "Conversation not found · JTBD Marketplace"


def test_a_problems_tab_has_its_title_for_its_owner_only(db: Session) -> None:
    owner = make_user("olga")
    problem_id = planned_problem(owner)
    mine: ProblemPlanState = state_for(ProblemPlanState, token=session_token(owner), path=f"/problems/{problem_id}")
    call(mine, "load_problem")
    assert (
        mine.page_title == "Get 10K legit website visitors to my bakery's site in 60 days · Problem · JTBD Marketplace"
    )
    theirs: ProblemPlanState = state_for(
        ProblemPlanState, token=session_token(make_user("eve")), path=f"/problems/{problem_id}"
    )
    call(theirs, "load_problem")
    assert theirs.page_title == "Problem not found · JTBD Marketplace"
