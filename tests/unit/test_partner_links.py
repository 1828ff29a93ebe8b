"""Deep links to every partner: the task's words are escaped into the partner's own search or posting page, the
affiliate parameters appear exactly once, and no input, however hostile, makes a link that goes anywhere else."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.registry import ADAPTERS
from jtbd_app.domain import partner_links
from jtbd_app.domain.partner_links import LinkRefused, host_allowed, validate_affiliate_params, validate_template
from jtbd_app.services.ports import TaskBrief

HOSTILE_QUERIES = [
    'lamp "quoted" & more',
    "a&b=c&tag=evil#fragment?x=1",
    "line one\nline two\r\nthree\ttab",
    "javascript:alert(document.cookie)",
    "ünïcødé 电灯泡 💡 lightbulbs",
    "../../etc/passwd %2e%2e %00 \\ backslash",
    "https://evil.example/@amazon.com",
    "\u202eevil\u200b zero-width",
    "x" * 5000,
    "word " * 1000,
]


def brief(
    query: str = "led lightbulbs", *, title: str = "Buy lightbulbs", location: str = "Austin, TX 78701"
) -> TaskBrief:
    return TaskBrief(title=title, kind="product", query=query, category="household", location=location)


def affiliate_for(adapter: type[PartnerBase]) -> str:
    return "tag=jtbd-20" if adapter.key == "amazon" else "utm_source=jtbd&utm_campaign=delegate"


def search_words(url: str) -> str:
    """The one query parameter (or path segment) of a partner's link that carries the search words."""
    params = parse_qs(urlsplit(url).query)
    for name in ("k", "query", "q"):
        if name in params:
            assert len(params[name]) == 1
            return params[name][0]
    raise AssertionError(f"no search words in {url}")


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.key)
def test_an_ordinary_task_links_to_the_partners_search_with_its_words(adapter: type[PartnerBase]) -> None:
    url = adapter().deep_link(brief(), template="", affiliate_params=affiliate_for(adapter))

    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert host_allowed(url, adapter.hosts)
    assert search_words(url) == "led lightbulbs"


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.key)
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_words_stay_words_inside_the_partners_link(adapter: type[PartnerBase], query: str) -> None:
    affiliate = affiliate_for(adapter)

    url = adapter().deep_link(brief(query, title=query, location=query), template="", affiliate_params=affiliate)

    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.fragment == "" and "@" not in parts.netloc
    assert host_allowed(url, adapter.hosts)
    assert len(url) <= partner_links.MAX_URL_CHARS
    assert not any(c.isspace() or ord(c) < 32 or ord(c) > 126 for c in url)
    params = parse_qs(parts.query)
    for key, value in (pair.split("=") for pair in affiliate.split("&")):
        assert params[key] == [value]  # exactly once, the configured value, whatever the words said
    words = search_words(url)
    expected = partner_links.clean_value(query, partner_links.VALUE_CHARS["query"])
    assert expected.startswith(words) and words  # the words round-trip (cut at a word when too long)
    assert len(words) <= partner_links.VALUE_CHARS["query"]


def test_a_long_query_is_cut_at_a_word() -> None:
    url = ADAPTERS[0]().deep_link(brief("lightbulb " * 50), template="", affiliate_params="")

    words = search_words(url)
    assert words.endswith("lightbulb") and len(words) <= partner_links.VALUE_CHARS["query"]


def test_an_affiliate_parameter_the_template_already_has_is_replaced_not_repeated() -> None:
    amazon = ADAPTERS[0]()

    url = amazon.deep_link(
        brief(), template="https://www.amazon.com/s?k={query}&tag=old-20&i=aps", affiliate_params="tag=jtbd-20&tag=x"
    )

    assert parse_qs(urlsplit(url).query) == {"k": ["led lightbulbs"], "i": ["aps"], "tag": ["x"]}


def test_the_default_affiliate_parameters_come_from_the_partners_setting() -> None:
    amazon, thumbtack = (a for a in ADAPTERS if a.key in ("amazon", "thumbtack"))

    assert amazon("tag=jtbd-20&credential_secret=s3cret").default_affiliate_params == "tag=jtbd-20"
    assert thumbtack("utm_source=jtbd&access_token=t").default_affiliate_params == "utm_source=jtbd"
    assert amazon("").default_affiliate_params == ""


def test_an_empty_zip_leaves_its_parameter_out() -> None:
    thumbtack = next(a for a in ADAPTERS if a.key == "thumbtack")()

    with_zip = thumbtack.deep_link(brief(location="Austin, TX 78701-1234"), template="", affiliate_params="")
    without = thumbtack.deep_link(brief(location="somewhere"), template="", affiliate_params="")

    assert parse_qs(urlsplit(with_zip).query)["zip_code"] == ["78701"]
    assert "zip_code" not in parse_qs(urlsplit(without).query)


