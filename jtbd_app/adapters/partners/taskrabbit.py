"""TaskRabbit: local help (assembly, moving, cleaning, handyman work), found by a link to its services."""

from __future__ import annotations

from jtbd_app.adapters.partners.base import PartnerBase


class TaskRabbitPartner(PartnerBase):
    """PARTNER_TASKRABBIT="utm_source=...&utm_campaign=..." for tracked links."""

    key = "taskrabbit"
    name = "TaskRabbit"
    kind = "local"
    categories = ("furniture-assembly", "moving", "cleaning", "handyman", "yard-work", "errands")
    hosts = ("taskrabbit.com",)
    default_template = "https://www.taskrabbit.com/services?query={query}"
