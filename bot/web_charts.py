"""Charts for the console's /report as plain shapes that a template draws as inline SVG:
no JavaScript, nothing fetched, readable with styles off (each shape has a title)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.figures import MonthlyCounts

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 36, 48, 12
PALETTE = ("#1f5f8b", "#d9822b", "#3a8f5c", "#a23b72", "#6c6f7f", "#b8a21f")


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    shapes: list[Shape]
    labels: list[Label]
    legend: list[tuple[str, str]]  # (colour, name)


def _month_label(month: str) -> str:
    return f"{date(int(month[:4]), int(month[5:7]), 1):%b %y}"


def monthly_chart(counts: MonthlyCounts) -> Chart:
    """Cases per month, one bar per month stacked by kind."""
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    highest = max((counts.total(m) for m in counts.months), default=0) or 1
    step = plot_w / max(len(counts.months), 1)
    colours = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(counts.kinds)}
    shapes, labels = [], [Label(LEFT - 6, TOP + 4, str(highest), "end")]
    labels.append(Label(LEFT - 6, TOP + plot_h, "0", "end"))
    every = max(1, len(counts.months) // 12)  # at most about 12 month labels
    for i, month in enumerate(counts.months):
        x, base = LEFT + i * step + step * 0.15, float(TOP + plot_h)
        for kind in counts.kinds:
            n = counts.counts.get((month, kind), 0)
            if n:
                h = n / highest * plot_h
                base -= h
                title = f"{_month_label(month)}: {n} {kind}"
                shapes.append(
                    Shape(
                        round(x, 1),
                        round(base, 1),
                        round(step * 0.7, 1),
                        round(h, 1),
                        colours[kind],
                        title,
                    )
                )
        if i % every == 0:
            labels.append(Label(round(x + step * 0.35, 1), TOP + plot_h + 16, _month_label(month)))
    return Chart(WIDTH, HEIGHT, shapes, labels, [(colours[k], k) for k in counts.kinds])


def bar_chart(rows: list[tuple[str, int]]) -> Chart:
    """One horizontal bar per row (e.g. cases by days to acknowledge)."""
    row_h, label_w = 28, 130
    height = TOP + row_h * len(rows) + 8
    highest = max((n for _, n in rows), default=0) or 1
    plot_w = WIDTH - label_w - 48
    shapes, labels = [], []
    for i, (name, n) in enumerate(rows):
        y = TOP + i * row_h
        w = n / highest * plot_w
        shapes.append(Shape(label_w, y, round(w, 1), row_h - 8, PALETTE[0], f"{name}: {n}"))
        labels.append(Label(label_w - 8, y + row_h / 2, name, "end"))
        labels.append(Label(round(label_w + w + 6, 1), y + row_h / 2, str(n), "start"))
    return Chart(WIDTH, height, shapes, labels, [])
