"""The shape a model answers a plan in (the wire), its JSON schema, and its translation into `PlanTask`s.

Kept apart from the domain's `PlanTask` because a model's answer is untrusted text: money comes as decimal major
units (parsed as `Decimal`, never float), keys as whatever the model wrote, lengths unbounded. Translation bounds
and normalises these; it does not mend the plan (`domain.plans.repair` does).
"""

from __future__ import annotations

import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jtbd_app.domain.money import CURRENCIES
from jtbd_app.domain.plans import MAX_DEADLINE_DAYS, MAX_TASKS, Evidence, PlanTask

EVIDENCE_KINDS = ("link", "file", "number", "photo")
ROUTES = ("internal", "external", "product", "self")
MAX_MINOR = 10**13


class WireError(ValueError):
    """The answer cannot be read as a plan; the message says where, fit to show."""


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _whole_days(value: Any) -> Any:
    """A day count the model wrote as 2.5 or "3" becomes whole days (rounded up)."""
    if isinstance(value, Decimal) and value.is_finite():
        return math.ceil(value)
    if isinstance(value, float) and math.isfinite(value):
        return math.ceil(value)
    return value


class WireEvidence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: Literal["link", "file", "number", "photo"]
    description: str = ""
    threshold: Decimal | None = None

    _kind = field_validator("kind", mode="before")(_lower)


class WireTask(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str = ""
    title: str
    description: str = ""
    skills: list[str] = Field(default_factory=list)
    estimate: Decimal = Field(default=Decimal(0), ge=0)
    budget: Decimal = Field(default=Decimal(0), ge=0)
    duration_days: int = 1
    due_in_days: int = 1
    depends_on: list[str] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    evidence: WireEvidence
    route: Literal["internal", "external", "product", "self"] = "internal"
    optional: bool = False

    _route = field_validator("route", mode="before")(_lower)
    _days = field_validator("duration_days", "due_in_days", mode="before")(_whole_days)


class WirePlan(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tasks: list[WireTask]


def plan_json_schema(*, bounded: bool) -> dict[str, Any]:
    """The JSON schema of the answer. Every property is required and no other is allowed (OpenAI's strict mode asks
    for that). `bounded` adds length limits, which grammar-constrained servers (llama.cpp) need to stop a small
    model from writing one endless string."""

    def text(limit: int) -> dict[str, Any]:
        return {"type": "string", "maxLength": limit} if bounded else {"type": "string"}

    def items(item: dict[str, Any], limit: int) -> dict[str, Any]:
        array: dict[str, Any] = {"type": "array", "items": item}
        if bounded:
            array["maxItems"] = limit
        return array

    def obj(properties: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }

    evidence = obj(
        {
            "kind": {"type": "string", "enum": list(EVIDENCE_KINDS)},
            "description": text(200),
            "threshold": {"type": "integer"},
        }
    )
    task = obj(
        {
            "key": text(24),
            "title": text(100),
            "description": text(400),
            "skills": items(text(30), 5),
            "estimate": {"type": "number"},
            "budget": {"type": "number"},
            "duration_days": {"type": "integer"},
            "due_in_days": {"type": "integer"},
            "depends_on": items(text(24), 5),
            "criteria": items(text(200), 4),
            "evidence": evidence,
            "route": {"type": "string", "enum": list(ROUTES)},
            "optional": {"type": "boolean"},
        }
    )
    tasks: dict[str, Any] = {"type": "array", "items": task, "minItems": 1, "maxItems": 8 if bounded else MAX_TASKS}
    return obj({"tasks": tasks})


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units (as the model writes money) to integer minor units, half up; never through a float."""
    try:
        minor = int(amount.scaleb(CURRENCIES[currency]).to_integral_value(rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, OverflowError) as exc:
        raise WireError(f"an amount ({amount}) is not a number of {currency}") from exc
    if not 0 <= minor <= MAX_MINOR:
        raise WireError(f"an amount ({amount}) is out of range")
    return minor


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-CURRENCIES[currency])


KEY_JUNK = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A model's key ("Task 1", "SEO_audit") as a plan key ("task-1", "seo-audit"); empty when nothing is left."""
    return KEY_JUNK.sub("-", text.strip().lower()).strip("-")[:24].strip("-")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plan_task(wire: WireTask, index: int, currency: str) -> PlanTask:
    """One wire task as a domain task: money in minor units, text within the domain's bounds. ValidationError or
    WireError when it cannot be one (no title, no way to prove it)."""
    threshold = wire.evidence.threshold
    number = wire.evidence.kind == "number" and threshold is not None and threshold > 0
    return PlanTask(
        key=slug(wire.key) or f"task-{index + 1}",
        title=_clip(wire.title, 120),
        description=_clip(wire.description, 2000),
        skills=[_clip(s, 40) for s in wire.skills if s.strip()][:8],
        budget_minor=to_minor(wire.budget, currency),
        due_in_days=min(max(wire.due_in_days, 1), MAX_DEADLINE_DAYS),
        criteria=[_clip(c, 300) for c in wire.criteria if c.strip()][:8],
        evidence=Evidence(
            kind=wire.evidence.kind,
            description=_clip(wire.evidence.description, 300),
            threshold=math.ceil(threshold) if number and threshold is not None else None,
        ),
        depends_on=[k for k in (slug(d) for d in wire.depends_on) if k],
        route=wire.route,
        estimate_minor=to_minor(wire.estimate, currency),
        duration_days=min(max(wire.duration_days, 1), MAX_DEADLINE_DAYS),
        optional=wire.optional,
    )


def loads(text: str) -> Any:
    """JSON with every non-integer number as a Decimal (money never passes through a float)."""
    return json.loads(text, parse_float=Decimal)


def task_from_json(raw: str, index: int, currency: str) -> PlanTask | None:
    """One task object from a streamed answer, or None when it is not a usable task (the whole answer decides)."""
    try:
        return plan_task(WireTask.model_validate(loads(raw)), index, currency)
    except (ValueError, ValidationError):
        return None


def _where(error: ValidationError) -> str:
    first = error.errors()[0]
    place = ".".join(str(p) for p in first["loc"]) or "the answer"
    return f"{place}: {first['msg']}"


def plan_tasks(text: str, currency: str) -> list[PlanTask]:
    """Every task of a whole answer. WireError (saying where) when it is not JSON or not a plan."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise WireError("not valid JSON")
    try:
        data = loads(text[start : end + 1])
    except ValueError as exc:
        raise WireError("not valid JSON") from exc
    try:
        wire = WirePlan.model_validate(data)
    except ValidationError as exc:
        raise WireError(_where(exc)) from exc
    tasks: list[PlanTask] = []
    for index, task in enumerate(wire.tasks):
        try:
            tasks.append(plan_task(task, index, currency))
        except ValidationError as exc:
            raise WireError(f"tasks.{index}.{_where(exc)}") from exc
        except WireError as exc:
            raise WireError(f"tasks.{index}: {exc}") from exc
    return tasks
