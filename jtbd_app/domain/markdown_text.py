"""Markdown read as plain words, for where no markup is rendered (a shared link's description): the marks go, the
words stay, and each list item ends as a sentence so that items do not run into each other."""

from __future__ import annotations

import re

_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [words](url) and ![alt](src): the words
_BLOCK_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_PAIRED = re.compile(r"(\*\*|__|~~|`)")
_LONE_STAR = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_LONE_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])")


def markdown_as_text(text: str) -> str:
    """The words of a markdown text on one line: no emphasis, heading, quote, rule or fence marks, links as their
    words, list items as sentences. Underscores inside words (snake_case) stay."""
    lines: list[str] = []
    for raw in text.splitlines():
        if _RULE.match(raw) or _FENCE.match(raw):
            continue
        item = bool(_LIST_ITEM.match(raw))
        line = _BLOCK_MARK.sub("", raw)
        line = _LINK.sub(r"\1", line)
        line = _LONE_UNDERSCORE.sub("", _LONE_STAR.sub("", _PAIRED.sub("", line))).strip()
        if line and item and line[-1] not in ".!?:;":
            line += "."
        if line:
            lines.append(line)
    return " ".join(" ".join(lines).split())
