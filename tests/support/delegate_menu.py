"""Tasks and partners for tests of the Delegate menu: partner adapters with an API that record what they were asked
(fakes of the partners' outside systems), a classifier that fails, and a task of a member's."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from jtbd_app.db import session_scope
from jtbd_app.domain.task_routing import Classification
from jtbd_app.models import TodoTask, User
from jtbd_app.services.ports import (
    ClassifierFailed,
    CreatedPost,
    DraftPost,
    PartnerAdapter,
    PartnerFailed,
    Product,
    TaskBrief,
)
from tests.support.partner_scorecards import DescribedPartner, described_partners


@dataclass
class ApiPartner(DescribedPartner):
    """A partner with an API: it answers with `products` and creates posts, or fails as told (`fail`: a message,
    `hang`: never answers); every brief it was sent is kept."""

    products: list[Product] = field(default_factory=list)
    fail: str = ""
    hang: bool = False
    asked: list[TaskBrief] = field(default_factory=list)
    posts: list[DraftPost] = field(default_factory=list)

    async def _answer(self, brief: TaskBrief) -> None:
        self.asked.append(brief)
        if self.hang:
            await asyncio.sleep(30)
        if self.fail:
            raise PartnerFailed(self.fail)

    async def search_products(self, brief: TaskBrief) -> list[Product]:
        await self._answer(brief)
        return self.products

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost:
        await self._answer(brief)
        self.posts.append(draft)
        return CreatedPost(external_ref=f"job-{len(self.posts)}", url=f"https://gigs.example/jobs/{len(self.posts)}")


def api_partners(
    *, shop: Mapping[str, object] | None = None, gigs: Mapping[str, object] | None = None
) -> dict[str, PartnerAdapter]:
    """The described partners (shop, gigs, handy), the shop and the gig site with an API configured as given."""
    described = described_partners()
    partners: dict[str, PartnerAdapter] = dict(described)
    for key, options in (("shop", shop), ("gigs", gigs)):
        if options is not None:
            base = described[key]
            partners[key] = ApiPartner(
                base.key,
                base.name,
                base.kind,
                base.categories,
                base.hosts,
                base.default_template,
                base.default_affiliate_params,
                True,
                **options,  # type: ignore[arg-type]
            )
    return partners


class FailingClassifier:
    name = "broken-model"

    async def classify(self, title: str, notes: str = "") -> Classification:
        raise ClassifierFailed("the model server did not answer")


class FixedClassifier:
    """A model that reads every task as a local job (the offline rules would not)."""

    name = "fixed-model"

    async def classify(self, title: str, notes: str = "") -> Classification:
        return Classification("local", "furniture-assembly", title.lower(), 0.9, "The model says: hands-on work")


def add_task(owner: User, title: str, notes: str = "") -> int:
    assert owner.id is not None
    with session_scope() as session:
        task = TodoTask(owner_id=owner.id, title=title, notes=notes)
        session.add(task)
        session.flush()
        assert task.id is not None
        return task.id
