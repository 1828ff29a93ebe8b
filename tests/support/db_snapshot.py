"""Every table of a database, row by row, before and after something ran: what changed, per table, and whether each
changed row belongs to a given member (so a stranger's edits of their own rows can be told from a hole)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import jtbd_app.models  # noqa: F401  (registers every table's metadata)
from jtbd_app.db import READ_ONLY

Row = tuple[str, ...]
Key = tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    """Each table's rows keyed by primary key (the whole row for a table without one), as text."""

    tables: dict[str, dict[Key, Row]]
    columns: dict[str, list[str]]

    def summary(self) -> dict[str, tuple[int, str]]:
        """Per table: how many rows and a hash of them all."""
        return {
            name: (len(rows), hashlib.sha256(repr(sorted(rows.items())).encode()).hexdigest()[:16])
            for name, rows in self.tables.items()
        }


@dataclass
class TableChange:
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)

    def rows(self) -> list[Key]:
        return [*self.added, *self.removed, *self.changed]


def take(engine: Engine) -> Snapshot:
    tables: dict[str, dict[Key, Row]] = {}
    columns: dict[str, list[str]] = {}
    inspector = inspect(engine)
    with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
        for name in sorted(inspector.get_table_names()):
            cols = [c["name"] for c in inspector.get_columns(name)]
            pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
            rows: dict[Key, Row] = {}
            for record in conn.execute(text(f'SELECT * FROM "{name}"')).mappings():
                row = tuple(repr(record[c]) for c in cols)
                key = tuple(repr(record[c]) for c in pk) if pk else row
                rows[key] = row
            tables[name], columns[name] = rows, cols
    return Snapshot(tables, columns)


def diff(before: Snapshot, after: Snapshot) -> dict[str, TableChange]:
    """The tables whose rows differ, with the keys of the rows added, removed and changed."""
    changes: dict[str, TableChange] = {}
    for name in sorted(set(before.tables) | set(after.tables)):
        old, new = before.tables.get(name, {}), after.tables.get(name, {})
        change = TableChange(
            added=sorted(set(new) - set(old)),
            removed=sorted(set(old) - set(new)),
            changed=sorted(k for k in set(old) & set(new) if old[k] != new[k]),
        )
        if change.rows():
            changes[name] = change
    return changes


def _user_table() -> str:
    from jtbd_app.models import User

    return str(User.__table__.name)  # type: ignore[attr-defined]


def belongs_to(snaps: tuple[Snapshot, Snapshot], table: str, key: Key, user_id: int, depth: int = 3) -> bool:
    """Whether the row is the member's own: their user row, or a row whose foreign keys lead (in a few steps) to it,
    as a bid's bidder, a listing's owner or a listing skill's listing do."""
    users = _user_table()
    if table == users:
        return key == (repr(user_id),)
    meta = SQLModel.metadata.tables.get(table)
    row = next((s.tables.get(table, {}).get(key) for s in reversed(snaps) if key in s.tables.get(table, {})), None)
    if meta is None or row is None or depth == 0:
        return False
    values: dict[str, Any] = dict(zip(snaps[-1].columns.get(table) or snaps[0].columns[table], row, strict=False))
    for fk in meta.foreign_keys:
        value = values.get(fk.parent.name)
        if value in (None, "None"):
            continue
        target = fk.column.table.name
        if target == users and value == repr(user_id):
            return True
        if target != users and belongs_to(snaps, target, (value,), user_id, depth - 1):
            return True
    return False
