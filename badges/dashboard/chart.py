"""The weekly issued-vs-accepted chart, drawn here as SVG: no script, nothing fetched, readable without CSS.

The page puts the same numbers in a table beside it, which is what screen readers are pointed to."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 36


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Label:
    x: float
    text: str


def axis_max(value):
    """The axis top: 4, 8 or 20 times a power of ten, so that its four gridlines fall on whole numbers."""
    top = 4
    while True:
        for factor in (1, 2, 5):
            if top * factor >= value:
                return top * factor
        top *= 10


def weekly_chart(weeks):
    """Geometry for `templates/admin/badges/_weekly_chart.svg`: two bars per week (issued, accepted)."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = axis_max(max([max(issued, accepted) for _, issued, accepted in weeks] or [0]))
    slot = plot_width / max(len(weeks), 1)
    bar_width = max(min(slot * 0.38, 24), 1)
    issued_bars, accepted_bars, labels = [], [], []
    label_every = max(1, round(len(weeks) / 8))
    for index, (monday, issued, accepted) in enumerate(weeks):
        x = LEFT + index * slot + slot / 2
        for bars, value, offset in ((issued_bars, issued, -bar_width), (accepted_bars, accepted, 0)):
            height = plot_height * value / top
            bars.append(
                Bar(
                    round(x + offset, 1),
                    round(TOP + plot_height - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    value,
                )
            )
        if index % label_every == 0:
            labels.append(Label(round(x, 1), f"{monday:%b} {monday.day}"))
    ticks = [Tick(round(TOP + plot_height * (1 - step / 4), 1), f"{top * step // 4:,}") for step in range(5)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": HEIGHT - BOTTOM + 16,
        "issued": issued_bars,
        "accepted": accepted_bars,
        "ticks": ticks,
        "labels": labels,
    }
