"""The <head> of an HTML page as a crawler reads it: its titles, its <meta> tags and its canonical link."""

from __future__ import annotations

from html.parser import HTMLParser


class HeadTags(HTMLParser):
    """The title, every <meta> by name or property, and the canonical link, as a crawler parses them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.titles: list[str] = []
        self.canonical = ""
        self.tags: list[str] = []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "content" in values:
            self.meta[values.get("property") or values.get("name", "")] = values["content"]
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href", "")
        self._in_title = tag == "title"
        if self._in_title:
            self.titles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles[-1] += data
