"""Curves for the staff screens, drawn as SVG on the server: item characteristic curves and test information.

A ``Chart`` holds geometry only; ``itembank/_chart.html`` draws it, with a data table for people who
cannot see the picture.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .psychometrics.irt import item_information, probability

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 40
THETA = np.linspace(-4.0, 4.0, 81)


@dataclass
class Series:
    label: str
    path: str
    css: str


@dataclass
class Marker:
    """A vertical bar at ``x`` from ``y0`` to ``y1`` (a target band), in chart coordinates."""
    x: float
    y0: float
    y1: float


@dataclass
class Chart:
    y_label: str
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[Series] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    table: list[tuple[str, list[str]]] = field(default_factory=list)   # (theta, values per series) for the data table
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_left(self):
        return LEFT

    @property
    def plot_right(self):
        return self.width - RIGHT

    @property
    def plot_top(self):
        return TOP

    @property
    def plot_bottom(self):
        return self.height - BOTTOM


def _x(theta):
    return LEFT + (np.asarray(theta) + 4.0) / 8.0 * (WIDTH - LEFT - RIGHT)


def _y(value, top: float):
    return HEIGHT - BOTTOM - np.asarray(value) / top * (HEIGHT - TOP - BOTTOM)


def _path(values, top: float) -> str:
    xs, ys = _x(THETA), _y(values, top)
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))


def _nice_top(value: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100):
        if value <= step * 5:
            return step * max(1, int(np.ceil(value / step)))
    return float(np.ceil(value))


def _y_ticks(top: float, count: int = 5) -> list[tuple[float, str]]:
    return [(float(_y(top * k / count, top)), f"{top * k / count:g}") for k in range(count + 1)]


def _x_ticks() -> list[tuple[float, str]]:
    return [(float(_x(t)), f"{t:g}") for t in range(-4, 5)]


def _table(series_values: list[np.ndarray]) -> list[tuple[str, list[str]]]:
    rows = []
    for k in range(0, len(THETA), 10):   # every whole theta from -4 to 4
        rows.append((f"{THETA[k]:g}", [f"{values[k]:.2f}" for values in series_values]))
    return rows


def item_curve(a: float, b: float, labels: dict) -> Chart:
    """The probability of a right answer and the item's information across ability."""
    p = probability(THETA, [a], [b])[:, 0]
    info = item_information(THETA, [a], [b])[:, 0]
    chart = Chart(y_label=labels["y"], x_ticks=_x_ticks(), y_ticks=_y_ticks(1.0))
    top = 1.0
    chart.series.append(Series(labels["probability"], _path(p, top), "chart__line"))
    # information of a single item rarely tops 1 for a <= 2; rescale so its peak fits the same axis
    peak = float(info.max()) or 1.0
    chart.series.append(Series(labels["information"], _path(info / max(peak, 1.0), top), "chart__line chart__line--second"))
    chart.markers.append(Marker(float(_x(b)), float(_y(0, top)), float(_y(1, top))))
    chart.table = _table([p, info])
    return chart


def information_chart(forms_information: np.ndarray, labels: dict, target: np.ndarray | None = None,
                      target_thetas=(), band: float = 0.1) -> Chart:
    """Test information of several forms (rows of ``forms_information`` over THETA) and the target band."""
    top = _nice_top(float(forms_information.max()) * 1.05 if forms_information.size else 1.0)
    chart = Chart(y_label=labels["y"], x_ticks=_x_ticks(), y_ticks=_y_ticks(top))
    for n, row in enumerate(forms_information):
        chart.series.append(Series(labels["form"](n + 1), _path(row, top), "chart__line chart__line--faint"))
    if target is not None:
        for theta, value in zip(target_thetas, target):
            chart.markers.append(Marker(float(_x(theta)), float(_y(value * (1 - band), top)),
                                        float(_y(value * (1 + band), top))))
    mean = forms_information.mean(axis=0)
    chart.series.append(Series(labels["mean"], _path(mean, top), "chart__line"))
    chart.table = _table([mean, forms_information.min(axis=0), forms_information.max(axis=0)])
    return chart


def forms_information(a: np.ndarray, b: np.ndarray, forms: list[np.ndarray]) -> np.ndarray:
    """Test information over THETA for each form (item indices into ``a`` and ``b``)."""
    grid = item_information(THETA, a, b)   # theta x items
    return np.array([grid[:, form].sum(axis=1) for form in forms])
