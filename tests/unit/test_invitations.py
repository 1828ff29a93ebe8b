"""Invitations to bid: only the owner of an open listing invites, once per member, and only the right people see them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Bid, Invitation, Notification
from jtbd_app.services.marketplace import invitations
from jtbd_app.services.viewer import Viewer
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.viewers import signed_in_viewer


@pytest.fixture
def people(db: Session) -> dict[str, Any]:
    """A client with an open listing, a contractor, and a bystander."""
    client = make_user("cleo")
    listing = make_listing(client, title="Fix my website")
    contractor = make_user("carl")
    bystander = make_user("bea")
    return {
        "client": signed_in_viewer(client, db),
        "listing": listing.id,
        "contractor_user": contractor,
        "contractor": signed_in_viewer(contractor, db),
        "bystander": signed_in_viewer(bystander, db),
        "client_user": client,
    }


def stored(db: Session) -> tuple[list[Invitation], list[Notification]]:
    db.expire_all()
    return list(db.exec(select(Invitation)).all()), list(db.exec(select(Notification)).all())


def test_owner_invites_a_member_who_is_told_in_app(db: Session, people: dict[str, Any]) -> None:
    invitations.invite(
        db, viewer=people["client"], listing_id=people["listing"], contractor_username="CARL", message="You'd be great."
    )
    db.commit()

    [invitation], [note] = stored(db)
    assert invitation.contractor_id == people["contractor_user"].id and invitation.message == "You'd be great."
    assert note.user_id == people["contractor_user"].id and note.kind == "invitation"
    assert note.title == "Cleo invited you to bid on Fix my website"
    assert note.link == f"/listings/{people['listing']}"


def test_a_listing_id_typed_as_text_is_accepted(db: Session, people: dict[str, Any]) -> None:
    invitations.invite(db, viewer=people["client"], listing_id=str(people["listing"]), contractor_username="carl")
    assert len(stored(db)[0]) == 1


def test_inviting_the_same_member_twice_says_already_invited(db: Session, people: dict[str, Any]) -> None:
    invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="carl")
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="carl")
    assert refused.value.fields["form"].startswith("Already invited")
    assert [len(rows) for rows in stored(db)] == [1, 1]


def test_only_the_owner_may_invite(db: Session, people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        invitations.invite(db, viewer=people["bystander"], listing_id=people["listing"], contractor_username="carl")
    with pytest.raises(NotSignedIn):
        invitations.invite(db, viewer=None, listing_id=people["listing"], contractor_username="carl")
    assert stored(db) == ([], [])


def test_a_suspended_owner_cannot_invite(db: Session, people: dict[str, Any]) -> None:
    suspended = Viewer(**{**people["client"].__dict__, "status": "suspended"})
    with pytest.raises(PermissionDenied):
        invitations.invite(db, viewer=suspended, listing_id=people["listing"], contractor_username="carl")
    assert stored(db) == ([], [])


@pytest.mark.parametrize("status", ["draft", "closed", "cancelled", "hidden"])
def test_only_an_open_listing_takes_invitations(db: Session, people: dict[str, Any], status: str) -> None:
    listing = make_listing(people["client_user"], status=status)
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, viewer=people["client"], listing_id=listing.id, contractor_username="carl")
    assert refused.value.fields == {"listing_id": "Only an open listing takes invitations."}
    assert stored(db) == ([], [])


def test_nobody_invites_themselves(db: Session, people: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="cleo")
    assert "yourself" in refused.value.fields["form"]
    assert stored(db) == ([], [])


def test_a_suspended_member_cannot_be_invited(db: Session, people: dict[str, Any]) -> None:
    make_user("sus", status="suspended")
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="sus")
    assert "suspended" in refused.value.fields["form"]
    assert stored(db) == ([], [])


@pytest.mark.parametrize("username", ["nobody", "", None, 42, "x" * 10_000, "carl' OR '1'='1"])
def test_an_unknown_member_is_not_found(db: Session, people: dict[str, Any], username: object) -> None:
    with pytest.raises(NotFound):
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username=username)
    assert stored(db) == ([], [])


@pytest.mark.parametrize("listing_id", [None, "abc", -1, 0, True, 3.5, [1], {"id": 1}, "9" * 40, 99_999])
def test_a_bad_or_unknown_listing_id_is_refused_on_the_listing_field(
    db: Session, people: dict[str, Any], listing_id: object
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(db, viewer=people["client"], listing_id=listing_id, contractor_username="carl")
    assert refused.value.fields == {"listing_id": "Choose one of your open listings."}
    assert stored(db) == ([], [])


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("x" * 1001, "at most 1000 characters"),
        ("x" * 1_000_000, "at most 1000 characters"),
        ("<script>alert(1)</script>", "HTML is not allowed"),
        ("Hi <b>there</b>", "HTML is not allowed"),
        ("<!-- hidden -->", "HTML is not allowed"),
        (42, "must be text"),
        (["a"], "must be text"),
    ],
)
def test_a_bad_message_is_refused_on_the_message_field(
    db: Session, people: dict[str, Any], message: object, error: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        invitations.invite(
            db, viewer=people["client"], listing_id=people["listing"], contractor_username="carl", message=message
        )
    assert error in refused.value.fields["message"]
    assert stored(db) == ([], [])


def test_a_plain_message_may_compare_numbers_and_is_trimmed(db: Session, people: dict[str, Any]) -> None:
    invitations.invite(
        db,
        viewer=people["client"],
        listing_id=people["listing"],
        contractor_username="carl",
        message="  Budget 5 < 6 days\x00 \n",
    )
    assert stored(db)[0][0].message == "Budget 5 < 6 days"


def test_invitable_listings_are_the_viewers_own_open_ones(db: Session, people: dict[str, Any]) -> None:
    make_listing(people["client_user"], title="A draft", status="draft")
    second = make_listing(people["client_user"], title="Second open")
    make_listing(people["contractor_user"], title="Not mine")

    assert invitations.invitable_listings(db, viewer=people["client"]) == [
        (second.id, "Second open"),
        (people["listing"], "Fix my website"),
    ]
    assert invitations.invitable_listings(db, viewer=people["bystander"]) == []
    with pytest.raises(NotSignedIn):
        invitations.invitable_listings(db, viewer=None)


def test_owner_sees_every_invitation_and_who_has_bid(db: Session, people: dict[str, Any]) -> None:
    make_user("dora")
    for name in ("carl", "dora"):
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username=name)
    db.add(
        Bid(
            listing_id=people["listing"],
            bidder_id=people["contractor_user"].id,
            amount_minor=100,
            currency="USD",
            delivery_days=3,
        )
    )
    db.commit()

    seen = invitations.invitations_for_listing(db, viewer=people["client"], listing_id=people["listing"])

    assert {(i.contractor_username, i.contractor_name, i.has_bid) for i in seen} == {
        ("carl", "Carl", True),
        ("dora", "Dora", False),
    }
    assert all(i.invited_at for i in seen)


def test_a_withdrawn_bid_does_not_count_as_having_bid(db: Session, people: dict[str, Any]) -> None:
    invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="carl")
    bidder = people["contractor_user"].id
    db.add(Bid(listing_id=people["listing"], bidder_id=bidder, amount_minor=1, currency="USD", delivery_days=1))
    db.commit()
    bid = db.exec(select(Bid)).one()
    bid.status = "withdrawn"
    db.add(bid)
    db.commit()

    [seen] = invitations.invitations_for_listing(db, viewer=people["client"], listing_id=people["listing"])
    assert not seen.has_bid


def test_an_invited_member_sees_only_their_own_invitation_and_others_see_none(
    db: Session, people: dict[str, Any]
) -> None:
    make_user("dora")
    for name in ("carl", "dora"):
        invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username=name)
    db.commit()

    def seen_by(viewer: Viewer | None, listing_id: object = people["listing"]) -> list[str]:
        rows = invitations.invitations_for_listing(db, viewer=viewer, listing_id=listing_id)
        return [i.contractor_username for i in rows]

    assert seen_by(people["contractor"]) == ["carl"]
    assert seen_by(people["bystander"]) == []
    assert seen_by(None) == []
    assert seen_by(people["client"], "nonsense") == [] and seen_by(people["client"], 99_999) == []


def test_my_invitations_list_the_contractors_own_newest_first(db: Session, people: dict[str, Any]) -> None:
    other = make_listing(people["client_user"], title="Second job")
    invitations.invite(db, viewer=people["client"], listing_id=people["listing"], contractor_username="carl")
    invitations.invite(db, viewer=people["client"], listing_id=other.id, contractor_username="carl", message="Hi")
    invitations.invite(db, viewer=people["client"], listing_id=other.id, contractor_username="bea")
    db.commit()

    mine = invitations.my_invitations(db, viewer=people["contractor"])

    assert [(m.listing_id, m.listing_title, m.client_username, m.client_name) for m in mine] == [
        (other.id, "Second job", "cleo", "Cleo"),
        (people["listing"], "Fix my website", "cleo", "Cleo"),
    ]
    assert mine[0].message == "Hi" and mine[0].listing_open
    assert invitations.my_invitations(db, viewer=people["client"]) == []
    with pytest.raises(NotSignedIn):
        invitations.my_invitations(db, viewer=None)