def test_an_admins_template_that_no_longer_passes_gives_way_to_the_partners_own() -> None:
    amazon = ADAPTERS[0]()

    url = amazon.deep_link(brief(), template="https://evil.example/s?k={query}", affiliate_params="tag=jtbd-20")

    assert url == "https://www.amazon.com/s?k=led%20lightbulbs&tag=jtbd-20"


def test_build_refuses_a_template_to_another_host() -> None:
    with pytest.raises(LinkRefused):
        partner_links.build("https://evil.example/?q={query}", {"query": "x"}, "", ("amazon.com",))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amazon.com/s?k=x",
        "https://amazon.com",
        "https://smile.amazon.com/dp/B000",
        "https://WWW.Amazon.COM/s",
        "https://www.amazon.com:443/s",
    ],
)
def test_the_partners_host_and_its_subdomains_are_allowed(url: str) -> None:
    assert host_allowed(url, ("amazon.com",))


@pytest.mark.parametrize(
    "url",
    [
        "http://www.amazon.com/s",
        "https://amazon.com@evil.com/",
        "https://user:pw@www.amazon.com/",
        "https://amazon.com\\@evil.com/",
        "https://evil.com\\.amazon.com/",
        "https://evilamazon.com/",
        "https://amazon.com.evil.com/",
        "https://www.amazon.com:8443/",
        "https://amazon.com%2eevil.com/",
        "https://www.amazon.com/ s",
        "https://www.amazon.com/\n",
        "javascript:alert(1)//amazon.com",
        "//amazon.com/s",
        "https://[::1]/",
        "https://[bad/",
        "",
        "https://xn--mazon-3ve.com/",
    ],
)
def test_links_that_only_look_like_the_partner_are_refused(url: str) -> None:
    assert not host_allowed(url, ("amazon.com",))


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "Enter a link template"),
        ("http://www.amazon.com/s?k={query}", "must start with https://"),
        ("https://evil.example/s?k={query}", "must go to amazon.com"),
        ("https://amazon.com@evil.example/s?k={query}", "user name or password"),
        ("https://{query}.amazon.com/", "never in the host"),
        ("https://www.amazon.com/s?k={query.__class__}", "Use only these placeholders"),
        ("https://www.amazon.com/s?k={secret}", "Use only these placeholders"),
        ("https://www.amazon.com/s?k={query", "Use only these placeholders"),
        ("https://www.amazon.com/s?k={query}&a={query}&b={title}&c={zip}", "at most 3 placeholders"),
        ("https://www.amazon.com/s?k={query} now", "cannot contain spaces"),
        ("https://www.amazon.com\\s?k={query}", "backslashes"),
        ("https://www.amazon.com:8443/s?k={query}", "standard port"),
        ("https://www.amazon.com/s?k=" + "x" * 600, "under 600 characters"),
    ],
)
def test_an_admins_template_is_refused_with_a_reason(template: str, message: str) -> None:
    problem = validate_template(template, ("amazon.com",))

    assert problem is not None and message in problem


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.key)
def test_every_partners_own_template_passes(adapter: type[PartnerBase]) -> None:
    assert validate_template(adapter.default_template, adapter.hosts) is None


@pytest.mark.parametrize(
    ("params", "ok"),
    [
        ("", True),
        ("tag=jtbd-20", True),
        ("utm_source=jtbd&utm_campaign=delegate", True),
        ("tag", False),
        ("tag=", False),
        ("tag=a b", False),
        ("t<a>g=x", False),
        ("tag=" + "x" * 400, False),
    ],
)
def test_affiliate_parameters_are_checked_before_they_are_saved(params: str, ok: bool) -> None:
    assert (validate_affiliate_params(params) is None) == ok


@given(words=st.text(max_size=400), place=st.text(max_size=100))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_makes_a_link_to_the_partner_that_carries_it(words: str, place: str) -> None:
    for adapter in ADAPTERS:
        affiliate = affiliate_for(adapter)
        url = adapter().deep_link(
            brief(words, title=words or "Task", location=place), template="", affiliate_params=affiliate
        )

        assert host_allowed(url, adapter.hosts) and len(url) <= partner_links.MAX_URL_CHARS
        params = parse_qs(urlsplit(url).query)
        for key, value in (pair.split("=") for pair in affiliate.split("&")):
            assert params[key] == [value]
        cleaned = partner_links.clean_value(words, partner_links.VALUE_CHARS["query"])
        if cleaned:
            assert cleaned.startswith(search_words(url))
