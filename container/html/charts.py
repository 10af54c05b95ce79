"""Charts as inline SVG, drawn by matplotlib (its SVG backend, text kept as text), trimmed to a few kB each.

The page embeds every chart, so a chart's size is what the page's size is made of: matplotlib's SVG is
cleaned of its metadata, per-element ids and font lists (the page's CSS sets the font) and its coordinates
rounded to 0.1 pt. What stays is only the chart's own ids, prefixed per chart so that a page of hundreds
of charts has no duplicate id. Labels are data (category names): matplotlib escapes them as XML text, and
``_label`` keeps a ``$`` from starting mathtext.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import tempfile
from collections.abc import Sequence

import numpy as np

# matplotlib writes its font cache under MPLCONFIGDIR: the image sets one that is built in; elsewhere a
# folder of this process, never the user's home (a read-only home would fail the import).
os.environ.setdefault("MPLCONFIGDIR", os.path.join(tempfile.gettempdir(), "sagemaker-monitor-matplotlib"))

import matplotlib

matplotlib.use("svg")
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "sagemaker-monitor",  # ids from content, not from a random salt: the same page twice
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 8,
    "legend.frameon": False,
    "legend.fontsize": 7,
}
BASELINE, WINDOW, ACCENT = "#4c72b0", "#dd8452", "#c44e52"
_ids = itertools.count()


def distribution(edges: Sequence[float], baseline: Sequence[float], window: Sequence[float], title: str) -> str:
    """Share of values per bin, baseline as a line and window filled, on the same ``edges``."""
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(3.9, 1.7))
        fig.subplots_adjust(left=0.15, right=0.74, bottom=0.2, top=0.95)
        ax = fig.add_subplot()
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.stairs(window, edges, fill=True, color=WINDOW, alpha=0.45, label="window")
        ax.stairs(baseline, edges, color=BASELINE, linewidth=1.3, label="baseline")
        ax.set_ylabel("share")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 5))
        return _svg(fig, title)


def categories(names: Sequence[str], baseline: Sequence[float], window: Sequence[float], title: str) -> str:
    """Share of each of the most frequent categories, baseline and window side by side."""
    with matplotlib.rc_context(_STYLE):
        height = 0.55 + 0.17 * max(len(names), 3)
        fig = Figure(figsize=(3.9, height))
        fig.subplots_adjust(left=0.3, right=0.74, bottom=0.4 / height, top=1 - 0.08 / height)
        ax = fig.add_subplot()
        ax.xaxis.set_major_locator(MaxNLocator(4))
        y = np.arange(len(names))
        ax.barh(y - 0.2, baseline, 0.4, color=BASELINE, label="baseline")
        ax.barh(y + 0.2, window, 0.4, color=WINDOW, label="window")
        ax.set_yticks(y, [_label(n) for n in names])
        ax.invert_yaxis()
        ax.set_xlabel("share")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig, title)


def curve(x: Sequence[float], y: Sequence[float], xlabel: str, ylabel: str, title: str, diagonal: bool = False) -> str:
    """A ROC or precision-recall curve."""
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(2.6, 2.4))
        fig.subplots_adjust(left=0.2, right=0.95, bottom=0.18, top=0.95)
        ax = fig.add_subplot()
        if diagonal:
            ax.plot([0, 1], [0, 1], color="#999999", linewidth=0.8, linestyle="--")
        ax.plot(x, y, color=BASELINE, linewidth=1.3)
        ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel=xlabel, ylabel=ylabel)
        return _svg(fig, title)


def trend(labels: Sequence[str], series: dict[str, Sequence[float | None]], current: int, title: str, ylabel: str = "") -> str:
    """Lines over the runs (``labels``), the current run marked; a None is a run without that value."""
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(6.4, 2.0))
        fig.subplots_adjust(left=0.09, right=0.7, bottom=0.16, top=0.95)
        ax = fig.add_subplot()
        x = np.arange(len(labels))
        for name, values in series.items():
            ys = np.array([np.nan if v is None else v for v in values], dtype=float)
            ax.plot(x, ys, marker="o", markersize=2.5, linewidth=1.1, label=_label(name))
        ax.axvline(current, color=ACCENT, linewidth=1.0, linestyle=":", label="this run")
        step = max(1, len(labels) // 6)
        ax.set_xticks(x[::step], [_label(s) for s in labels[::step]])
        if ylabel:
            ax.set_ylabel(ylabel)
        if len(series) <= 8:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig, title)


def _label(text: str, limit: int = 24) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")  # a $ pair would be read as mathtext


def _svg(fig: Figure, title: str) -> str:
    # Fixed margins rather than bbox_inches="tight", which draws every chart twice.
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _trimmed(buffer.getvalue(), f"c{next(_ids)}", title)


_METADATA = re.compile(r"<metadata>.*?</metadata>|<\?xml[^>]*>|<!DOCTYPE[^>]*>", re.S)
_FONT = re.compile(r"font-family:[^;\"]*;?")
_NUMBER = re.compile(r"(\d+\.\d)\d+")
_GROUP_ID = re.compile(r' id="(?![pm][0-9a-f]{10}")[^"]*"')
_OWN_ID = re.compile(r'(id="|url\(#|href="#)([pm][0-9a-f]{10})')
_SPACE = re.compile(r">\s+<")
_TAG = re.compile(r"<[^>]*>")


def _trimmed(svg: str, prefix: str, title: str) -> str:
    svg = _METADATA.sub("", svg)
    svg = _FONT.sub("", svg)
    svg = _GROUP_ID.sub("", svg)
    svg = _OWN_ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    svg = _TAG.sub(lambda m: _NUMBER.sub(r"\1", m.group(0)), svg)  # coordinates only, never a label's text
    svg = _SPACE.sub("><", svg).strip()
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace("<svg ", '<svg role="img" class="chart" ', 1).replace(">", f"><title>{escaped}</title>", 1)
