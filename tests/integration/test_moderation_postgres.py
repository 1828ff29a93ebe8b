"""Moderation on PostgreSQL: a hidden listing leaves the full-text search and returns on restore; a hidden review's
stars leave the rating; an item's reports close together under the row locks; one appeal per suspension."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jtbd_app.db import session_scope
from jtbd_app.services.accounts import terms
from tests.unit import test_appeals as appeals_on_sqlite
from tests.unit import test_moderation as on_sqlite

# A fresh database whose tables (and search index) come from metadata.create_all, as in the unit tier.
pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture(autouse=True)
def current_terms(database: str) -> Iterator[None]:
    """Members sign up accepting the current terms, as in the unit tier."""
    with session_scope() as session:
        terms.publish_terms(session, title="Terms", body="Be nice.")
    yield


test_hiding_a_listing_takes_it_out_of_search_and_its_page = (
    on_sqlite.test_hiding_a_listing_takes_it_out_of_search_and_its_page_closes_the_reports_and_tells_everyone
)
test_restoring_a_listing_returns_it_to_its_state_and_to_search = (
    on_sqlite.test_restoring_a_listing_returns_it_to_its_state_and_to_search
)
test_a_hidden_review_leaves_the_profile_and_its_rating = (
    on_sqlite.test_a_hidden_review_leaves_the_profile_its_rating_and_the_contract_of_the_other_party
)
test_the_queue_groups_reports_by_item_oldest_first = (
    on_sqlite.test_the_queue_groups_reports_by_item_oldest_first_with_author_and_strikes
)
test_one_appeal_only = appeals_on_sqlite.test_one_appeal_only_and_the_admins_are_told
test_granting_reinstates_the_member = appeals_on_sqlite.test_granting_reinstates_the_member_and_they_can_bid_again
