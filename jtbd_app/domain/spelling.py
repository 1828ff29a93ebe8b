"""Forgiving search words: which typed words may be corrected, their one-edit neighbours, and edit distances.

A typed word is corrected to words of the listings' vocabulary within one edit (words of 4-7 letters) or two
(8 letters and more); an edit is an insertion, a deletion, a substitution or a swap of two neighbours, so
"pyhton" is one edit from "python". Shorter words and numbers are never corrected (too many words are near them), nor words over 20 letters.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

MIN_CORRECTED_LEN = 4
MAX_CORRECTED_LEN = 20  # beyond any common word; keeps the neighbours of a pasted string from costing much
MAX_CORRECTED_WORDS = 4  # words looked up again in one search (each has a few hundred neighbours)
TWO_EDITS_LEN = 8
MAX_CORRECTIONS = 3  # words searched in place of one typed word
# A known word is still corrected when it is this rare and a neighbour is far more common (a typo in a listing).
RARE_LISTINGS = 2
COMMON_FACTOR = 10
_LETTERS = string.ascii_lowercase + string.digits


def max_edits(word: str) -> int:
    """How many edits a typed word may be away from the word meant."""
    if not MIN_CORRECTED_LEN <= len(word) <= MAX_CORRECTED_LEN or word.isdigit():
        return 0
    return 2 if len(word) >= TWO_EDITS_LEN else 1


def single_edits(word: str) -> set[str]:
    """Every word one edit away (Norvig's edits1 plus swaps), over ASCII letters, digits and the word's own letters."""
    letters = set(_LETTERS) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits and neighbour swaps), or limit + 1 once it must exceed the limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def two_edit_prefixes(word: str) -> list[str]:
    """Prefixes under which words two edits away are looked for: the first two letters as typed or swapped.

    Words with a single edit are all found by `single_edits`; two edits are looked for among words that keep the
    first two letters (or swap them), which keeps the lookup to a small part of the vocabulary."""
    return sorted({word[:2], word[1] + word[0]})


@dataclass(frozen=True)
class Correction:
    typed: str
    words: tuple[str, ...]  # vocabulary words searched in its place, best first
    typed_listings: int = 0  # open listings with the typed word itself (a typo in a listing, at most RARE_LISTINGS)

    def group(self) -> tuple[str, ...]:
        """The words that stand for the typed one in a search of the corrected words: its corrections, and the typed
        word too when some listing has it, so that listing is found through it."""
        return (*self.words, self.typed) if self.typed_listings else self.words


def best_words(typed: str, candidates: Iterable[tuple[str, int]], *, known_listings: int = 0) -> tuple[str, ...]:
    """The candidates (word, listings it is in) nearest the typed word, most common first, at most MAX_CORRECTIONS.

    A typed word found in `known_listings` listings only takes neighbours at least COMMON_FACTOR times as common."""
    limit = max_edits(typed)
    scored: list[tuple[int, int, str]] = []
    for word, listings in candidates:
        if word == typed or listings <= 0 or (known_listings and listings < known_listings * COMMON_FACTOR):
            continue
        distance = edit_distance(typed, word, limit)
        if distance <= limit:
            scored.append((distance, -listings, word))
    if not scored:
        return ()
    nearest = min(distance for distance, _, _ in scored)
    return tuple(word for distance, _, word in sorted(scored) if distance == nearest)[:MAX_CORRECTIONS]


def corrected_text(terms: list[str], corrections: dict[str, Correction]) -> str:
    """The search as it was run, for "Showing results for ...": each corrected word replaced by its best word."""
    return " ".join(corrections[t].words[0] if t in corrections else t for t in terms)
