"""Finds each task of a streamed plan as soon as its JSON object is complete, so a page can show tasks arriving.

The answer grows a few characters at a time (`{"tasks": [{...}, {...`); the scanner keeps its place and reports each
element of the top-level "tasks" array once its closing brace arrives, without re-reading what it has seen.
"""

from __future__ import annotations


class TaskScanner:
    """Feed it the text as it arrives; `feed` returns (index, object text) for every task completed by that piece."""

    def __init__(self) -> None:
        self._text: list[str] = []  # the string being read at the top level (a key, perhaps)
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._key = ""  # the top-level key whose value is being read
        self._in_tasks = False
        self._collecting = False
        self._element: list[str] = []
        self._count = 0

    def feed(self, piece: str) -> list[tuple[int, str]]:
        done: list[tuple[int, str]] = []
        for char in piece:
            if self._collecting:
                self._element.append(char)
            self._step(char, done)
        return done

    def _step(self, char: str, done: list[tuple[int, str]]) -> None:
        if self._in_string:
            if self._escaped:
                self._escaped = False
            elif char == "\\":
                self._escaped = True
            elif char == '"':
                self._in_string = False
            elif self._depth == 1:
                self._text.append(char)
            return
        if char == '"':
            self._in_string = True
            if self._depth == 1:
                self._text = []
        elif char == ":" and self._depth == 1:
            self._key = "".join(self._text)
        elif char in "{[":
            self._depth += 1
            if char == "[" and self._depth == 2 and self._key == "tasks":
                self._in_tasks = True
            elif char == "{" and self._depth == 3 and self._in_tasks:
                self._collecting = True
                self._element = ["{"]
        elif char in "}]":
            if char == "}" and self._depth == 3 and self._collecting:
                done.append((self._count, "".join(self._element)))
                self._count += 1
                self._collecting = False
                self._element = []
            elif char == "]" and self._depth == 2:
                self._in_tasks = False
            self._depth = max(self._depth - 1, 0)
        elif char == "," and self._depth == 1:
            self._key = ""
