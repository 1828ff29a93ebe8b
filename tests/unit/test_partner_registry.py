"""The partner registry: every adapter is a complete partner (the port's attributes and methods), has its one setting,
and the bootstrap builds them all, in order, from the settings."""

from __future__ import annotations

import inspect

import pytest

from jtbd_app import bootstrap
from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.registry import ADAPTERS
from jtbd_app.config import Settings
from jtbd_app.domain.partner_links import validate_template
from jtbd_app.domain.task_lexicon import CATEGORIES
from jtbd_app.services.ports import DraftPost, PartnerAdapter, PartnerFailed, TaskBrief

PORT_ATTRIBUTES = ("key", "name", "kind", "categories", "hosts", "default_template", "default_affiliate_params")
PORT_METHODS = [name for name, _ in inspect.getmembers(PartnerAdapter, inspect.isfunction) if not name.startswith("_")]


def test_the_registry_lists_the_seven_partners_once_each() -> None:
    keys = [a.key for a in ADAPTERS]

    assert keys == ["amazon", "instacart", "fiverr", "upwork", "taskrabbit", "thumbtack", "angi"]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.key)
def test_every_partner_satisfies_the_port_and_has_its_setting(adapter: type[PartnerBase]) -> None:
    partner = adapter()

    assert adapter.settings_key() in Settings.model_fields
    assert set(PORT_METHODS) == {"draft", "deep_link", "search_products", "create_post"}
    for name in PORT_ATTRIBUTES:
        assert isinstance(getattr(partner, name), str | tuple), name
    assert isinstance(partner.api_enabled, bool)
    for name in PORT_METHODS:
        assert callable(getattr(partner, name))
    assert partner.kind in ("product", "digital", "local")
    assert partner.categories and all(c == c.lower() and " " not in c for c in partner.categories)
    assert validate_template(partner.default_template, partner.hosts) is None


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.key)
async def test_without_keys_the_api_methods_refuse_with_a_reason(adapter: type[PartnerBase]) -> None:
    partner = adapter()
    brief = TaskBrief(title="Buy lightbulbs", kind="product", query="lightbulbs")

    assert not partner.api_enabled
    with pytest.raises(PartnerFailed) as failed:
        await partner.search_products(brief)
    assert partner.name in failed.value.message
    with pytest.raises(PartnerFailed) as failed:
        await partner.create_post(brief, DraftPost(title="Buy lightbulbs", description="LED"))
    assert partner.name in failed.value.message


@pytest.mark.parametrize(
    ("key", "options", "enabled"),
    [
        ("amazon", "tag=jtbd-20", False),
        ("amazon", "tag=jtbd-20&credential_id=id", False),
        ("amazon", "tag=jtbd-20&credential_id=id&credential_secret=s", True),
        ("amazon", "credential_id=id&credential_secret=s", False),
        ("instacart", "api_key=k", True),
        ("upwork", "access_token=t", True),
        ("thumbtack", "access_token=t&utm_source=jtbd", True),
        ("thumbtack", "access_token=", False),
        ("fiverr", "access_token=t", False),
        ("taskrabbit", "api_key=k", False),
        ("angi", "api_key=k", False),
        ("instacart", "api_key=k&api_base=https://connect.dev.instacart.tools", True),
        ("instacart", "api_key=k&api_base=http://127.0.0.1:8123", True),
        ("instacart", "api_key=k&api_base=http://connect.instacart.com", False),
        ("upwork", "access_token=t&api_base=https://user:pw@api.upwork.com", False),
        ("amazon", "tag=t&credential_id=i&credential_secret=s&auth_url=http://evil.example/token", False),
    ],
)
def test_a_partners_api_is_used_only_with_all_the_keys_it_needs(key: str, options: str, enabled: bool) -> None:
    adapter = next(a for a in ADAPTERS if a.key == key)

    assert adapter(options).api_enabled is enabled


def test_the_bootstrap_builds_every_partner_from_its_setting_in_registry_order() -> None:
    settings = Settings(PARTNER_AMAZON="tag=jtbd-20", PARTNER_ANGI="utm_source=jtbd", PARTNER_TIMEOUT=3.0)

    partners = bootstrap.partners(settings)

    assert list(partners) == [a.key for a in ADAPTERS]
    assert partners["amazon"].default_affiliate_params == "tag=jtbd-20"
    assert partners["angi"].default_affiliate_params == "utm_source=jtbd"
    assert partners["fiverr"].default_affiliate_params == ""
    assert (
        bootstrap.partners(Settings(PARTNER_AMAZON="tag=jtbd-20", PARTNER_ANGI="utm_source=jtbd", PARTNER_TIMEOUT=3.0))
        is partners
    )


def test_a_partners_options_never_show_in_its_repr() -> None:
    partner = ADAPTERS[0]("tag=jtbd-20&credential_id=abc&credential_secret=very-secret-value")

    assert "very-secret-value" not in repr(partner) and "abc" not in repr(partner)


def test_every_partner_category_is_one_the_classifier_gives_for_its_kind() -> None:
    for adapter in ADAPTERS:
        wrong = [c for c in adapter.categories if CATEGORIES.get(c, ("",))[0] != adapter.kind]
        assert wrong == [], adapter.key


def test_every_category_the_classifier_gives_has_a_partner_of_its_kind() -> None:
    served = {(adapter.kind, category) for adapter in ADAPTERS for category in adapter.categories}

    assert [slug for slug, (kind, _, _) in CATEGORIES.items() if (kind, slug) not in served] == []
