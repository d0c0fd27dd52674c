"""Horizontal bar charts as inline SVG, rendered on the server: no script, no CDN.

Each chart is an `<svg role="img">` with a `<title>` and one `<text>` per bar carrying the
value, so a screen reader and a text search both find the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW = 26
LABEL_WIDTH = 170
BAR_WIDTH = 320
VALUE_WIDTH = 70


def bar_chart(
    rows: Sequence[tuple[str, float | int | None]], *, title: str, integer: bool = False
) -> SafeString:
    """Bars for `rows` of (label, value). Shares (0..1) unless `integer`; None draws no bar
    and reads "n/a"."""
    if not rows:
        return format_html('<p class="muted">{}: nothing to show yet.</p>', title)
    top = max((v for _, v in rows if v is not None), default=0) if integer else 1.0
    height = ROW * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    bars = format_html_join(
        "",
        '<g class="bar"><text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
        '<text class="value" x="{}" y="{}">{}</text></g>',
        (
            (
                LABEL_WIDTH - 8,
                i * ROW + 18,
                label[:28],
                LABEL_WIDTH,
                i * ROW + 5,
                _length(value, top),
                ROW - 8,
                LABEL_WIDTH + _length(value, top) + 6,
                i * ROW + 18,
                _format(value, integer),
            )  # fmt: skip
            for i, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-label="{t}"><title>{t}</title>{bars}</svg>',
        w=width,
        h=height,
        t=title,
        bars=bars,
    )


def _length(value: float | int | None, top: float) -> int:
    if value is None or top <= 0:
        return 0
    return max(1, round(BAR_WIDTH * max(0.0, float(value)) / top))


def _format(value: float | int | None, integer: bool) -> str:
    if value is None:
        return "n/a"
    return f"{int(value):,}" if integer else f"{value:.2f}"
