"""A signed-in member's to-do page over the app's real websocket (tests/support/reflex_client.py), for fault tests
that need one event that writes to the database and answers with a message."""

from __future__ import annotations

import asyncio
import json
import time

from sqlmodel import Session, col, select

from jtbd_app.db import get_engine
from jtbd_app.models import TodoTask, User
from jtbd_app.services.viewer import SESSION_COOKIE
from jtbd_app.state.tasks import TasksState
from tests.support.members import session_token
from tests.support.reflex_client import ReflexClient, router_data

ADD_TASK = f"{TasksState.get_full_name()}.add_task"
TASKS_PAGE = router_data("/tasks")
ADDED = "Task added."


def cookie_of(username: str) -> str:
    """A session cookie of the member, opened on the database this process's settings point at."""
    with Session(get_engine()) as session:
        member = session.exec(select(User).where(col(User.username) == username)).one()
    return f"{SESSION_COOKIE}={session_token(member)}"


def tasks_titled(title: str) -> int:
    with Session(get_engine()) as session:
        return len(session.exec(select(TodoTask.id).where(col(TodoTask.title) == title)).all())


async def add_task(client: ReflexClient, title: str, *, answer: str) -> str:
    """The to-do page's add form sent, and what the server sent back until `answer` was among it (with several
    workers a delta may come after the call's closing sentinel) or 20 seconds passed."""
    start = len(client.received)
    await client.call(ADD_TASK, {"form": {"title": title, "notes": "", "due_on": ""}}, TASKS_PAGE, timeout=30)
    deadline = time.monotonic() + 20
    while answer not in (sent := json.dumps(client.received[start:], default=str)) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return sent
