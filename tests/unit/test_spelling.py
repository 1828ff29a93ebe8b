"""Which typed words are corrected, to what, and how far a correction may be (domain/spelling.py)."""

from __future__ import annotations

from jtbd_app.domain.search_text import fts5_match, pg_tsquery
from jtbd_app.domain.spelling import (
    Correction,
    best_words,
    corrected_text,
    edit_distance,
    max_edits,
    single_edits,
    two_edit_prefixes,
)


def test_short_words_and_numbers_are_never_corrected_and_long_words_may_be_two_edits_away() -> None:
    words = ("seo", "logo", "python", "designer", "kubernetes", "20245", "x" * 21)
    assert [max_edits(w) for w in words] == [0, 1, 1, 2, 2, 0, 0]


def test_single_edits_cover_swaps_deletes_replacements_and_insertions() -> None:
    edits = single_edits("pyhton")
    assert {"python", "pyhon", "pyhtn", "pyhtonn", "pxhton"} <= edits
    assert "pyhton" not in edits and "nohtyp" not in edits


def test_edit_distance_counts_a_swap_as_one_edit_and_stops_at_the_limit() -> None:
    assert edit_distance("pyhton", "python", 2) == 1
    assert edit_distance("kubrenetse", "kubernetes", 2) == 2
    assert edit_distance("logo", "lego", 1) == 1
    assert edit_distance("abc", "xyzabc", 2) == 3  # lengths alone rule it out
    assert edit_distance("python", "pascal", 2) == 3


def test_two_edit_prefixes_keep_or_swap_the_first_two_letters() -> None:
    assert two_edit_prefixes("kubrenetse") == ["ku", "uk"]


def test_the_nearest_then_most_common_words_are_chosen() -> None:
    candidates = [("python", 40), ("pythons", 2), ("pylon", 90), ("pyhton", 3)]
    assert best_words("pyhton", candidates) == ("python",)
    assert best_words("desing", [("design", 5), ("dosing", 9), ("desire", 50)]) == ("dosing", "design")
    assert best_words("xyzzy", candidates) == ()


def test_a_known_rare_word_takes_only_far_more_common_neighbours() -> None:
    assert best_words("pyhton", [("python", 9)], known_listings=1) == ()
    assert best_words("pyhton", [("python", 10)], known_listings=1) == ("python",)


def test_the_corrected_text_and_the_queries_with_alternatives() -> None:
    corrections = {"desing": Correction("desing", ("design", "dosing"))}
    assert corrected_text(["desing", "logo"], corrections) == "design logo"
    alternatives = {"desing": ("design",)}
    assert fts5_match(["desing", "logo"], alternatives) == '("desing" OR "design") AND "logo"*'
    assert fts5_match(["logo", "desing"], alternatives) == '"logo" AND ("desing"* OR "design")'
    assert pg_tsquery(["desing", "logo"], alternatives) == "('desing' | 'design') & 'logo':*"
    assert fts5_match(['"x"', "desing"], {"desing": ('"y"',)}) == '"""x""" AND ("desing"* OR """y""")'
