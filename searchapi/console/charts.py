"""Server-side SVG charts, each with its data table: no charting library, no script.

A chart is drawn on the server so it needs no JavaScript, prints, and reads the same in every
browser. Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (``aria-labelledby``), inside a ``<figure>`` whose ``<figcaption>`` repeats the title;
the same numbers follow in a ``<table>`` (with ``<caption>`` and ``scope`` headers), so a screen
reader, a keyboard user or someone who wants the exact values reads the table. Callers may rely
on: every text is escaped, and the output is one HTML fragment.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence

WIDTH = 640
BAR_AREA = 180
PAD_LEFT = 56
PAD_BOTTOM = 48
BAR_COLOUR = "#1d4f91"  # 8.2:1 against white: non-text contrast well above 3:1
AXIS_COLOUR = "#555555"
_ids = itertools.count(1)
#: The few styles charts and their tables need, on top of the console's.
STYLE = (
    "<style>.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}.stat-chart{margin:16px 0}.stat-chart svg{max-width:"
    "100%;height:auto;display:block}.stat-chart figcaption{font-weight:600}"
    ".downloads{margin:4px 0 16px}.stats-filter input,.stats-filter select{box-sizing:"
    "border-box;max-width:100%}</style>"
)


def number(value: float) -> str:
    """A count as Vietnamese print writes it: 12.345 (dots group thousands)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    title: str, description: str, labels: Sequence[str], values: Sequence[float]
) -> str:
    """A vertical bar chart of ``values`` (one bar per label) as an accessible SVG."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    uid = next(_ids)
    count = max(1, len(values))
    top = _nice_top(max(values, default=0))
    step = (WIDTH - PAD_LEFT - 8) / count
    bar = max(1.0, step * 0.7)
    height = BAR_AREA + PAD_BOTTOM + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="chart-{uid}-t chart-{uid}-d" class="chart">',
        f'<title id="chart-{uid}-t">{html.escape(title)}</title>',
        f'<desc id="chart-{uid}-d">{html.escape(description)}</desc>',
    ]
    for tick in (0, top / 2, top):
        y = 12 + BAR_AREA - BAR_AREA * tick / top
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="{1 if tick == 0 else 0.5}"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#222">{number(tick)}</text>'
        )
    every = max(1, count // 12)  # at most about twelve labels under the axis
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD_LEFT + index * step + (step - bar) / 2
        h = BAR_AREA * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{12 + BAR_AREA - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{BAR_COLOUR}"><title>{html.escape(label)}: {number(value)}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{12 + BAR_AREA + 16}" text-anchor="middle" '
                f'font-size="11" fill="#222">{html.escape(label[:12])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]], *,
    table_id: str = "",
) -> str:
    """An HTML table: a caption, column headers, and the first cell of each row as its header."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = [_cell(value) for value in row]
        first = f'<th scope="row">{cells[0]}</th>' if cells else ""
        rest = "".join(
            f'<td class="num">{c}</td>' if isinstance(v, int | float) else f"<td>{c}</td>"
            for c, v in zip(cells[1:], row[1:], strict=True)
        )
        body.append(f"<tr>{first}{rest}</tr>")
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    return (
        f'<table{ident}><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float):
        return number(value)
    return html.escape(str(value))


def percent(share: float) -> str:
    """A share (0–1) as Vietnamese print writes a percentage: 62,5 %."""
    return f"{share * 100:.1f} %".replace(".", ",")


def figure(title: str, chart_svg: str, data_table: str) -> str:
    """The chart and its data table together: the figure names the chart, the table follows."""
    return (
        f'<figure class="stat-chart"><figcaption>{html.escape(title)}</figcaption>'
        f"{chart_svg}{data_table}</figure>"
    )
