"""Reading the marketplace's results region (services/marketplace/results_html) as a person or a screen reader
would: the listings' names, the links and what the region says."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Region:
    titles: list[str] = field(default_factory=list)  # the listitems' accessible names, in order
    links: dict[str, str] = field(default_factory=dict)  # a link's accessible name (aria-label, else text) -> href
    current_page: str = ""
    text: str = ""  # every text node, joined by spaces


def read_region(html: str) -> Region:
    region = Region()
    parser = _Reader(region)
    parser.feed(html)
    parser.close()
    region.text = " ".join(" ".join(parser.texts).split())
    return region


class _Reader(HTMLParser):
    def __init__(self, region: Region) -> None:
        super().__init__(convert_charrefs=True)
        self.region = region
        self.texts: list[str] = []
        self.link: tuple[str, str, list[str]] | None = None  # (aria-label, href, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("role") == "listitem":
            self.region.titles.append(values.get("aria-label", ""))
        if values.get("aria-current") == "page":
            self.region.current_page = values.get("aria-label", "")
        if tag == "a":
            self.link = (values.get("aria-label", ""), values.get("href", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            label, href, words = self.link
            self.region.links[label or " ".join("".join(words).split())] = href
            self.link = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.link is not None:
            self.link[2].append(data)
