"""The pure rules of checking a delivery against a micro-task's criteria: the checklist's items, the automatic check
each kind of evidence allows, strict reported numbers, and which verdict counts."""

from __future__ import annotations

import pytest

from jtbd_app.domain import verification as rules
from jtbd_app.domain.verification import Judgement, LinkAnswer, Verdict

PNG = ("shop-front.png", "image/png")
PDF = ("report.pdf", "application/pdf")


def test_the_checklist_lists_the_evidence_first_then_each_criterion_line() -> None:
    items = rules.checklist_items("At least 10,000 sessions\n\n  Traffic is organic  \n", "number", "GA report", 10000)

    assert items == ["Evidence: GA report (at least 10,000)", "At least 10,000 sessions", "Traffic is organic"]


def test_a_link_that_answers_2xx_passes_the_evidence() -> None:
    links = ["https://bakery.example/blog"]

    verdict = rules.link_check(links, [LinkAnswer(links[0], True, 200, "")])

    assert verdict == Verdict("passed", "https://bakery.example/blog answered HTTP 200.")


def test_no_link_delivered_fails_link_evidence() -> None:
    assert rules.link_check([], []).outcome == "failed"


def test_a_broken_link_fails_even_when_another_works() -> None:
    answers = [LinkAnswer("https://a.example", True, 200, ""), LinkAnswer("https://b.example", False, 404, "Not Found")]

    verdict = rules.link_check(["https://a.example", "https://b.example"], answers)

    assert verdict.outcome == "failed" and "https://b.example answered HTTP 404" in verdict.reason


def test_a_link_that_could_not_be_checked_is_unknown_not_failed() -> None:
    url = "http://10.0.0.5/report"
    answer = LinkAnswer(url, False, None, "10.0.0.5 points to a private or local address, which is never fetched")

    verdict = rules.link_check([url], [answer])

    assert verdict.outcome == "unknown" and "private" in verdict.reason


def test_a_photo_needs_an_image_file() -> None:
    assert rules.file_check("photo", "A photo of the new sign", [PDF]).outcome == "failed"
    assert rules.file_check("photo", "A photo of the new sign", [PDF, PNG]).outcome == "passed"


def test_a_file_named_by_kind_in_the_evidence_must_be_that_kind() -> None:
    assert rules.file_check("file", "The audit as a PDF report", [PNG]).outcome == "failed"
    assert rules.file_check("file", "The audit as a PDF report", [PNG, PDF]) == Verdict(
        "passed", "report.pdf is attached (PDF)."
    )


def test_any_accepted_file_proves_a_file_evidence_that_names_no_kind() -> None:
    assert rules.file_check("file", "The finished translation", [PNG]).outcome == "passed"


def test_no_file_fails_file_evidence() -> None:
    assert rules.file_check("file", "The finished translation", []) == Verdict("failed", "No file was attached.")


@pytest.mark.parametrize(("typed", "number"), [("10000", 10000), ("10,000", 10000), (" 7 ", 7), ("", None)])
def test_a_reported_number_is_a_whole_number_optionally_grouped(typed: str, number: int | None) -> None:
    assert rules.parse_reported_number(typed) == number


@pytest.mark.parametrize("typed", ["10k", "9.5", "-3", "1,00", "about 9000", "\uff11\uff12", "1e5", "10 000", "9" * 17])
def test_anything_but_a_whole_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_reported_number(typed)


def test_a_number_meets_its_threshold_only_at_or_above_it() -> None:
    assert rules.number_check(10_000, 10_000).outcome == "passed"
    assert rules.number_check(9_999, 10_000) == Verdict("failed", "Reported 9,999, below the 10,000 asked for.")
    assert rules.number_check(None, 10_000).outcome == "failed"


def test_number_evidence_is_checked_by_the_number_whatever_the_links() -> None:
    verdict = rules.evidence_check("number", "Sessions in GA", 500, links=[], link_answers=[], files=[], reported=800)

    assert verdict.outcome == "passed"


def test_the_clients_verdict_wins_over_every_machine() -> None:
    judgements = [
        Judgement(1, "model", "failed", "The text does not mention it."),
        Judgement(1, "client", "passed", "Approved."),
    ]

    decided = rules.final(judgements)

    assert decided is not None and (decided.method, decided.outcome) == ("client", "passed")


def test_a_machine_that_knew_wins_over_one_that_did_not() -> None:
    judgements = [Judgement(0, "automatic", "unknown", "unreachable"), Judgement(0, "model", "passed", "shown")]

    decided = rules.final(judgements)

    assert decided is not None and decided.method == "model"


def test_the_pass_rate_rounds_down_so_it_never_claims_all_when_one_failed() -> None:
    assert rules.pass_rate_label(39, 40) == "Met 97% of acceptance criteria (40 checked)"
    assert rules.pass_rate_label(0, 0) == ""
