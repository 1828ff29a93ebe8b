"""Admins curate partners: links edited within the partner's hosts, suspend and reinstate with a reason, each audited in
the admin's name; anyone else is refused and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import AuditEntry, Partner
from jtbd_app.services.delegate import partner_admin, partners
from jtbd_app.services.viewer import Viewer
from tests.support.members import make_user
from tests.support.partner_scorecards import described_partners, report_outcomes
from tests.support.viewers import viewer_of

ADAPTERS = described_partners()


@pytest.fixture
def admin() -> Viewer:
    return viewer_of(make_user("boss", role="admin"))


def _links(viewer: Viewer | None, key: str, template: str, params: str = "") -> None:
    with session_scope() as s:
        partner_admin.update_links(
            s, viewer=viewer, key=key, link_template=template, affiliate_params=params, adapters=ADAPTERS
        )


def _suspend(viewer: Viewer | None, key: str = "handy", reason: str = "Complaints about no-shows") -> None:
    with session_scope() as s:
        partner_admin.suspend(s, viewer=viewer, key=key, reason=reason, adapters=ADAPTERS)


def _reinstate(viewer: Viewer | None, key: str = "handy", reason: str = "They fixed their scheduling") -> None:
    with session_scope() as s:
        partner_admin.reinstate(s, viewer=viewer, key=key, reason=reason, adapters=ADAPTERS)


def _audit(db: Session) -> list[tuple[int | None, str, str, str]]:
    rows = db.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    return [(e.actor_id, e.action, e.subject, e.reason) for e in rows]


def _refused(call: object, exc: type[DomainError]) -> DomainError:
    with pytest.raises(exc) as info:
        call()  # type: ignore[operator]
    return info.value


def test_admin_list_shows_every_partner_with_its_scorecard_and_links(db: Session, admin: Viewer) -> None:
    report_outcomes(make_user("member"), "gigs", [4, 5])
    _suspend(admin, "handy")
    with session_scope() as s:
        page = partner_admin.admin_list(s, viewer=admin, adapters=ADAPTERS)
    assert [r.card.key for r in page.rows] == ["shop", "gigs", "handy"] and page.total == 3 and page.pages == 1
    shop, gigs, handy = page.rows
    assert shop.effective_template == "https://www.shop.example/s?k={query}" and shop.link_template == ""
    assert shop.default_affiliate_params == "tag=jtbd-20" and shop.hosts == "shop.example"
    assert gigs.card.rating == "4.5 from 2 ratings" and gigs.card.success == "100%" and gigs.status == "active"
    assert handy.status == "suspended"
    assert handy.suspended_note.startswith("Suspended by an administrator on ")
    assert handy.suspended_note.endswith(": Complaints about no-shows")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_every_admin_use_case_refuses_anyone_else(db: Session, who: str) -> None:
    viewer = None if who == "anonymous" else viewer_of(make_user("member"))
    expected = NotSignedIn if viewer is None else PermissionDenied
    with session_scope() as s:
        partners.register(s, ADAPTERS)
    for call in (
        lambda: _links(viewer, "shop", "https://www.shop.example/x?q={query}"),
        lambda: _suspend(viewer),
        lambda: _reinstate(viewer),
    ):
        _refused(call, expected)
    with session_scope() as s:
        _refused(lambda: partner_admin.admin_list(s, viewer=viewer, adapters=ADAPTERS), expected)
    assert [(p.status, p.link_template) for p in db.exec(select(Partner)).all()] == [("active", "")] * 3
    assert _audit(db) == []


def test_an_admin_sets_a_template_on_the_partners_host_and_it_is_audited(db: Session, admin: Viewer) -> None:
    _links(admin, "shop", "  https://smile.shop.example/s?k={query}&ref=x  ", "tag=ours-21")
    partner = db.get(Partner, "shop")
    assert partner is not None
    assert (partner.link_template, partner.affiliate_params) == (
        "https://smile.shop.example/s?k={query}&ref=x",
        "tag=ours-21",
    )
    with session_scope() as s:
        assert partners.links_by_key(s, ADAPTERS)["shop"].template == partner.link_template
    [entry] = db.exec(select(AuditEntry)).all()
    assert (entry.actor_id, entry.action, entry.subject) == (admin.user_id, "partner.links", "partner:shop")
    assert '"before": {"affiliate_params": "", "link_template": ""}' in entry.detail


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("https://evil.example/s?k={query}", "The link must go to shop.example"),
        ("javascript:alert(1)//shop.example", "The link must start with https://."),
        ("http://www.shop.example/s?k={query}", "The link must start with https://."),
        ("https://shop.example.evil.example/?q={query}", "The link must go to shop.example"),
        ("https://www.shop.example/s?k={password}", "Use only these placeholders"),
    ],
)
def test_a_template_off_the_partners_hosts_is_refused_by_its_field(
    db: Session, admin: Viewer, template: str, message: str
) -> None:
    with session_scope() as s:
        partners.register(s, ADAPTERS)
    error = _refused(lambda: _links(admin, "shop", template), ValidationFailed)
    assert isinstance(error, ValidationFailed) and error.fields["link_template"].startswith(message)
    assert db.get(Partner, "shop").link_template == ""  # type: ignore[union-attr]
    assert _audit(db) == []


def test_bad_affiliate_parameters_are_refused_by_their_field(db: Session, admin: Viewer) -> None:
    error = _refused(lambda: _links(admin, "shop", "", "tag"), ValidationFailed)
    assert isinstance(error, ValidationFailed) and set(error.fields) == {"affiliate_params"}


def test_an_empty_template_goes_back_to_the_adapters_default(db: Session, admin: Viewer) -> None:
    _links(admin, "gigs", "https://gigs.example/find?q={query}")
    _links(admin, "gigs", "")
    with session_scope() as s:
        assert partners.links_by_key(s, ADAPTERS)["gigs"].template == "https://gigs.example/search?q={query}"
    assert [a for _, a, _, _ in _audit(db)] == ["partner.links", "partner.links"]


def test_an_unknown_partner_is_not_found(db: Session, admin: Viewer) -> None:
    _refused(lambda: _suspend(admin, "nobody"), NotFound)
    _refused(lambda: _links(admin, "nobody", ""), NotFound)


def test_suspend_and_reinstate_need_a_reason_and_are_audited(db: Session, admin: Viewer) -> None:
    error = _refused(lambda: _suspend(admin, reason="   "), ValidationFailed)
    assert isinstance(error, ValidationFailed) and set(error.fields) == {"reason"}
    _suspend(admin)
    with session_scope() as s:
        assert [p.key for p in partners.offered(s, ADAPTERS)] == ["shop", "gigs"]
    _refused(lambda: _suspend(admin), ValidationFailed)  # already suspended
    _refused(lambda: _reinstate(admin, reason=""), ValidationFailed)
    _reinstate(admin)
    partner = db.get(Partner, "handy")
    assert partner is not None and partner.status == "active" and partner.suspended_reason == ""
    assert _audit(db) == [
        (admin.user_id, "partner.suspend", "partner:handy", "Complaints about no-shows"),
        (admin.user_id, "partner.reinstate", "partner:handy", "They fixed their scheduling"),
    ]
    _refused(lambda: _reinstate(admin), ValidationFailed)  # no longer suspended


def test_a_reason_with_html_is_refused(db: Session, admin: Viewer) -> None:
    error = _refused(lambda: _suspend(admin, reason="<script>alert(1)</script>"), ValidationFailed)
    assert isinstance(error, ValidationFailed) and "plain text" in error.fields["reason"]


def test_a_saved_template_that_no_longer_passes_shows_the_default_in_use(db: Session, admin: Viewer) -> None:
    _links(admin, "gigs", "https://gigs.example/find?q={query}")
    moved = described_partners()
    moved["gigs"].hosts = ("gigs.example.org",)
    moved["gigs"].default_template = "https://gigs.example.org/search?q={query}"
    with session_scope() as s:
        row = next(r for r in partner_admin.admin_list(s, viewer=admin, adapters=moved).rows if r.card.key == "gigs")
    assert row.link_template == "https://gigs.example/find?q={query}"
    assert (
        row.effective_template == "https://gigs.example.org/search?q={query}"
        and "no longer passes" in row.template_note
    )
