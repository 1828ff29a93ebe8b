"""What the member chose for a task, recorded as its routing decision, and how an outside route went: only the task's
owner decides, a partner link must be one the menu offered for that task, an API post records nothing when the
partner fails, and each report feeds the curation rule."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, ValidationFailed
from jtbd_app.models import Listing, Notification, Partner, Problem, RoutingDecision, User
from jtbd_app.services.delegate import decisions, menu, route_view
from jtbd_app.services.ports import PartnerAdapter
from jtbd_app.services.viewer import Viewer
from tests.support.delegate_menu import ApiPartner, add_task, api_partners
from tests.support.members import make_user
from tests.support.partner_scorecards import described_partners
from tests.support.viewers import viewer_of


def routes(db: Session, task_id: int) -> list[tuple[str, str, int | None, int | None]]:
    db.expire_all()
    rows = db.exec(
        select(RoutingDecision).where(RoutingDecision.task_id == task_id).order_by(col(RoutingDecision.id))
    ).all()
    return [(d.route, d.partner_key, d.listing_id, d.problem_id) for d in rows]


def menu_for(owner: User, title: str, adapters: Mapping[str, PartnerAdapter] | None = None) -> tuple[int, menu.Menu]:
    task_id = add_task(owner, title, "Three rooms, the hallway too")
    built = asyncio.run(
        menu.build_menu(
            session_factory=session_scope,
            viewer=viewer_of(owner),
            task_id=task_id,
            adapters=adapters or described_partners(),
            classifier=None,
            timeout=1.0,
        )
    )
    return task_id, built


def act(fn: object, viewer: Viewer | None, task_id: object, **kwargs: object) -> object:
    with session_scope() as s:
        return fn(s, viewer=viewer, task_id=task_id, **kwargs)  # type: ignore[operator]


def test_following_an_offered_link_records_where_the_task_went_once(db: Session) -> None:
    ann = make_user("ann")
    task_id, built = menu_for(ann, "Buy lightbulbs")
    token = built.options[0].token
    act(decisions.choose_link, viewer_of(ann), task_id, token=token)
    act(decisions.choose_link, viewer_of(ann), task_id, token=token)
    assert routes(db, task_id) == [("buy", "shop", None, None)]


def test_an_outside_pros_link_is_an_outside_route(db: Session) -> None:
    ann = make_user("ann")
    task_id, built = menu_for(ann, "Assemble IKEA wardrobe")
    [handy] = [o for o in built.options if o.route == "outside"]
    act(decisions.choose_link, viewer_of(ann), task_id, token=handy.token)
    assert routes(db, task_id) == [("outside", "handy", None, None)]


def test_a_link_offered_for_another_task_or_another_member_is_refused(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id, built = menu_for(ann, "Buy lightbulbs")
    other_id, _ = menu_for(ann, "Buy batteries")
    token = built.options[0].token
    for viewer, task, tok in (
        (viewer_of(bob), task_id, token),
        (None, task_id, token),
        (viewer_of(ann), other_id, token),
        (viewer_of(ann), task_id, "x" * 43),
        (viewer_of(ann), task_id, "x" * 5000),
    ):
        with pytest.raises(DomainError):
            act(decisions.choose_link, viewer, task, token=tok)
    assert routes(db, task_id) == [] and routes(db, other_id) == []


def test_a_link_to_a_partner_suspended_since_is_refused(db: Session) -> None:
    ann = make_user("ann")
    task_id, built = menu_for(ann, "Buy lightbulbs")
    with session_scope() as s:
        shop = s.get(Partner, "shop")
        assert shop is not None
        shop.status = "suspended"
    with pytest.raises(NotFound):
        act(decisions.choose_link, viewer_of(ann), task_id, token=built.options[0].token)


def test_posting_it_here_opens_a_draft_listing_pre_filled_from_the_task(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Paint my living room", "Three rooms, the hallway too, white walls")
    listing_id = act(decisions.post_here, viewer_of(ann), task_id)
    again = act(decisions.post_here, viewer_of(ann), task_id)
    assert again == listing_id
    listing = db.get(Listing, listing_id)
    assert listing is not None and listing.owner_id == ann.id and listing.status == "draft"
    assert listing.source == "delegate" and listing.title == "Paint my living room"
    assert "hallway" in listing.description
    assert routes(db, task_id) == [("internal", "", listing_id, None)]


def test_an_amount_written_in_the_task_pre_fills_the_listings_budget(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Paint my living room", "White walls; I can pay £450")
    listing = db.get(Listing, act(decisions.post_here, viewer_of(ann), task_id))
    assert listing is not None and (listing.budget_minor, listing.currency) == (45000, "GBP")


def test_planning_it_as_a_problem_links_the_problem_submitted_from_the_task(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Open a second bakery shop", "Find a place, hire two people")
    act(decisions.plan_as_problem, viewer_of(ann), task_id)
    with session_scope() as s:
        prefill = decisions.problem_prefill(s, viewer=viewer_of(ann), task_id=task_id)
    assert prefill["outcome"] == "Open a second bakery shop\n\nFind a place, hire two people"
    values = {
        "outcome": prefill["outcome"],
        "budget": "3000",
        "currency": "USD",
        "deadline": (menu.utcnow().date() + timedelta(days=60)).isoformat(),
    }
    with session_scope() as s:
        problem_id = decisions.submit_problem(s, viewer=viewer_of(ann), values=values, task_id=task_id)
    assert routes(db, task_id) == [("problem", "", None, problem_id)]
    problem = db.get(Problem, problem_id)
    assert problem is not None and problem.owner_id == ann.id


def test_a_problem_cannot_be_tied_to_someone_elses_task(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id = add_task(ann, "Open a second bakery shop")
    with pytest.raises(NotFound), session_scope() as s:
        decisions.problem_prefill(s, viewer=viewer_of(bob), task_id=task_id)
    values = {"outcome": "Open a second bakery", "budget": "3000", "currency": "USD", "deadline": "2099-01-01"}
    with pytest.raises(NotFound), session_scope() as s:
        decisions.submit_problem(s, viewer=viewer_of(bob), values=values, task_id=task_id)
    assert routes(db, task_id) == [] and db.exec(select(Problem)).all() == []


def test_doing_it_myself_is_recorded_for_the_owner_only(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id = add_task(ann, "Water the plants")
    with pytest.raises(NotFound):
        act(decisions.do_it_myself, viewer_of(bob), task_id)
    act(decisions.do_it_myself, viewer_of(ann), task_id)
    assert routes(db, task_id) == [("self", "", None, None)]


def confirm(owner: User, task_id: int, adapters: Mapping[str, PartnerAdapter], key: str = "gigs") -> object:
    return asyncio.run(
        decisions.confirm_post(
            session_factory=session_scope,
            viewer=viewer_of(owner),
            task_id=task_id,
            partner_key=key,
            adapters=adapters,
            timeout=0.2,
        )
    )


def test_a_confirmed_post_is_created_at_the_partner_and_recorded(db: Session) -> None:
    ann = make_user("ann")
    adapters = api_partners(gigs={})
    task_id = add_task(ann, "Design a logo for my bakery", "Warm colours")
    created = confirm(ann, task_id, adapters)
    gigs = adapters["gigs"]
    assert isinstance(gigs, ApiPartner) and [p.title for p in gigs.posts] == ["Design a logo for my bakery"]
    [decision] = db.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all()
    assert (decision.route, decision.partner_key, decision.external_ref) == ("outside", "gigs", "job-1")
    assert decision.external_url == getattr(created, "url", "") == "https://gigs.example/jobs/1"


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"fail": "Upwork refused the job"}, "Gigs did not take the post (Upwork refused the job). Nothing was posted"),
        (
            {"hang": True},
            "Gigs did not answer in time, so the post may have been made there. Look in your Gigs account",
        ),
    ],
)
def test_a_post_the_partner_fails_records_nothing_and_says_so(
    db: Session, options: dict[str, object], said: str
) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Design a logo for my bakery")
    with pytest.raises(ValidationFailed) as failed:
        confirm(ann, task_id, api_partners(gigs=options))
    assert failed.value.fields["form"].startswith(said)
    assert routes(db, task_id) == []
    confirm(ann, task_id, api_partners(gigs={}))  # and it can be tried again
    assert routes(db, task_id) == [("outside", "gigs", None, None)]


def test_a_partner_without_a_posting_api_or_another_members_task_takes_no_post(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    adapters = api_partners(gigs={})
    task_id = add_task(ann, "Design a logo for my bakery")
    with pytest.raises(NotFound):
        confirm(ann, task_id, adapters, key="handy")
    with pytest.raises(NotFound):
        confirm(bob, task_id, adapters)
    gigs = adapters["gigs"]
    assert isinstance(gigs, ApiPartner) and gigs.asked == [] and routes(db, task_id) == []


def report(owner: User, task_id: int, **values: str) -> object:
    return act(decisions.report_outcome, viewer_of(owner), task_id, values=values)


def test_an_outcome_is_reported_on_the_latest_outside_route_and_replaced_by_a_new_report(db: Session) -> None:
    ann = make_user("ann")
    task_id, built = menu_for(ann, "Assemble IKEA wardrobe")
    [handy] = [o for o in built.options if o.route == "outside"]
    act(decisions.choose_link, viewer_of(ann), task_id, token=handy.token)
    assert report(ann, task_id, done="no", rating="2", comment="Came late") is False
    assert report(ann, task_id, done="yes", rating="4", comment="Done in the end") is False
    db.expire_all()
    [decision] = db.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all()
    assert (decision.outcome, decision.rating, decision.comment) == ("done", 4, "Done in the end")
    assert decision.reported_at is not None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"done": "maybe", "rating": "3", "comment": ""}, "done"),
        ({"done": "yes", "rating": "6", "comment": ""}, "rating"),
        ({"done": "yes", "rating": "0", "comment": ""}, "rating"),
        ({"done": "yes", "rating": "3", "comment": "x" * 1001}, "comment"),
        ({"done": "yes", "rating": "3", "comment": "<script>alert(1)</script>"}, "comment"),
    ],
)
def test_a_bad_report_says_what_is_wrong_and_changes_nothing(db: Session, values: dict[str, str], field: str) -> None:
    ann = make_user("ann")
    task_id, built = menu_for(ann, "Assemble IKEA wardrobe")
    [handy] = [o for o in built.options if o.route == "outside"]
    act(decisions.choose_link, viewer_of(ann), task_id, token=handy.token)
    with pytest.raises(ValidationFailed) as refused:
        report(ann, task_id, **values)
    assert field in refused.value.fields
    db.expire_all()
    [decision] = db.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all()
    assert decision.reported_at is None


def test_only_an_outside_route_can_be_reported_and_only_by_the_owner(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id = add_task(ann, "Water the plants")
    act(decisions.do_it_myself, viewer_of(ann), task_id)
    with pytest.raises(ValidationFailed):
        report(ann, task_id, done="yes", rating="5", comment="")
    with pytest.raises(NotFound):
        report(bob, task_id, done="yes", rating="5", comment="")


def test_bad_reports_suspend_the_partner_by_the_curation_rule(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_MIN_OUTCOMES", "2")
    monkeypatch.setenv("PARTNER_MIN_REPORTERS", "1")
    from jtbd_app.config import get_settings

    get_settings.cache_clear()
    make_user("boss", role="admin")
    ann = make_user("ann")
    suspended = []
    for title in ("Assemble IKEA wardrobe", "Assemble IKEA bed"):
        task_id, built = menu_for(ann, title)
        [handy] = [o for o in built.options if o.route == "outside"]
        act(decisions.choose_link, viewer_of(ann), task_id, token=handy.token)
        suspended.append(report(ann, task_id, done="no", rating="1", comment="Never came"))
    get_settings.cache_clear()
    assert suspended == [False, True]
    db.expire_all()
    partner = db.get(Partner, "handy")
    assert partner is not None and partner.status == "suspended" and partner.suspended_by == "rule"
    assert db.exec(select(Notification)).all()
    _, later = menu_for(ann, "Assemble IKEA desk")
    assert "handy" not in {o.partner_key for o in later.options}


def test_where_the_task_went_is_shown_to_its_owner_newest_first(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id, built = menu_for(ann, "Assemble IKEA wardrobe")
    [pro, *_] = [o for o in built.options if o.route == "outside"]
    listing_id = act(decisions.post_here, viewer_of(ann), task_id)
    act(decisions.choose_link, viewer_of(ann), task_id, token=pro.token)
    report(ann, task_id, done="yes", rating="4", comment="Quick and tidy")
    with session_scope() as s:
        shown = route_view.task_routes(s, viewer=viewer_of(ann), task_id=task_id)
        with pytest.raises(NotFound):
            route_view.task_routes(s, viewer=viewer_of(bob), task_id=task_id)
    assert shown.title == "Assemble IKEA wardrobe" and shown.kind_label == "Local, in-person work"
    assert [(line.route_label, line.partner_name, line.outcome) for line in shown.lines] == [
        ("Hire an outside pro", pro.partner_name, "Done, rated 4 of 5"),
        ("Post it here", "", ""),
    ]
    assert shown.lines[1].link == f"/post?draft={listing_id}"
    with session_scope() as s:
        listing = s.get(Listing, listing_id)
        assert listing is not None
        listing.status = "open"
    with session_scope() as s:
        published = route_view.task_routes(s, viewer=viewer_of(ann), task_id=task_id)
    assert (published.lines[1].link, published.lines[1].link_label) == (f"/listings/{listing_id}", "Open the listing")
    assert shown.can_report and shown.report_partner == pro.partner_name
    assert (shown.reported_done, shown.reported_rating, shown.reported_comment) == ("yes", "4", "Quick and tidy")
