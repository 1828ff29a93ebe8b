"""A plan drawn as a layered dependency graph (left to right in the order work can happen), laid out on the server.

Layers are longest paths from the tasks that need nothing; within a layer, tasks are ordered by the mean position of
their neighbours (a few sweeps of the barycenter heuristic), which keeps most edges from crossing. The page renders
the result as SVG: no graph library in the browser, nothing for the Content-Security-Policy to allow.
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_W = 180
NODE_H = 56
GAP_X = 60
GAP_Y = 20
PAD = 10
SWEEPS = 4

STATE_COLOURS: dict[str, tuple[str, str]] = {  # state -> (fill, stroke); readable in light and dark themes
    "planned": ("#eef2ff", "#6366f1"),
    "open": ("#e0f2fe", "#0284c7"),
    "contracted": ("#fef3c7", "#d97706"),
    "delivered": ("#f3e8ff", "#9333ea"),
    "done": ("#dcfce7", "#16a34a"),
    "cancelled": ("#f1f5f9", "#64748b"),
    "late": ("#fee2e2", "#dc2626"),
}


@dataclass(frozen=True)
class GraphNode:
    key: str
    x: int
    y: int
    line1: str
    line2: str
    state: str
    fill: str
    stroke: str
    title: str  # the full text a pointer or screen reader gets


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    path: str  # an SVG path from the right of `source` to the left of `target`


@dataclass(frozen=True)
class GraphLayout:
    width: int
    height: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def _layers(keys: list[str], needs: dict[str, list[str]]) -> dict[str, int]:
    layer: dict[str, int] = {}
    remaining = list(keys)
    while remaining:
        progressed = False
        for key in list(remaining):
            if all(d in layer for d in needs[key]):
                layer[key] = 1 + max((layer[d] for d in needs[key]), default=-1)
                remaining.remove(key)
                progressed = True
        if not progressed:  # a cycle (never saved; drawn flat rather than failing)
            for key in remaining:
                layer[key] = 0
            break
    return layer


def _order(keys: list[str], needs: dict[str, list[str]], layer: dict[str, int]) -> list[list[str]]:
    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for key in keys:
        columns[layer[key]].append(key)
    users: dict[str, list[str]] = {k: [] for k in keys}
    for key in keys:
        for need in needs[key]:
            users[need].append(key)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for c in indices:
            neighbour_col = columns[c - 1] if forward else columns[c + 1]
            position = {k: i for i, k in enumerate(neighbour_col)}
            current = {k: i for i, k in enumerate(columns[c])}
            links = needs if forward else users
            centre = {k: _mean([position[n] for n in links[k] if n in position], current[k]) for k in columns[c]}
            columns[c].sort(key=lambda k: (centre[k], current[k]))
    return columns


def _mean(values: list[int], default: int) -> float:
    return sum(values) / len(values) if values else float(default)


def _wrap(title: str) -> tuple[str, str]:
    words, line1, line2 = title.split(), "", ""
    for word in words:
        if len(line1) + len(word) + 1 <= 24 and not line2:
            line1 = f"{line1} {word}".strip()
        else:
            line2 = f"{line2} {word}".strip()
    if len(line2) > 24:
        line2 = line2[:23].rstrip() + "…"
    if len(line1) > 24:
        line1 = line1[:23] + "…"
    return line1, line2


def layout(tasks: list[tuple[str, str, list[str], str]]) -> GraphLayout:
    """`tasks` as (key, title, keys it needs, state) in the plan's order."""
    keys = [k for k, _, _, _ in tasks]
    known = set(keys)
    needs = {k: [d for d in deps if d in known] for k, _, deps, _ in tasks}
    info = {k: (title, state) for k, title, _, state in tasks}
    columns = _order(keys, needs, _layers(keys, needs))
    tallest = max((len(c) for c in columns), default=0)
    height = PAD * 2 + tallest * NODE_H + max(0, tallest - 1) * GAP_Y
    width = PAD * 2 + len(columns) * NODE_W + max(0, len(columns) - 1) * GAP_X
    place: dict[str, tuple[int, int]] = {}
    nodes: list[GraphNode] = []
    for c, column in enumerate(columns):
        offset = (height - (len(column) * NODE_H + max(0, len(column) - 1) * GAP_Y)) // 2
        for r, key in enumerate(column):
            x, y = PAD + c * (NODE_W + GAP_X), offset + r * (NODE_H + GAP_Y)
            place[key] = (x, y)
            title, state = info[key]
            fill, stroke = STATE_COLOURS.get(state, STATE_COLOURS["planned"])
            line1, line2 = _wrap(title)
            nodes.append(GraphNode(key, x, y, line1, line2, state, fill, stroke, title))
    edges: list[GraphEdge] = []
    for key in keys:
        tx, ty = place[key]
        for need in needs[key]:
            sx, sy = place[need]
            x1, y1, x2, y2 = sx + NODE_W, sy + NODE_H // 2, tx, ty + NODE_H // 2
            mid = (x1 + x2) // 2
            edges.append(GraphEdge(need, key, f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 6},{y2}"))
    return GraphLayout(
        width=max(width, NODE_W + 2 * PAD), height=max(height, NODE_H + 2 * PAD), nodes=nodes, edges=edges
    )
