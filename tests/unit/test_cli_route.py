"""`python -m jtbd_app.cli route`: the Delegate menu for a task, as JSON or text, for operators and scripts; only the
partners the database says are active; bad arguments exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from jtbd_app import bootstrap, cli
from jtbd_app.config import PROJECT_ROOT, get_settings
from jtbd_app.domain.task_routing import Classification
from jtbd_app.models.delegate import Partner
from jtbd_app.services.ports import ClassifierFailed

OPTION_FIELDS = {"route", "partner", "reason", "url"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["route", *args])
    out, err = capsys.readouterr()
    return code, out, err


def menu(capsys: pytest.CaptureFixture[str], text: str) -> dict[str, Any]:
    code, out, _ = run(capsys, "--json", text)
    assert code == 0
    answer: dict[str, Any] = json.loads(out)
    assert set(answer) == {"kind", "options"}
    assert all(set(option) == OPTION_FIELDS for option in answer["options"])
    return answer


def routes(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["route"], o["partner"]) for o in answer["options"]]


def test_a_product_task_offers_buy_links_first_with_direct_partner_urls(capsys: pytest.CaptureFixture[str]) -> None:
    answer = menu(capsys, "Buy lightbulbs")

    assert answer["kind"] == "product"
    assert routes(answer) == [("buy", "amazon"), ("buy", "instacart"), ("internal", ""), ("problem", ""), ("self", "")]
    amazon = answer["options"][0]
    assert urlsplit(amazon["url"]).hostname == "www.amazon.com" and "lightbulbs" in amazon["url"]
    assert amazon["reason"] == "Search Amazon for lightbulbs"
    assert answer["options"][-1] == {"route": "self", "partner": "", "reason": "No one else needed", "url": ""}


def test_a_digital_task_offers_the_wizard_pre_filled_and_digital_pros(capsys: pytest.CaptureFixture[str]) -> None:
    answer = menu(capsys, "Design a logo for my bakery")

    assert answer["kind"] == "digital"
    assert routes(answer) == [("internal", ""), ("outside", "fiverr"), ("outside", "upwork"), ("problem", ""),
                              ("self", "")]  # fmt: skip
    post = urlsplit(answer["options"][0]["url"])
    app = urlsplit(get_settings().app_url)
    assert (post.scheme, post.netloc, post.path) == (app.scheme, app.netloc, "/post")
    assert parse_qs(post.query) == {"title": ["Design a logo for my bakery"], "category": ["design"],
                                    "description": ["Design a logo for my bakery"], "source": ["delegate"]}  # fmt: skip
    assert urlsplit(answer["options"][1]["url"]).hostname == "www.fiverr.com"
    assert answer["options"][3]["url"] == get_settings().app_url.rstrip("/") + "/problems/new"


def test_a_local_task_offers_local_pros_and_no_buy_route(capsys: pytest.CaptureFixture[str]) -> None:
    answer = menu(capsys, "Assemble IKEA wardrobe")

    assert answer["kind"] == "local"
    assert [p for r, p in routes(answer) if r == "outside"] == ["taskrabbit", "thumbtack", "angi"]
    assert all(r != "buy" for r, _ in routes(answer))
    assert "ikea" in answer["options"][1]["url"].lower()


def test_a_problem_is_planned_first(capsys: pytest.CaptureFixture[str]) -> None:
    answer = menu(capsys, "Launch my online store")
    assert answer["kind"] == "problem"
    assert routes(answer) == [("problem", ""), ("internal", ""), ("self", "")]


def test_a_suspended_partner_is_not_offered(capsys: pytest.CaptureFixture[str], db: Session) -> None:
    db.add(Partner(key="amazon", name="Amazon", kind="product", status="suspended", suspended_by="admin"))
    db.commit()

    answer = menu(capsys, "Buy lightbulbs")

    assert [p for r, p in routes(answer) if r == "buy"] == ["instacart"]


def test_the_admins_affiliate_parameters_are_in_the_link(capsys: pytest.CaptureFixture[str], db: Session) -> None:
    db.add(Partner(key="amazon", name="Amazon", kind="product", affiliate_params="tag=jtbdtest-20"))
    db.commit()

    amazon = next(o for o in menu(capsys, "Buy lightbulbs")["options"] if o["partner"] == "amazon")

    assert parse_qs(urlsplit(amazon["url"]).query)["tag"] == ["jtbdtest-20"]


def test_without_a_readable_database_every_partner_is_offered_with_a_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextmanager
    def unreachable() -> Iterator[Session]:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield  # pragma: no cover

    monkeypatch.setattr(cli, "session_scope", unreachable)

    code, out, err = run(capsys, "--json", "Buy lightbulbs")

    assert code == 0 and routes(json.loads(out))[0] == ("buy", "amazon")
    assert "suspended partners could not be left out" in err


class ScriptedClassifier:
    """A stand-in for a model server behind the TaskClassifier port: answers or fails."""

    name = "scripted"

    def __init__(self, answer: Classification | None) -> None:
        self.answer = answer
        self.asked: list[str] = []

    async def classify(self, title: str, notes: str = "") -> Classification:
        self.asked.append(title)
        if self.answer is None:
            raise ClassifierFailed("The task classifier did not answer in time.")
        return self.answer


def test_a_configured_model_classifies_the_task(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ScriptedClassifier(Classification("local", "cleaning", "bakery cleaning", 0.9, "A model said so"))
    monkeypatch.setattr(bootstrap, "task_classifier", lambda settings: model)

    code, out, err = run(capsys, "--json", "Make my bakery shine")

    assert code == 0 and err == "" and model.asked == ["Make my bakery shine"]
    assert json.loads(out)["kind"] == "local"


def test_a_failing_model_gives_way_to_the_offline_rules_with_a_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bootstrap, "task_classifier", lambda settings: ScriptedClassifier(None))

    code, out, err = run(capsys, "--json", "Buy lightbulbs")

    assert code == 0 and json.loads(out)["kind"] == "product"
    assert "did not answer in time. The offline rules classified the task." in err


def test_without_json_a_readable_menu_with_labels_reasons_and_urls(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "Assemble", "IKEA", "wardrobe")

    lines = out.splitlines()
    assert code == 0 and lines[0] == "Kind: local"
    assert lines[1] == "1. Post it here: Pros on this marketplace bid, and you pay through escrow"
    assert "2. Hire an outside pro (taskrabbit): Independent furniture assembly pros on TaskRabbit" in out
    assert lines[-1] == "6. Do it myself: No one else needed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "describe the task"),
        (["--json"], "describe the task"),
        (["--json", "   "], "describe the task"),
        (["--json", "x" * 2001], "too long; at most 2000 characters"),
        (["--json", "Buy", "y" * 2000], "too long; at most 2000 characters"),
        (["--json", "<script>alert(1)</script> buy milk"], "cannot contain HTML"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err and err.startswith("route: ")


def test_an_unknown_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["route", "--jsn", "Buy lightbulbs"])
    assert exited.value.code == 2 and "--jsn" in capsys.readouterr().err


def test_text_of_exactly_the_limit_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "Buy " + "milk " * 399)
    assert code == 0 and json.loads(out)["kind"] == "product"


def test_the_command_runs_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jtbd_app.cli", "route", "--json", "Buy lightbulbs"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["options"][0]["route"] == "buy"
