"""Charts drawn on the server as SVG: no JavaScript, no internet, readable in print.
The same functions serve the dashboard and the PDF reports.

Every chart is an accessible image (``role="img"`` with a ``<title>``) and uses the
DejaVu Sans font that WeasyPrint has on the server."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

FONT = "DejaVu Sans, Arial, sans-serif"
BLUE = "#1f4e79"
GREEN = "#1e7b45"
GREY = "#d5dde6"
INK = "#1d2733"
MUTED = "#5b6774"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1
    note: str = ""


def _pct(value: float) -> str:
    return f"{round(value * 100):d}%"


def horizontal_bars(bars: list[Bar], *, title: str, width: int = 560, row: int = 28) -> str:
    """One bar per row (e.g. completion per area), value as a share of the full width."""
    label_w, value_w = 190, 56
    bar_w = width - label_w - value_w - 10
    height = row * len(bars) + 8
    parts = [
        f'<svg class="chart-bars" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" font-family="{FONT}" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row
        filled = max(0.0, min(1.0, bar.value)) * bar_w
        parts.append(
            f'<text x="0" y="{y + row * 0.62:.1f}" fill="{INK}">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="{row - 12}" rx="3" '
            f'fill="{GREY}"/>'
            f'<rect x="{label_w}" y="{y + 6}" width="{filled:.1f}" height="{row - 12}" rx="3" '
            f'fill="{GREEN if bar.value >= 1 else BLUE}"/>'
            f'<text x="{width - 4}" y="{y + row * 0.62:.1f}" text-anchor="end" fill="{INK}" '
            f'font-weight="bold">{_pct(bar.value)}</text>'
        )
        if bar.note:
            parts.append(f"<desc>{escape(bar.label)}: {escape(bar.note)}</desc>")
    parts.append("</svg>")
    return "".join(parts)


def column_trend(bars: list[Bar], *, title: str, width: int = 420, height: int = 200) -> str:
    """Vertical columns (e.g. completion per quarter) with the value above each."""
    n = max(1, len(bars))
    top, bottom = 22, 26
    plot_h = height - top - bottom
    slot = width / n
    col_w = min(64.0, slot * 0.6)
    parts = [
        f'<svg class="chart-columns" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" font-family="{FONT}" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="{MUTED}"/>',
    ]
    for i, bar in enumerate(bars):
        value = max(0.0, min(1.0, bar.value))
        x = i * slot + (slot - col_w) / 2
        h = value * plot_h
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="{col_w:.1f}" height="{plot_h}" fill="#eef2f6"/>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
            f'fill="{GREEN if value >= 1 else BLUE}"/>'
            f'<text x="{x + col_w / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}" '
            f'font-weight="bold">{_pct(value)}</text>'
            f'<text x="{x + col_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(bar.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
