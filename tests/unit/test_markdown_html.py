"""Members' markdown as the server renders it for a page (domain.markdown_html): the formatting a listing had in the
browser, and never a member's own markup, script link or attribute."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from jtbd_app.domain.markdown_html import markdown_to_html


def test_markdown_keeps_its_formatting() -> None:
    html = markdown_to_html(
        "## Scope\n\n**Bold**, *slanted*, ~~struck~~ and `code`.\n\n- one\n- two\n\n1. first\n\n"
        "> quoted\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\n```python\nprint('<b>')\n```\n\n---\n"
    )
    for part in (
        "<h2>Scope</h2>",
        "<strong>Bold</strong>",
        "<em>slanted</em>",
        "<s>struck</s>",
        "<code>code</code>",
        "<ul>\n<li>one</li>",
        "<ol>\n<li>first</li>",
        "<blockquote>",
        '<th style="text-align:center">a</th>',
        '<pre><code><span class="nb">print</span><span class="p">(</span><span class="s1">\'&lt;b&gt;\'</span>',
        "<hr>",
    ):
        assert part in html


def test_code_in_a_language_nobody_knows_is_plain_text() -> None:
    assert "<pre><code>x = '&lt;i&gt;'\n</code></pre>" in markdown_to_html("```no-such-language\nx = '<i>'\n```")
    assert "<pre><code>plain\n</code></pre>" in markdown_to_html("```\nplain\n```")


def test_a_member_cannot_borrow_a_class_or_pass_one_through_the_highlighter() -> None:
    html = markdown_to_html('```html\n<span class="member-text admin">x</span>\n```\n\n<span class="k">y</span>')
    for tag, attrs in _Elements(html).found:
        assert tag in {"pre", "code", "span", "p"}, tag
        assert attrs.get("class") in (None, "p", "nt", "na", "o", "s"), attrs  # Pygments' token classes only
    assert '<p>&lt;span class="k"&gt;y&lt;/span&gt;</p>' in html  # outside a code block, a span is words


def test_headings_sit_under_the_page_heading_they_are_shown_below() -> None:
    text = "# Scope\n\n## Deliverables\n\n###### Small print"
    assert [tag for tag, _ in _Elements(markdown_to_html(text)).found] == ["h1", "h2", "h6"]
    assert [tag for tag, _ in _Elements(markdown_to_html(text, top_heading=3)).found] == ["h3", "h4", "h6"]


def test_links_are_kept_for_the_web_and_mail_only_and_never_pass_a_referrer() -> None:
    html = markdown_to_html(
        "[site](https://example.com/a?b=1) and [me](mailto:ann@example.com) and <https://x.org> and https://bare.example/p and www.example.org"
    )
    assert '<a href="https://example.com/a?b=1" rel="nofollow noopener noreferrer">site</a>' in html
    assert '<a href="mailto:ann@example.com" rel="nofollow noopener noreferrer">me</a>' in html
    assert '<a href="https://x.org" rel="nofollow noopener noreferrer">https://x.org</a>' in html
    assert '<a href="https://bare.example/p" rel="nofollow noopener noreferrer">https://bare.example/p</a>' in html
    assert '<a href="http://www.example.org" rel="nofollow noopener noreferrer">www.example.org</a>' in html


class _Elements(HTMLParser):
    """Every element and attribute of a piece of HTML, as a browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        '![x](https://example.com/a.png" onerror="alert(1))',
        '![x](javascript:alert(1) "t")',
        "<iframe src='https://example.com'></iframe>",
        "<div style='position:fixed;inset:0'>cover</div>",
        '[x](https://example.com "title" onclick="alert(1)")',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_no_markup_or_script_link_of_a_member_survives(text: str) -> None:
    for tag, attrs in _Elements(markdown_to_html(text)).found:
        assert tag in {"p", "a", "img", "em", "strong"}, (text, tag)
        assert not [name for name in attrs if name.startswith("on") or name == "style"], (text, attrs)
        for name in ("href", "src"):
            if name in attrs:
                assert (attrs[name] or "").startswith(("https://", "http://", "mailto:")), (text, attrs)


def test_a_markup_tag_is_shown_as_the_words_it_is() -> None:
    assert markdown_to_html("Use <b>bold</b> here") == "<p>Use &lt;b&gt;bold&lt;/b&gt; here</p>\n"


def test_empty_text_renders_nothing() -> None:
    assert markdown_to_html("") == "" and markdown_to_html("  \n ") == ""
