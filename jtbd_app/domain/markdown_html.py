"""Markdown that members write (listing descriptions, contract documents, terms), rendered once on the server as
sanitized HTML, so that a page that shows it needs no markdown parser or code highlighter in the browser.

CommonMark with GitHub's tables and strikethrough (what the pages rendered with react-markdown and remark-gfm).
Raw HTML in the text is never passed through: markdown-it escapes it (`html=False`) and ammonia (nh3) then keeps only
the tags and attributes markdown itself produces, links to http(s) and mailto only, each link with
`rel="nofollow noopener noreferrer"`. A fenced code block is shown as preformatted text, without colours.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# The elements CommonMark plus tables and strikethrough produce; nothing else survives.
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
# A table cell's alignment (`| :-: |`) is the only inline style markdown writes.
STYLE_PROPERTIES = {"text-align"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def markdown_to_html(text: str) -> str:
    """Safe HTML for a member's markdown: their words with its formatting, never their markup."""
    if not text.strip():
        return ""
    rendered = _parser().render(text)
    return nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )
