"""Tables drawn with rulings (Word's "Table Grid", bordered action plans): their cells from the
lines around them, so a row whose cells wrap over several lines is still one row.

The page's horizontal rulings that share a left and right edge mark a table's rows; its
vertical rulings inside them mark the columns of each row. Each fragment of text inside goes to
the cell its middle falls in; a cell's lines are joined as a paragraph's are; a row comes out as
its cells joined by tabs, which the structure step reads as a table row (the first row is the
header of those after it)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kb.ingest.inline import join_lines

MIN_ROWS = 1  # one ruled row with two cells or more: at a page's top, the rest of a table cut by the page break


@dataclass
class Row:
    x: float
    y: float  # the baseline of the row's first line
    width: float
    size: float
    bold: bool
    text: str  # cells joined by tabs


def _merged(hrules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Horizontal rulings (y, x0, x1) drawn a cell at a time, joined along each line."""
    out: list[list[float]] = []
    for y, x0, x1 in sorted(hrules, key=lambda r: (round(r[0]), r[1])):
        if out and abs(out[-1][0] - y) <= 1 and x0 <= out[-1][2] + 2:
            out[-1][2] = max(out[-1][2], x1)
        else:
            out.append([y, x0, x1])
    return [tuple(r) for r in out]


def ruled_tables(frags: list, hrules: list[tuple[float, float, float]],
                 vrules: list[tuple[float, float, float]]) -> tuple[list, list[Row]]:
    """(the fragments outside any ruled table, the tables' rows). `frags` have x, y, width, size,
    bold and text; `vrules` are (x, y, height)."""
    groups: dict[tuple[int, int], list[float]] = defaultdict(list)
    for y, x0, x1 in _merged(hrules):
        if x1 - x0 > 30:
            groups[(round(x0 / 3), round(x1 / 3))].append(y)  # rulings of one table share their ends
    rows: list[Row] = []
    used: set[int] = set()
    for (a, b), ys in groups.items():
        ys = sorted(set(round(y, 1) for y in ys), reverse=True)
        if len(ys) < MIN_ROWS + 1:
            continue
        x0, x1 = a * 3 - 3, b * 3 + 3
        inside = [(x, y, h) for x, y, h in vrules if x0 - 2 <= x <= x1 + 2 and y - 2 <= ys[0] and y + h + 2 >= ys[-1]]
        if inside:  # a row cut by a page break has no ruling on its open side: the borders run on past it
            above, below = max(y + h for _x, y, h in inside), min(y for _x, y, _h in inside)
            ys = ([above] if above > ys[0] + 3 else []) + ys + ([below] if below < ys[-1] - 3 else [])
        table: list[Row] = []
        for top, bottom in zip(ys, ys[1:]):
            middle = (top + bottom) / 2
            edges = sorted({round(x) for x, y, h in vrules if x0 - 2 <= x <= x1 + 2 and y <= middle <= y + h})
            if len(edges) < 3:  # fewer than two columns: a box round some text, not a table
                table = []
                break
            cells: list[list] = [[] for _ in edges[:-1]]
            for i, f in enumerate(frags):
                centre = f.x + f.width / 2
                if i not in used and bottom < f.y < top and edges[0] <= centre <= edges[-1]:
                    column = max(k for k, e in enumerate(edges[:-1]) if centre >= e)
                    cells[column].append((i, f))
            if not any(cells):
                continue
            members = [f for cell in cells for _i, f in cell]
            used.update(i for cell in cells for i, _f in cell)
            left = min(f.x for f in members)  # where its text starts, as for any line (not the border)
            table.append(Row(x=left, y=max(f.y for f in members), width=max(f.x + f.width for f in members) - left,
                             size=max(f.size for f in members), bold=all(f.bold for f in members),
                             text="\t".join(_cell_text([f for _i, f in cell]) for cell in cells)))
        if len(table) >= MIN_ROWS:
            rows += table
    return [f for i, f in enumerate(frags) if i not in used], rows


def _cell_text(frags: list) -> str:
    lines: list[list] = []
    for f in sorted(frags, key=lambda f: (-round(f.y), f.x)):
        if lines and abs(lines[-1][0].y - f.y) <= max(2.0, 0.3 * f.size):
            lines[-1].append(f)
        else:
            lines.append([f])
    return join_lines([_line_text(sorted(line, key=lambda f: f.x)) for line in lines])


def _line_text(line: list) -> str:
    text, end = "", None
    for f in line:  # a space only where the fragments leave a gap (not inside "fi" set as a ligature)
        if end is not None and f.x - end > 0.1 * f.size:
            text += " "
        text += f.text.strip()
        end = f.x + f.width
    return text
