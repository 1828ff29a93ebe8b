"""Every outside partner, in the menu's order among equals. Adding one: its module, one line here, and one setting
(`partner_<key>` in config.Settings)."""

from __future__ import annotations

from jtbd_app.adapters.partners.amazon import AmazonPartner
from jtbd_app.adapters.partners.angi import AngiPartner
from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.fiverr import FiverrPartner
from jtbd_app.adapters.partners.instacart import InstacartPartner
from jtbd_app.adapters.partners.taskrabbit import TaskRabbitPartner
from jtbd_app.adapters.partners.thumbtack import ThumbtackPartner
from jtbd_app.adapters.partners.upwork import UpworkPartner

ADAPTERS: tuple[type[PartnerBase], ...] = (
    AmazonPartner,
    InstacartPartner,
    FiverrPartner,
    UpworkPartner,
    TaskRabbitPartner,
    ThumbtackPartner,
    AngiPartner,
)
