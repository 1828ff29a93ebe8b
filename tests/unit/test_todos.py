"""The to-do list: every bad field gets its own message and changes nothing; only the owner sees or changes a task; a
deleted task leaves the list and loses its words, but its routing decisions stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import RoutingDecision, TodoTask, User
from jtbd_app.services import live
from jtbd_app.services.delegate import todos
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def _add(owner: User, **values: object) -> int:
    with session_scope() as session:
        return todos.add_task(session, viewer=viewer_of(owner), values={"title": "Buy lightbulbs", **values})


def _task(db: Session, task_id: int) -> TodoTask:
    task = db.get(TodoTask, task_id)
    assert task is not None
    db.refresh(task)
    return task


def _count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(TodoTask)).one()


def _in(days: int) -> str:
    return (todos.today() + timedelta(days=days)).isoformat()


def test_a_member_adds_a_task_with_notes_and_a_due_date(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, title="  Buy   lightbulbs ", notes="E27, warm white", due_on=_in(3))
    task = _task(db, task_id)
    assert (task.owner_id, task.title, task.notes, task.due_on) == (
        carol.id,
        "Buy lightbulbs",
        "E27, warm white",
        todos.today() + timedelta(days=3),
    )
    assert not task.done and task.deleted_at is None


def test_a_task_needs_no_due_date_or_notes(db: Session) -> None:
    task = _task(db, _add(make_user("carol")))
    assert task.due_on is None and task.notes == ""


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "   "}, "title", "required"),
        ({"title": None}, "title", "required"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"title": "Buy <script>alert(1)</script>"}, "title", "HTML"),
        ({"title": "<img src=x onerror=alert(1)>"}, "title", "HTML"),
        ({"notes": "y" * 2001}, "notes", "at most 2000"),
        ({"notes": "<b>bold</b>"}, "notes", "HTML"),
        ({"due_on": "soon"}, "due_on", "date such as"),
        ({"due_on": "2027-02-30"}, "due_on", "date such as"),
        ({"due_on": ["2027-01-01"]}, "due_on", None),
        ({"due_on": "2020-01-01"}, "due_on", "in the past"),
        ({"due_on": "2099-01-01"}, "due_on", "five years"),
    ],
)
def test_a_bad_field_gets_a_message_by_it_and_stores_nothing(
    db: Session, values: dict[str, object], field: str, says: str | None
) -> None:
    carol = make_user("carol")
    if says is None:  # not a string: no due date at all, the task is stored
        assert _task(db, _add(carol, **values)).due_on is None
        return
    with pytest.raises(ValidationFailed) as refused:
        _add(carol, **values)
    assert says in refused.value.fields[field]
    assert _count(db) == 0


def test_every_bad_field_is_reported_at_once(db: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _add(make_user("carol"), title="", notes="<i>x</i>", due_on="nope")
    assert set(refused.value.fields) == {"title", "notes", "due_on"}


def test_plain_less_than_signs_are_not_html(db: Session) -> None:
    assert _task(db, _add(make_user("carol"), title="Spend < 20 on bulbs")).title == "Spend < 20 on bulbs"


def test_a_due_date_of_today_and_five_years_on_are_allowed(db: Session) -> None:
    carol = make_user("carol")
    assert _task(db, _add(carol, due_on=_in(0))).due_on == todos.today()
    assert _task(db, _add(carol, due_on=_in(5 * 365))).due_on == todos.today() + timedelta(days=5 * 365)


def test_signed_out_and_suspended_members_cannot_add(db: Session) -> None:
    with pytest.raises(NotSignedIn), session_scope() as session:
        todos.add_task(session, viewer=None, values={"title": "Buy lightbulbs"})
    with pytest.raises(PermissionDenied):
        _add(make_user("sam", status="suspended"))
    assert _count(db) == 0


def test_the_open_tasks_of_a_member_are_capped(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todos, "MAX_OPEN_TASKS", 2)
    carol = make_user("carol")
    first, _ = _add(carol), _add(carol)
    with pytest.raises(ValidationFailed) as refused:
        _add(carol)
    assert "2 open tasks" in refused.value.fields["form"]
    _add(make_user("ken"))  # the cap is per member
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(carol), task_id=first, done=True)
    second_round = _add(carol)  # a done task makes room
    with pytest.raises(ValidationFailed), session_scope() as session:  # and reopening needs room again
        todos.set_done(session, viewer=viewer_of(carol), task_id=first, done=False)
    assert _task(db, first).done and _task(db, second_round).title == "Buy lightbulbs"


def test_the_owner_edits_title_notes_and_due_date(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, due_on=_in(1))
    with session_scope() as session:
        todos.edit_task(
            session,
            viewer=viewer_of(carol),
            task_id=str(task_id),
            values={"title": "Buy LED bulbs", "notes": "six", "due_on": _in(10)},
        )
    task = _task(db, task_id)
    assert (task.title, task.notes, task.due_on) == ("Buy LED bulbs", "six", todos.today() + timedelta(days=10))


def test_an_edit_with_a_bad_field_changes_nothing(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, notes="keep")
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        todos.edit_task(session, viewer=viewer_of(carol), task_id=task_id, values={"title": "", "notes": "gone"})
    assert "required" in refused.value.fields["title"]
    assert (_task(db, task_id).title, _task(db, task_id).notes) == ("Buy lightbulbs", "keep")


def test_a_past_due_date_may_stay_as_it_was_but_not_be_moved_into_the_past(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    long_ago = todos.today() - timedelta(days=30)
    with session_scope() as session:  # the task was due a month ago
        task = session.get(TodoTask, task_id)
        assert task is not None
        task.due_on = long_ago
    with session_scope() as session:
        todos.edit_task(
            session, viewer=viewer_of(carol), task_id=task_id, values={"title": "Renamed", "due_on": str(long_ago)}
        )
    assert _task(db, task_id).title == "Renamed"
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        earlier = str(long_ago - timedelta(days=1))
        todos.edit_task(session, viewer=viewer_of(carol), task_id=task_id, values={"title": "x", "due_on": earlier})
    assert "in the past" in refused.value.fields["due_on"]


def test_the_owner_completes_and_reopens_a_task(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(carol), task_id=task_id, done=True)
    task = _task(db, task_id)
    assert task.done and task.done_at is not None
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(carol), task_id=task_id, done=False)
    task = _task(db, task_id)
    assert not task.done and task.done_at is None


def test_only_true_marks_a_task_done(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(carol), task_id=task_id, done="yes")
    assert not _task(db, task_id).done


def test_delete_wipes_the_words_and_keeps_the_routing_decisions(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, notes="private notes")
    assert carol.id is not None
    db.add(RoutingDecision(task_id=task_id, owner_id=carol.id, route="self"))
    db.commit()
    with session_scope() as session:
        todos.delete_task(session, viewer=viewer_of(carol), task_id=task_id)
    task = _task(db, task_id)
    assert task.deleted_at is not None and (task.title, task.notes) == ("Deleted task", "")
    assert db.exec(select(func.count()).select_from(RoutingDecision)).one() == 1


def test_a_deleted_task_is_not_found_for_anything(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    with session_scope() as session:
        todos.delete_task(session, viewer=viewer_of(carol), task_id=task_id)
    for act in (
        lambda s: todos.owned_task(s, viewer_of(carol), task_id),
        lambda s: todos.edit_task(s, viewer=viewer_of(carol), task_id=task_id, values={"title": "Back"}),
        lambda s: todos.set_done(s, viewer=viewer_of(carol), task_id=task_id, done=True),
        lambda s: todos.delete_task(s, viewer=viewer_of(carol), task_id=task_id),
    ):
        with pytest.raises(NotFound, match="That task was not found"), session_scope() as session:
            act(session)
    assert _task(db, task_id).title == "Deleted task"


def test_another_members_task_is_not_found_and_unchanged(db: Session) -> None:
    carol, ken = make_user("carol"), make_user("ken")
    task_id = _add(carol, notes="mine")
    for act in (
        lambda s: todos.owned_task(s, viewer_of(ken), task_id),
        lambda s: todos.edit_task(s, viewer=viewer_of(ken), task_id=task_id, values={"title": "Hijacked"}),
        lambda s: todos.set_done(s, viewer=viewer_of(ken), task_id=task_id, done=True),
        lambda s: todos.delete_task(s, viewer=viewer_of(ken), task_id=task_id),
    ):
        with pytest.raises(NotFound, match="That task was not found"), session_scope() as session:
            act(session)
    task = _task(db, task_id)
    assert (task.title, task.notes, task.done, task.deleted_at) == ("Buy lightbulbs", "mine", False, None)


@pytest.mark.parametrize("bad_id", [None, "", "abc", -1, 0, 1.5, [1], "9" * 30, True, 99999])
def test_a_bad_or_unknown_id_is_not_found(db: Session, bad_id: object) -> None:
    carol = make_user("carol")
    _add(carol)
    with pytest.raises(NotFound), session_scope() as session:
        todos.owned_task(session, viewer_of(carol), bad_id)


def test_owned_task_finds_the_owners_task(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    with session_scope() as session:
        assert todos.owned_task(session, viewer_of(carol), str(task_id)).id == task_id


def test_every_change_moves_the_owners_list_for_its_open_pages(db: Session) -> None:
    carol = make_user("carol")
    assert carol.id is not None
    topic = live.tasks_topic(carol.id)

    def version() -> int:
        with session_scope() as session:
            return live.versions(session, [topic])[topic]

    task_id = _add(carol)
    assert version() == 1
    with session_scope() as session:
        todos.edit_task(session, viewer=viewer_of(carol), task_id=task_id, values={"title": "Renamed"})
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(carol), task_id=task_id, done=True)
    with session_scope() as session:
        todos.delete_task(session, viewer=viewer_of(carol), task_id=task_id)
    assert version() == 4
