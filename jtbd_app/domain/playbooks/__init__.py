"""The offline decomposer's library: one playbook per common kind of problem, chosen by how well its keywords
match the problem's words."""

from __future__ import annotations

from jtbd_app.domain.playbooks.facts import extract, stem
from jtbd_app.domain.playbooks.growth import CONTENT, DESIGN, SOFTWARE, TRAFFIC
from jtbd_app.domain.playbooks.life import EVENTS, HOME, MOVING, RESEARCH
from jtbd_app.domain.playbooks.model import Playbook, index, score, tokens
from jtbd_app.domain.playbooks.work import ADMIN, GENERAL, HIRING, LEARNING, TRANSLATION

PLAYBOOKS: tuple[Playbook, ...] = (
    TRAFFIC, CONTENT, SOFTWARE, DESIGN, RESEARCH, EVENTS, HOME, MOVING, ADMIN, LEARNING, TRANSLATION, HIRING,
)  # fmt: skip
index(PLAYBOOKS)
MIN_SCORE = 1.5  # below this, no playbook really fits and the general one is used


def ranked(text: str) -> list[tuple[float, Playbook]]:
    """Every playbook with its score for `text`, best first (ties in library order, so the choice is stable)."""
    words = tokens(text)
    low = " ".join(text.lower().split())
    counted = {stem(q.noun) for q in extract(text).quantities}
    scores = [(score(pb, words, low, counted), pb) for pb in PLAYBOOKS]
    return sorted(scores, key=lambda pair: -pair[0])


def choose(text: str) -> Playbook:
    """The playbook that fits `text` best, or the general one when none fits."""
    best, pb = ranked(text)[0]
    return pb if best >= MIN_SCORE else GENERAL


__all__ = ["GENERAL", "PLAYBOOKS", "Playbook", "choose", "ranked"]
