"""A partner's scorecard over the weeks, drawn as SVG from the server's layout (domain/scorecard_chart.py), with the
same numbers in a table beside it: the picture is one image with a one-sentence summary, the table is what screen
readers and anyone who prefers numbers read."""

from __future__ import annotations

import reflex as rx

from jtbd_app.domain.scorecard_chart import (
    BAR_HEIGHT,
    BAR_TOP,
    CLICKS_COLOUR,
    LINE_HEIGHT,
    LINE_TOP,
    OFFERED_COLOUR,
    RATING_COLOUR,
    SUCCESS_COLOUR,
    WIDTH,
)

svg = rx.el.svg


def _bar(bar: rx.Var) -> rx.Component:
    return svg.rect(svg.title(bar.title), x=bar.x, y=bar.y, width=bar.width, height=bar.height, fill=bar.fill)


def _label(label: rx.Var) -> rx.Component:
    return svg.text(label.text, x=label.x, y=label.y, font_size="10", fill="currentColor")


def _picture(chart: rx.Var) -> rx.Component:
    return svg(
        svg.title(chart.summary),
        svg.line(x1=0, x2=WIDTH, y1=BAR_TOP + BAR_HEIGHT, y2=BAR_TOP + BAR_HEIGHT, stroke="#cbd5e1"),
        svg.rect(x=0, y=LINE_TOP, width=WIDTH, height=LINE_HEIGHT, fill="none", stroke="#cbd5e1"),
        rx.foreach(chart.bars, _bar),
        svg.polyline(points=chart.rating_points, fill="none", stroke=RATING_COLOUR, stroke_width=2),
        svg.polyline(points=chart.success_points, fill="none", stroke=SUCCESS_COLOUR, stroke_width=2),
        rx.foreach(chart.dots, _bar),
        rx.foreach(chart.labels, _label),
        view_box="0 0 " + chart.width.to_string() + " " + chart.height.to_string(),
        width="100%",
        role="img",
        aria_label=chart.summary,
        style={"max_width": f"{WIDTH}px", "background": "var(--gray-2)", "border_radius": "6px"},
    )


def _table(chart: rx.Var, name: rx.Var) -> rx.Component:
    cell = {"padding": "0.1rem 0.25rem", "text_align": "right"}
    return rx.box(
        rx.el.table(
            rx.el.caption("Week by week: ", name, style={"text_align": "left", "font_size": "0.8rem"}),
            rx.el.thead(
                rx.el.tr(
                    *[
                        rx.el.th(h, scope="col", style=cell)
                        for h in ("Week of", "Offered", "Clicks", "Reports", "Rating", "Done")
                    ]
                )
            ),
            rx.el.tbody(
                rx.foreach(
                    chart.rows,
                    lambda r: rx.el.tr(
                        rx.el.th(r.week, scope="row", style={**cell, "text_align": "left"}),
                        rx.el.td(r.offered, style=cell),
                        rx.el.td(r.clicks, style=cell),
                        rx.el.td(r.reported, style=cell),
                        rx.el.td(r.rating, style=cell),
                        rx.el.td(r.success, style=cell),
                    ),
                )
            ),
            style={"font_size": "0.75rem", "border_collapse": "collapse"},
        ),
        overflow_x="auto",
        max_width="100%",
        min_width="0",
    )


def _legend() -> rx.Component:
    keys = (("Offered", OFFERED_COLOUR), ("Clicks", CLICKS_COLOUR), ("Rating", RATING_COLOUR), ("Done", SUCCESS_COLOUR))
    return rx.hstack(
        *[
            rx.hstack(
                rx.box(width="0.7rem", height="0.7rem", border_radius="2px", background=colour),
                rx.text(label, size="1"),
                spacing="1",
                align="center",
            )
            for label, colour in keys
        ],
        spacing="3",
        wrap="wrap",
        aria_hidden="true",
    )


def scorecard_chart(chart: rx.Var, name: rx.Var) -> rx.Component:
    """The chart and its table side by side on a wide screen, one above the other on a phone."""
    return rx.flex(
        rx.vstack(_picture(chart), _legend(), width="100%", max_width=f"{WIDTH}px", min_width="0", spacing="1"),
        _table(chart, name),
        direction=rx.breakpoints(initial="column", md="row"),
        spacing="4",
        width="100%",
        align="start",
        min_width="0",
    )
