"""The plan as a dependency graph, drawn as SVG from the server's layered layout (domain/plan_graph.py)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.domain.plan_graph import NODE_H, NODE_W, STATE_COLOURS

svg = rx.el.svg


def _node(node: rx.Var) -> rx.Component:
    return svg.g(
        svg.title(node.title),
        svg.rect(
            x=node.x,
            y=node.y,
            width=NODE_W,
            height=NODE_H,
            rx=8,
            fill=node.fill,
            stroke=node.stroke,
            stroke_width=2,
        ),
        svg.text(node.line1, x=node.x + 10, y=node.y + 22, font_size="13", fill="#0f172a"),
        svg.text(node.line2, x=node.x + 10, y=node.y + 40, font_size="13", fill="#0f172a"),
    )


def _edge(edge: rx.Var) -> rx.Component:
    return svg.path(d=edge.path, fill="none", stroke="#64748b", stroke_width=1.5, marker_end="url(#plan-arrow)")


def _legend() -> rx.Component:
    names = {
        "planned": "Planned",
        "open": "Open",
        "contracted": "In progress",
        "delivered": "Delivered",
        "done": "Done",
    }
    return rx.hstack(
        *[
            rx.hstack(
                rx.box(
                    width="0.9rem",
                    height="0.9rem",
                    border_radius="3px",
                    background=STATE_COLOURS[key][0],
                    border=f"2px solid {STATE_COLOURS[key][1]}",
                ),
                rx.text(label, size="1"),
                spacing="1",
                align="center",
            )
            for key, label in names.items()
        ],
        spacing="3",
        wrap="wrap",
        aria_hidden="true",
    )


def plan_graph(width: rx.Var, height: rx.Var, nodes: rx.Var, edges: rx.Var, *, label: rx.Var | str) -> rx.Component:
    """Tasks left to right in the order work can happen; an arrow from a task to each task that needs it."""
    return rx.vstack(
        rx.box(
            svg(
                svg.title(label),
                svg.defs(
                    svg.marker(
                        svg.path(d="M0,0 L8,4 L0,8 z", fill="#64748b"),
                        id="plan-arrow",
                        marker_width=8,
                        marker_height=8,
                        ref_x=2,
                        ref_y=4,
                        orient="auto",
                    )
                ),
                rx.foreach(edges, _edge),
                rx.foreach(nodes, _node),
                width=width,
                height=height,
                view_box=f"0 0 {width} {height}" if isinstance(width, int) else None,
                role="img",
                aria_label=label,
                style={"background": "var(--gray-2)", "border_radius": "8px"},
            ),
            overflow_x="auto",
            width="100%",
        ),
        _legend(),
        width="100%",
    )
