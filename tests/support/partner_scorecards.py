"""Partners for tests of scorecards and curation: adapters that only describe a partner (what the registry knows), and
outcomes reported for tasks sent to one, written as the decisions service stores them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from jtbd_app.db import session_scope
from jtbd_app.models import RoutingDecision, TodoTask, User, utcnow
from jtbd_app.services.ports import CreatedPost, DraftPost, PartnerFailed, PartnerKind, Product, TaskBrief


@dataclass
class DescribedPartner:
    """A partner adapter that links to its site and has no API: enough for the registry, the menu and the admins."""

    key: str
    name: str
    kind: PartnerKind
    categories: tuple[str, ...]
    hosts: tuple[str, ...]
    default_template: str
    default_affiliate_params: str = ""
    api_enabled: bool = False
    image_hosts: tuple[str, ...] = ()

    def draft(self, brief: TaskBrief) -> DraftPost | None:
        return None if self.kind == "product" else DraftPost(title=brief.title, description=brief.notes)

    def deep_link(self, brief: TaskBrief, *, template: str, affiliate_params: str) -> str:
        return template.replace("{query}", brief.query)

    async def search_products(self, brief: TaskBrief) -> list[Product]:
        raise PartnerFailed("No API here.")

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
        raise PartnerFailed("No API here.")


def described_partners() -> dict[str, DescribedPartner]:
    """Three partners in registry order: a shop (product), a gig site (digital) and a handyman service (local)."""
    partners = [
        DescribedPartner(
            "shop",
            "Shop",
            "product",
            ("household", "groceries"),
            ("shop.example",),
            "https://www.shop.example/s?k={query}",
            "tag=jtbd-20",
        ),
        DescribedPartner(
            "gigs",
            "Gigs",
            "digital",
            ("graphic-design", "writing"),
            ("gigs.example",),
            "https://gigs.example/search?q={query}",
        ),
        DescribedPartner(
            "handy",
            "Handy",
            "local",
            ("furniture-assembly", "home-repair"),
            ("handy.example",),
            "https://handy.example/find?q={query}",
        ),
    ]
    return {p.key: p for p in partners}


def report_outcomes(
    owner: User, partner_key: str, ratings: Iterable[int | None], *, done: bool = True, at: datetime | None = None
) -> None:
    """One task per rating, sent to the partner and its outcome reported (done or not, with that rating)."""
    assert owner.id is not None
    with session_scope() as session:
        for rating in ratings:
            task = TodoTask(owner_id=owner.id, title="A task", kind="local")
            session.add(task)
            session.flush()
            assert task.id is not None
            session.add(
                RoutingDecision(
                    task_id=task.id,
                    owner_id=owner.id,
                    route="outside",
                    partner_key=partner_key,
                    outcome="done" if done else "not_done",
                    rating=rating,
                    comment="Anna from 12 Elm St never came",
                    reported_at=at or utcnow(),
                )
            )
