"""Change stamps (services/live): a touch moves a topic's version when its unit of work commits, and the services
touch the topics of what they change."""

from __future__ import annotations

import threading

import pytest

from jtbd_app.db import read_scope, session_scope
from jtbd_app.services import live
from jtbd_app.services.messaging import notifications
from tests.support import contracts
from tests.support.members import make_user
from tests.support.messaging import make_deal, send
from tests.support.viewers import viewer_of


def _versions(*topics: str) -> dict[str, int]:
    with read_scope() as session:
        return live.versions(session, topics)


def test_a_topic_never_touched_is_at_version_zero() -> None:
    assert _versions("contract:1", "user:2") == {"contract:1": 0, "user:2": 0}
    assert _versions() == {}


def test_a_touch_moves_the_version_once_the_unit_of_work_commits() -> None:
    with session_scope() as session:
        live.touch(session, "contract:7")
        assert _versions("contract:7") == {"contract:7": 0}  # not before the commit
    with session_scope() as session:
        live.touch(session, "contract:7")

    assert _versions("contract:7") == {"contract:7": 2}


def test_one_unit_of_work_moves_each_topic_it_touched_once() -> None:
    with session_scope() as session:
        live.touch(session, "user:1", "thread:3")
        live.touch(session, "user:1")

    assert _versions("user:1", "thread:3") == {"user:1": 1, "thread:3": 1}


def test_a_unit_of_work_that_rolls_back_moves_nothing() -> None:
    with pytest.raises(RuntimeError), session_scope() as session:
        live.touch(session, "contract:7")
        raise RuntimeError("the change failed")
    with session_scope():
        pass  # a later unit of work on another session writes nothing left over

    assert _versions("contract:7") == {"contract:7": 0}


def test_savepoints_neither_write_the_stamps_nor_forget_what_was_touched_before_them() -> None:
    with session_scope() as session:
        live.touch(session, "user:1")
        with session.begin_nested():
            live.touch(session, "user:2")
        savepoint = session.begin_nested()
        savepoint.rollback()
        assert live.versions(session, ["user:1", "user:2"]) == {"user:1": 0, "user:2": 0}  # not written yet

    assert _versions("user:1", "user:2") == {"user:1": 1, "user:2": 1}


def test_two_units_of_work_touching_one_topic_at_once_both_count() -> None:
    start, errors = threading.Barrier(4), []

    def touch_it() -> None:
        try:
            start.wait()
            with session_scope() as session:
                live.touch(session, "user:9", "contract:1")
        except Exception as exc:
            errors.append(exc)

    workers = [threading.Thread(target=touch_it) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == [] and _versions("user:9", "contract:1") == {"user:9": 4, "contract:1": 4}


def test_a_long_topic_is_cut_to_the_column_and_read_back_the_same_way() -> None:
    topic = "problem:" + "9" * 100
    with session_scope() as session:
        live.touch(session, topic)

    assert list(_versions(topic).values()) == [1]


def test_a_notification_moves_its_recipients_bell_and_reading_it_moves_it_again() -> None:
    member = make_user("ann")
    assert member.id is not None
    topic = live.user_topic(member.id)
    with session_scope() as session:
        notifications.notify(session, user_id=member.id, kind="bid_received", title="A bid")
    assert _versions(topic)[topic] == 1

    with session_scope() as session:
        notifications.mark_all_read(session, viewer=viewer_of(member))

    assert _versions(topic)[topic] == 2


def test_a_message_moves_its_thread_and_the_recipients_bell() -> None:
    deal = make_deal()
    assert deal.bidder.id is not None
    thread, bell = live.thread_topic(deal.thread_id), live.user_topic(deal.bidder.id)
    before = _versions(thread, bell)

    send(deal.owner_viewer, deal.thread_id, "Can you start on Monday?")

    after = _versions(thread, bell)
    assert after[thread] == before[thread] + 1 and after[bell] == before[bell] + 1


def test_each_step_of_a_contract_moves_its_topic() -> None:
    deal = contracts.agreed_contract(make_user("cleo"), make_user("carl"))
    topic, client_bell = live.contract_topic(deal.contract_id), live.user_topic(deal.client.user_id)
    seen = [_versions(topic)[topic]]
    contracts.fund(deal)
    seen.append(_versions(topic)[topic])
    before_delivery = _versions(client_bell)[client_bell]
    contracts.deliver(deal)
    seen.append(_versions(topic)[topic])
    contracts.approve(deal)
    seen.append(_versions(topic)[topic])

    assert seen == sorted(set(seen)) and seen[0] > 0  # every step moved it (accepting the terms did first)
    assert _versions(client_bell)[client_bell] > before_delivery  # the client was told of the delivery
