"""Markdown that members write (listing descriptions, contract documents, terms), rendered once on the server as
sanitized HTML, so that a page that shows it needs no markdown parser or code highlighter in the browser.

CommonMark with GitHub's tables, strikethrough and bare links (what the pages rendered with react-markdown and
remark-gfm). Raw HTML in the text is never passed through: markdown-it escapes it (`html=False`) and ammonia (nh3)
then keeps only the tags and attributes markdown itself produces, links to http(s) and mailto only, each link with
`rel="nofollow noopener noreferrer"`. A fenced code block that names its language is coloured on the server by
Pygments: spans with Pygments' short token classes, which `assets/member_text.css` colours.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

# The elements CommonMark plus tables and strikethrough produce, and the highlighter's spans; nothing else survives.
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
# Only Pygments' own token classes (k, s2, nf...) on a span: a member cannot borrow the app's classes.
TOKEN_CLASSES = {name for name in STANDARD_TYPES.values() if name}
ALLOWED_CLASSES = {"span": TOKEN_CLASSES}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
# A table cell's alignment (`| :-: |`) is the only inline style markdown writes.
STYLE_PROPERTIES = {"text-align"}
MAX_HIGHLIGHTED = 20_000  # characters of one code block; a longer one is shown plain (colouring costs CPU)


def _highlight(code: str, language: str, _attrs: str) -> str:
    """The block's lines as Pygments' spans, for a language Pygments knows; "" (plain, escaped) otherwise."""
    if not language or len(code) > MAX_HIGHLIGHTED:
        return ""
    try:
        lexer = get_lexer_by_name(language.strip().lower())
    except ClassNotFound:
        return ""
    return highlight(code, lexer, HtmlFormatter(nowrap=True))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark", {"html": False, "linkify": True, "typographer": False, "highlight": _highlight}
    ).enable(["table", "strikethrough", "linkify"])
    return parser


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    """The sanitizer, its allow-lists built once (`nh3.clean` builds them on each call: most of its cost)."""
    return nh3.Cleaner(
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )


@lru_cache(maxsize=512)
def markdown_to_html(text: str, *, top_heading: int = 1) -> str:
    """Safe HTML for a member's markdown: their words with its formatting, never their markup.

    `top_heading` is the level a `#` heading becomes (2 under a page's own h1, 3 inside a section), so that the text's
    headings sit under the page's in the outline; deeper ones follow it, down to h6. Cached by text: a contract's
    document or the terms are rendered once per worker, not on every page load."""
    if not text.strip():
        return ""
    parser = _parser()
    env: dict[str, object] = {}
    tokens = parser.parse(text, env)
    shift = max(0, min(top_heading, 6) - 1)
    if shift:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    rendered = parser.renderer.render(tokens, parser.options, env)
    return _cleaner().clean(rendered)
