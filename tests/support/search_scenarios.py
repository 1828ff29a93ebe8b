"""Listing search behaviours, written once and run on SQLite (unit tier) and on PostgreSQL (integration tier).

Each tier subclasses `ListingSearchContract` and provides a `db` fixture on a database whose tables were
made by `SQLModel.metadata.create_all` (so the search index comes from the same DDL as the migration).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.listing_query import COUNT_CAP, ListingQuery
from jtbd_app.domain.spelling import COMMON_FACTOR
from jtbd_app.models import Listing, Profile, User, utcnow
from jtbd_app.services.marketplace.listing_search import SearchPage, search_listings
from tests.support.database import counted_queries
from tests.support.factories import make_listing

NOW = utcnow()
TODAY = NOW.date()


def member(username: str, *, name: str = "", rating_total: int = 0, rating_count: int = 0) -> User:
    with session_scope() as session:
        user = User(email=f"{username}@example.com", username=username)
        session.add(user)
        session.flush()
        assert user.id is not None
        profile = Profile(
            user_id=user.id,
            display_name=name or username.title(),
            rating_total=rating_total,
            rating_count=rating_count,
        )
        session.add(profile)
        return user


def search(db: Session, **params: str) -> SearchPage:
    return search_listings(db, query=ListingQuery.from_params(params), now=NOW)


def titles(result: SearchPage) -> list[str]:
    return [card.title for card in result.items]


class ListingSearchContract:
    """The behaviours; a subclass named Test... runs them on one database."""

    # -- text and ranking -------------------------------------------------------------------------

    def test_a_title_match_ranks_above_a_description_match(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Fix my website", description="It mentions a logo once.", skills=("html",))
        make_listing(owner, title="Logo for a bakery", description="Round and friendly.", skills=("figma",))
        assert titles(search(db, q="logo")) == ["Logo for a bakery", "Fix my website"]

    def test_a_skill_match_ranks_above_a_description_match(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Help needed", description="Some django work, later.", skills=("css",))
        make_listing(owner, title="Backend help", description="An API.", skills=("django",))
        assert titles(search(db, q="django")) == ["Backend help", "Help needed"]

    def test_every_word_must_match_and_word_forms_match(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Design logos for a cafe", description="Two options.")
        make_listing(owner, title="Design a menu", description="A4, printed.")
        assert titles(search(db, q="logo designing")) == ["Design logos for a cafe"]

    def test_the_last_word_matches_as_a_prefix(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Python scraper", description="Collect prices.", skills=("python",))
        assert titles(search(db, q="pyth")) == ["Python scraper"]

    def test_a_typo_finds_the_listings_meant_and_says_what_was_searched(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Python scraper", description="Collect prices.", skills=("python",))
        make_listing(owner, title="Design a logo for a bakery", description="Round and friendly.", skills=())
        make_listing(owner, title="Kubernetes cluster setup", description="Three nodes.", skills=())
        for typed in ("pyhton", "pythn", "ypthon", "pyrhon", "pythoon"):  # swap, delete, swap, replace, insert
            result = search(db, q=typed)
            assert titles(result) == ["Python scraper"], typed
            assert result.spelling_note == "Showing results for “python”."
        assert titles(search(db, q="desing a logo")) == ["Design a logo for a bakery"]
        assert titles(search(db, q="kubrenetse")) == ["Kubernetes cluster setup"]  # two edits in a long word
        assert titles(search(db, q="pyhton", sort="newest")) == ["Python scraper"]
        exact = search(db, q="python")
        assert titles(exact) == ["Python scraper"] and exact.spelling_note == ""

    def test_short_words_far_words_and_numbers_are_not_corrected(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Fix a sofa for 2024", description="Leg broken.", skills=())
        assert titles(search(db, q="sofe")) == ["Fix a sofa for 2024"]  # four letters: one edit
        assert titles(search(db, q="leg")) == ["Fix a sofa for 2024"]
        assert titles(search(db, q="lag")) == []  # three letters: exact only
        assert titles(search(db, q="sxfe")) == []  # two edits in a short word
        assert titles(search(db, q="2025")) == []

    def test_exact_matches_rank_above_corrected_ones(self, db: Session) -> None:
        owner = member("owner")
        for i in range(COMMON_FACTOR):
            make_listing(owner, title=f"Python job {i}", skills=())
        make_listing(owner, title="Pyhton job with a typo", skills=())
        result = search(db, q="pyhton job")
        assert titles(result)[0] == "Pyhton job with a typo" and result.total == COMMON_FACTOR + 1
        assert result.spelling_note == "Also showing results for “python job”."

    def test_a_listing_with_a_typed_typo_is_found_when_another_word_is_corrected(self, db: Session) -> None:
        owner = member("owner")
        for i in range(COMMON_FACTOR):
            make_listing(owner, title=f"Python tutor {i}", skills=())
        make_listing(owner, title="Pyhton tutor with a typo", skills=())  # the typed word, in one listing
        result = search(db, q="pyhton tutr")  # both words corrected; no listing has both as typed
        assert result.total == COMMON_FACTOR + 1 and "Pyhton tutor with a typo" in titles(result)
        assert result.spelling_note == "Showing results for “python tutor”."

    def test_many_long_unknown_words_cost_a_bounded_number_of_statements(self, db: Session) -> None:
        make_listing(member("owner"), title="Sofa move", skills=())
        typed = " ".join(f"qwzx{letter}" * 3 for letter in "abcdefgh")  # eight 15-letter words nobody wrote
        result, statements = _counting_statements(db, lambda: search(db, q=typed))
        assert result.items == [] and result.spelling_note == ""
        # known words, the last as a prefix, their neighbours, two-edit ranges for at most four words (two prefixes
        # each), the search
        assert statements <= 1 + 1 + 1 + 4 * 2 + 1

    def test_words_of_listings_nobody_may_see_are_never_suggested(self, db: Session) -> None:
        owner = member("owner")
        draft = make_listing(owner, title="Confidential merger", status="draft", skills=())
        make_listing(owner, title="Open sofa move", skills=())
        assert search(db, q="mergre").spelling_note == ""
        with session_scope() as session:
            row = session.get(Listing, draft.id)
            assert row is not None
            row.status = "open"
            session.add(row)
        assert titles(search(db, q="mergre")) == ["Confidential merger"]
        with session_scope() as session:
            row = session.get(Listing, draft.id)
            assert row is not None
            row.status = "hidden"
            session.add(row)
        assert titles(search(db, q="mergre")) == [] and search(db, q="mergre").spelling_note == ""

    def test_stop_words_and_punctuation_alone_search_nothing_and_list_everything(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Paint a fence")
        assert titles(search(db, q="the and of !!!")) == ["Paint a fence"]

    def test_query_syntax_in_the_text_is_searched_as_plain_words(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Near the station: move a sofa", description="Second floor, no lift.")
        hostile = [
            '"',
            '"sofa',
            "sofa*",
            "*",
            "(sofa",
            "sofa)",
            "NEAR(sofa station)",
            "near",
            "-sofa",
            "sofa NOT station",
            "sofa OR piano",
            "title:sofa",
            "^sofa",
            "sofa' OR '1'='1",
            "sofa & station | !lift",
            "sofa:*",
            "\\",
            "sofa\x00",
            "<script>alert(1)</script>",
            "ünïcödé sofa",
        ]
        for text in hostile:
            result = search(db, q=text)  # never a syntax error
            assert result.query.errors == {}
        assert titles(search(db, q="NEAR(sofa station)")) == ["Near the station: move a sofa"]
        assert titles(search(db, q='"sofa')) == ["Near the station: move a sofa"]
        assert titles(search(db, q="sofa OR piano")) == []  # OR is no operator: every word must match

    def test_a_megabyte_of_text_is_cut_with_a_message(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Sofa move")
        result = search(db, q="sofa " + "x" * 1_000_000)
        assert "200 characters" in result.query.errors["q"]
        assert len(result.query.text) <= 200

    # -- visibility -------------------------------------------------------------------------------

    def test_only_open_listings_are_ever_found(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Open sofa move")
        for status in ("draft", "closed", "cancelled", "hidden"):
            make_listing(owner, title=f"{status} sofa move", status=status)
        assert titles(search(db, q="sofa")) == ["Open sofa move"]
        assert titles(search(db)) == ["Open sofa move"]
        assert search(db, q="sofa").total == 1

    def test_the_index_follows_edits_and_deletes(self, db: Session) -> None:
        owner = member("owner")
        listing = make_listing(owner, title="Paint a fence", skills=())
        with session_scope() as session:
            row = session.get(Listing, listing.id)
            assert row is not None
            row.title = "Paint a garage door"
            session.add(row)
        assert titles(search(db, q="garage")) == ["Paint a garage door"]
        assert titles(search(db, q="fence")) == []
        with session_scope() as session:
            session.delete(session.get(Listing, listing.id))
        assert titles(search(db, q="garage")) == []

    # -- filters ----------------------------------------------------------------------------------

    def test_category_filter(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Logo", category="design")
        make_listing(owner, title="Logo script", category="software")
        assert titles(search(db, q="logo", category="design")) == ["Logo"]

    def test_the_category_filter_follows_edits_and_typed_words_never_match_a_category(self, db: Session) -> None:
        """SQLite's text index holds each listing's category to narrow a category filter (models/search_index): the
        filter follows a listing moved to another category, and typed words find what listings say, not what they
        are filed under."""
        owner = member("owner")
        moved = make_listing(owner, title="Brand refresh", description="New colours.", category="design", skills=())
        make_listing(owner, title="Design a logo", description="Vector art.", category="software", skills=())
        make_listing(owner, title="Brand booklet", description="Twelve pages.", category="home-repairs", skills=())
        assert titles(search(db, q="design")) == ["Design a logo"]
        assert titles(search(db, q="home repairs")) == []
        assert titles(search(db, q="brand", category="design")) == ["Brand refresh"]
        with session_scope() as session:
            row = session.get(Listing, moved.id)
            assert row is not None
            row.category = "home-repairs"
            session.add(row)
        assert titles(search(db, q="brand", category="design")) == []
        assert sorted(titles(search(db, q="bran", category="home-repairs"))) == ["Brand booklet", "Brand refresh"]

    def test_a_listing_must_have_every_chosen_skill(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Both", skills=("python", "sql"))
        make_listing(owner, title="Python only", skills=("python",))
        assert titles(search(db, skills="Python, SQL")) == ["Both"]
        assert titles(search(db, skills="python")) == ["Python only", "Both"]
        assert titles(search(db, skills="python,cobol")) == []  # nobody has cobol

    def test_words_and_skills_of_every_shape_find_the_listing(self, db: Session) -> None:
        """With words, the chosen skills also narrow the text index's matches (their names as the skills text has
        them): names with dots, pluses, hashes, slashes, ampersands, hyphens, several words or stop words alone."""
        owner = member("owner")
        names = ("node.js", "c++", "c#", "ui/ux", "r&d", "front-end", "premiere pro", "the who", "3d")
        make_listing(owner, title="Translate the docs", skills=names)
        make_listing(owner, title="Translate a menu", skills=("python",))
        for name in names:
            assert titles(search(db, q="translate", skills=name)) == ["Translate the docs"], name
            assert titles(search(db, q="translat", skills=name)) == ["Translate the docs"], name  # a prefix
            assert titles(search(db, q="tarnslate", skills=name)) == ["Translate the docs"], name  # a typo
        assert titles(search(db, q="translate", skills=", ".join(names[:5]))) == ["Translate the docs"]
        assert titles(search(db, q="translate", skills="python")) == ["Translate a menu"]
        assert titles(search(db, q="translate", skills="premiere")) == []  # the words of a name are not the skill

    def test_budget_range_compares_listings_in_the_chosen_currency(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Cheap", budget_minor=5_000)
        make_listing(owner, title="Middle", budget_minor=50_000)
        make_listing(owner, title="Dear", budget_minor=500_000)
        make_listing(owner, title="Euro middle", budget_minor=50_000, currency="EUR")
        make_listing(owner, title="No budget", budget_minor=None)
        assert titles(search(db, min="100", max="1,000.00")) == ["Middle"]
        assert titles(search(db, min="100", currency="EUR")) == ["Euro middle"]
        assert titles(search(db, max="50", sort="budget_low")) == ["Cheap"]

    def test_remote_or_on_site(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Remote job", remote=True)
        make_listing(owner, title="On site job", remote=False, location="Austin, TX")
        assert titles(search(db, remote="remote")) == ["Remote job"]
        assert titles(search(db, remote="local")) == ["On site job"]
        assert len(search(db, remote="any").items) == 2

    def test_location_is_a_case_insensitive_substring_with_wildcards_taken_literally(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Austin", remote=False, location="Austin, TX")
        make_listing(owner, title="Boston", remote=False, location="Boston, MA")
        make_listing(owner, title="Odd", remote=False, location="50%_off")
        assert titles(search(db, location="austin")) == ["Austin"]
        assert titles(search(db, location="%")) == ["Odd"]
        assert titles(search(db, location="_")) == ["Odd"]

    def test_deadline_window_counts_from_today(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Soon", deadline=TODAY + timedelta(days=5))
        make_listing(owner, title="Later", deadline=TODAY + timedelta(days=20))
        make_listing(owner, title="Past", deadline=TODAY - timedelta(days=1))
        make_listing(owner, title="Open-ended", deadline=None)
        assert titles(search(db, due="7")) == ["Soon"]
        assert set(titles(search(db, due="30"))) == {"Soon", "Later"}
        assert len(search(db).items) == 4

    # -- sorting and paging -----------------------------------------------------------------------

    def test_sorts(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="A", budget_minor=300, deadline=TODAY + timedelta(days=9), published_at=NOW)
        make_listing(
            owner,
            title="B",
            budget_minor=100,
            deadline=TODAY + timedelta(days=3),
            published_at=NOW - timedelta(hours=2),
        )
        make_listing(owner, title="C", budget_minor=None, deadline=None, published_at=NOW - timedelta(hours=1))
        assert titles(search(db, sort="newest")) == ["A", "C", "B"]
        assert titles(search(db)) == ["A", "C", "B"]  # best match without text is newest first
        assert titles(search(db, sort="budget_high")) == ["A", "B", "C"]
        assert titles(search(db, sort="budget_low")) == ["B", "A", "C"]
        assert titles(search(db, sort="deadline")) == ["B", "A", "C"]

    def test_pages_of_twenty(self, db: Session) -> None:
        owner = member("owner")
        _bulk_listings(owner, 45, title="Sofa move")
        first, third = search(db, q="sofa"), search(db, q="sofa", page="3")
        assert (first.total, first.pages, len(first.items), first.more) == (45, 3, 20, False)
        assert (third.page, len(third.items)) == (3, 5)
        seen = {c.id for p in ("1", "2", "3") for c in search(db, q="sofa", page=p).items}
        assert len(seen) == 45
        beyond = search(db, q="sofa", page="9")
        assert beyond.page == 3 and len(beyond.items) == 5

    def test_counting_stops_at_the_cap(self, db: Session) -> None:
        owner = member("owner")
        _bulk_listings(owner, COUNT_CAP + 5, title="Sofa move")
        result = search(db, q="sofa")
        assert (result.total, result.more, result.pages) == (COUNT_CAP, True, COUNT_CAP // 20)
        assert result.total_label == "1,000+ listings"

    # -- bad parameters ---------------------------------------------------------------------------

    def test_bad_parameters_become_field_errors_and_the_search_still_runs(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Sofa move")
        params = {
            "category": "nope",
            "sort": "random()",
            "due": "-1",
            "remote": "maybe",
            "currency": "XYZ",
            "min": "-5",
            "max": "1e400",
            "skills": "<b>",
            "page": "-3",
        }
        result = search(db, **params)
        assert set(result.query.errors) == {"category", "sort", "due", "remote", "currency", "min", "max", "skills"}
        assert titles(result) == ["Sofa move"] and result.page == 1

    def test_a_minimum_above_the_maximum_is_refused(self, db: Session) -> None:
        owner = member("owner")
        make_listing(owner, title="Sofa move", budget_minor=10_000)
        result = search(db, min="500", max="50")
        assert result.query.errors == {"max": "The maximum budget must be at least the minimum."}
        assert titles(result) == ["Sofa move"]

    def test_absurd_budgets_are_refused(self, db: Session) -> None:
        member("owner")
        for value in ("99999999999999999999", "1" + "0" * 19, "NaN", "-0.01"):
            assert "min" in search(db, min=value).query.errors

    # -- cards ------------------------------------------------------------------------------------

    def test_cards_show_what_a_browser_needs(self, db: Session) -> None:
        owner = member("ann", name="Ann Lee", rating_total=9, rating_count=2)
        listing = make_listing(
            owner,
            title="Logo for a bakery",
            description="**Round** and friendly. " + "More words here. " * 30,
            category="design",
            skills=("figma", "branding"),
            budget_minor=45_050,
            currency="EUR",
            deadline=TODAY + timedelta(days=5),
            remote=False,
            location="Lisbon",
            bid_count=3,
            published_at=NOW - timedelta(days=3),
        )
        card = search(db, q="logo").items[0]
        assert (card.id, card.href) == (listing.id, f"/listings/{listing.id}")
        assert card.excerpt.startswith("Round and friendly.") and card.excerpt.endswith("…")
        assert len(card.excerpt) <= 201 and "*" not in card.excerpt
        assert (card.category, card.category_label) == ("design", "Design & creative")
        assert card.skills == ["figma", "branding"]
        assert (card.budget, card.currency) == ("€450.50", "EUR")
        assert (card.deadline, card.due) == ((TODAY + timedelta(days=5)).isoformat(), "Due in 5 days")
        assert (card.remote, card.location, card.bid_count, card.bids) == (False, "Lisbon", 3, "3 bids")
        assert (card.poster_username, card.poster_name, card.poster_rating) == ("ann", "Ann Lee", "4.5 (2)")
        assert card.published == "3 days ago"

    def test_a_member_without_reviews_says_so(self, db: Session) -> None:
        make_listing(member("newbie"), title="Sofa move")
        assert search(db).items[0].poster_rating == "No reviews yet"

    def test_a_page_of_cards_costs_a_fixed_number_of_queries(self, db: Session) -> None:
        for i in range(5):
            _bulk_listings(member(f"owner{i}"), 5, title="Sofa move")
        make_listing(member("skilled"), title="Sofa move", skills=("python",))

        result, statements = _counting_statements(db, lambda: search(db, q="sofa"))
        assert len(result.items) == 20 and len({c.poster_username for c in result.items}) > 1
        assert statements == 3  # the words known, count, the page with its posters

        result, statements = _counting_statements(db, lambda: search(db, q="sofa", skills="python"))
        assert titles(result) == ["Sofa move"] and statements == 4  # and the skill ids


def _counting_statements(db: Session, run: Callable[[], SearchPage]) -> tuple[SearchPage, int]:
    bind = db.get_bind()
    assert isinstance(bind, Engine)
    with counted_queries(bind) as statements:
        return run(), len(statements)


def _bulk_listings(owner: User, count: int, **fields: Any) -> None:
    """Many open listings in one statement (the index triggers fill the search index)."""
    values = {
        "owner_id": owner.id,
        "status": "open",
        "description": "Second floor, no lift.",
        "category": "moving-delivery",
        "skills_text": "",
        "budget_minor": 10_000,
        "currency": "USD",
        "remote": False,
        "location": "Austin",
        "wizard_step": 4,
        "source": "wizard",
        "bid_count": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    rows = [{**values, "published_at": NOW - timedelta(minutes=i)} for i in range(count)]
    with session_scope() as session:
        session.execute(insert(Listing), rows)
        assert session.exec(select(Listing)).first() is not None
