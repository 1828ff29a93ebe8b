"""Styles shared by the app's tables: a caption for screen readers only, and rows that become cards on a phone."""

from __future__ import annotations

# Names the table for screen readers (and tests) without repeating the visible heading.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


# Below this width a table's rows become cards: each cell on its own line, named by its column.
STACK_BELOW = "48em"


def stacked_on_a_phone(headers: list[str]) -> dict[str, object]:
    """A table's style that, on a narrow screen, shows each row as a card: the first cell (the row's header) as its
    title, every other cell on a line of its own after its column's name. The table, its caption and its header row
    stay in the page for screen readers; nothing is cut off and nothing scrolls sideways."""
    labels: dict[str, object] = {
        f"& tr > :nth-child({i})::before": {"content": f'"{h}"'} for i, h in enumerate(headers, start=1) if i > 1 and h
    }
    return {
        f"@media screen and (max-width: {STACK_BELOW})": {
            "& table, & tbody, & tr, & th": {"display": "block", "width": "100%"},
            "& table": {"height": "auto"},  # Radix gives the table `height: 0`, a minimum only while it is a table
            "& td": {"display": "flex", "flex_wrap": "wrap", "align_items": "center", "column_gap": "0.5rem"},
            "& thead": VISUALLY_HIDDEN,
            "& tbody tr": {"padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-a5)"},
            "& tbody tr:last-child": {"border_bottom": "none"},
            "& th, & td": {
                "box_shadow": "none",
                "height": "auto",
                "padding": "0.2rem 0.75rem",
                "overflow_wrap": "anywhere",
            },
            "& tbody th": {"font_weight": "bold"},
            "& td::before": {
                "display": "inline-block",
                "min_width": "6.5rem",
                "color": "var(--gray-11)",
                "font_size": "var(--font-size-1)",
            },
            **labels,
        }
    }
