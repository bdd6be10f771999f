"""Simple horizontal bar charts as inline SVG, drawn from the numbers themselves, so the board
report's page and its PDF (WeasyPrint renders SVG) show the same chart from one template.
Colours and sizes are SVG attributes, never a style attribute (the pages' content security
policy allows no inline style). Every chart has a title and a description for screen
readers, and the same numbers are in a table beside it."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = 22          # height of one bar
GAP = 8           # space between bars
LABEL = 150       # width of the labels column
WIDTH = 600       # whole chart
VALUE = 60        # room for the number after the bar
COLOUR = "#1d70b8"  # GOV.UK blue
TEXT = "#0b0c0c"    # GOV.UK text colour
# the fonts installed on the server (the PDF embeds them; nothing is fetched)
FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, float | int]],
              unit: str = "") -> Markup:
    """``bars``: (label, value) pairs, drawn in order. Nothing to draw: an empty Markup."""
    if not bars:
        return Markup("")
    top = max(value for _label, value in bars) or 1
    room = WIDTH - LABEL - VALUE
    height = len(bars) * (BAR + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dhr-chart" id="{escape(chart_id)}" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR + GAP)
        length = round(room * value / top) if value else 0
        middle = y + BAR * 0.7
        shown = f"{_number(value)}{(' ' + unit) if unit else ''}"
        parts += [
            f'<text x="{LABEL - 6}" y="{middle:.1f}" text-anchor="end" font-size="13" '
            f'font-family="{FONT}" fill="{TEXT}">{escape(label)}</text>',
            f'<rect x="{LABEL}" y="{y}" width="{length}" height="{BAR}" fill="{COLOUR}"/>',
            f'<text x="{LABEL + length + 6}" y="{middle:.1f}" font-size="13" '
            f'font-family="{FONT}" fill="{TEXT}">{escape(shown)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
