"""Run the hostile calls over one websocket per identity and keep, for each call, what came back and what the server
logged while it ran (the app's log is read on after every call, so an exception is charged to its call)."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.hostile_battery import BIG, SESSION_ENDERS, Call
from tests.support.reflex_client import CallResult, ReflexClient

ERROR_LINE = re.compile(r"^(?:\S+ )?(?:ERROR|CRITICAL)\b|Traceback \(most recent call last\)", re.MULTILINE)
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)[\w.]*)(?::\s?(.*))?$", re.MULTILINE)


@dataclass
class Outcome:
    call: Call
    answered: bool
    raised: bool  # the client got the backend-error toast (it may come a call late: the log decides)
    text: str  # every message received during the call, as JSON, with the battery's own 100 KB string cut out
    log: str  # what the app logged during the call
    dropped: bool = False  # the server closed the connection during the call

    @property
    def log_errors(self) -> int:
        return len(ERROR_LINE.findall(self.log))

    def exception_summary(self) -> str:
        """The last exception line of the log chunk ("AttributeError: ..."), cut short."""
        found = EXCEPTION_LINE.findall(self.log)
        if not found:
            return "an ERROR line" if self.log_errors else ""
        kind, message = found[-1]
        return f"{kind}: {message}"[:160]


@dataclass
class IdentityRun:
    identity: str
    connected: CallResult | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    still_signed_in: bool | None = None  # checked just before the session enders ran


class LogReader:
    """The app's log from where it was when this reader was made."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("r", errors="replace")
        self._file.seek(0, 2)

    def new(self) -> str:
        return self._file.read()

    def close(self) -> None:
        self._file.close()


MARK = "[Reflex Backend Exception]"
LOG_LAG = 0.002  # the server may write a handler's traceback just after the client had its answer


def _mentions(block: str, call: Call) -> bool:
    """Whether a logged exception is about this call's handler (its frame, or Reflex's message naming it)."""
    cls, fn = call.handler.split(".")
    flat = re.sub(r"\s+", " ", block)
    return bool(re.search(rf"\bin {fn}\b|{cls}\.{fn}\(|'{cls}' object", flat))


def reattribute(outcomes: list[Outcome]) -> None:
    """Reflex may log a handler's exception only after the client had its answer, so it lands in the next call's
    share of the log: a block that names the previous call's handler and not this one's goes back to it."""
    for previous, outcome in itertools.pairwise(outcomes):
        head, *blocks = outcome.log.split(MARK)
        kept = []
        for block in blocks:
            if not _mentions(block, outcome.call) and _mentions(block, previous.call):
                previous.log += MARK + block
            else:
                kept.append(block)
        outcome.log = MARK.join([head, *kept])


async def run_identity(
    url: str, identity: str, cookie: str | None, calls: list[Call], log: LogReader, session_state: str
) -> IdentityRun:
    run = IdentityRun(identity)
    client = ReflexClient(url, cookie=cookie)
    run.connected = await client.connect()
    log.new()
    checked = False
    for call in calls:
        if not checked and call.handler.split(".")[-1] in SESSION_ENDERS:
            run.still_signed_in = await _signed_in(url, cookie, session_state)
            checked = True
        if not client.connected:
            client = ReflexClient(url, cookie=cookie, token=client.token)
            await client.connect(call.router["pathname"])
        result = await client.call(call.event, call.payload, call.router)
        text = result.text.replace(BIG, "<100 KB>")
        await asyncio.sleep(LOG_LAG)
        run.outcomes.append(Outcome(call, result.answered, result.raised, text, log.new(), not client.connected))
    await client.close()
    reattribute(run.outcomes)
    return run


async def _signed_in(url: str, cookie: str | None, session_state: str) -> bool:
    """Whether the server still takes this cookie's session: a new tab with it loads the session summary. A fresh
    tab's `signed_in` starts False and only a var that changed is sent, so a True in what it received says so."""
    tab = ReflexClient(url, cookie=cookie)
    try:
        await tab.connect()
        await tab.call(f"{session_state}.load_session", {})
    finally:
        await tab.close()
    deltas = [m.get("delta") or {} for m in tab.received if isinstance(m, dict)]
    return any((d.get(session_state) or {}).get("signed_in_rx_state_") is True for d in deltas)


def run_all(
    url: str, log_path: Path, identities: dict[str, str | None], calls: list[Call], session_state: str
) -> list[IdentityRun]:
    """Each identity in turn (so the log is charged to the right call), over one connection each."""
    reader = LogReader(log_path)
    try:
        return [
            asyncio.run(run_identity(url, name, cookie, calls, reader, session_state))
            for name, cookie in identities.items()
        ]
    finally:
        reader.close()
