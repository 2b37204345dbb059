"""Format-neutral tables: a :class:`Grid` of plain-text cells rendered as a Markdown pipe table, a
LaTeX ``tabular`` with booktabs rules, or an HTML ``<table>`` fragment, so that the three formats
always show the same numbers. Used by every stage that writes a table (robustness, vintage diffs,
publication tables).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

FORMATS = ("markdown", "latex", "html")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": "$<$", ">": "$>$", "²": "$^2$", "×": r"$\times$", "≥": r"$\geq$", "Δ": r"$\Delta$",
    "−": "$-$",
}
_NUMBER = re.compile(r"^(-?)(\d[\d,]*(?:\.\d+)?)(\**)$")


@dataclass(frozen=True)
class Grid:
    """A format-neutral table: header rows of (text, column span) cells and plain-text body rows.

    ``rules`` holds the body row indices that start a new section (a rule is drawn above);
    the first ``stub`` columns hold row labels (left-aligned text, never numbers).
    """

    header: list[list[tuple[str, int]]]
    body: list[list[str]]
    rules: frozenset[int] = field(default_factory=frozenset)
    note: str = ""
    stub: int = 1


def _latex_escape(text: str) -> str:
    """Escape LaTeX special characters in running text."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def _latex_cell(text: str) -> str:
    """A LaTeX cell: numbers get a math minus sign and superscript stars, text is escaped."""
    match = _NUMBER.match(text)
    if not match:
        return _latex_escape(text)
    sign, digits, marks = match.groups()
    return ("$-$" if sign else "") + digits + (f"$^{{{marks}}}$" if marks else "")


def _expand(row: list[tuple[str, int]]) -> list[str]:
    """Header cells repeated over their spans (for formats without column spans)."""
    return [text for text, span in row for _ in range(span)]


def _render_markdown(grid: Grid) -> str:
    """A pipe table; header rows after the first become bold rows at the top of the body."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", r"\|") for cell in cells) + " |"

    first, *more = [_expand(row) for row in grid.header]
    align = [":---"] * grid.stub + ["---:"] * (len(first) - grid.stub)
    lines = [line(first), "|" + "|".join(align) + "|"]
    lines += [line([f"**{c}**" if c else "" for c in row]) for row in more]
    lines += [line(row) for row in grid.body]
    if grid.note:
        lines += ["", grid.note.replace("*", r"\*")]
    return "\n".join(lines) + "\n"


def _render_latex(grid: Grid) -> str:
    """A booktabs ``tabular`` (needs ``\\usepackage{booktabs}``) followed by the note."""
    n_cols = sum(span for _, span in grid.header[0])
    lines = [
        "% Requires \\usepackage{booktabs}.",
        f"\\begin{{tabular}}{{{'l' * grid.stub}{'c' * (n_cols - grid.stub)}}}",
        "\\toprule",
    ]
    for row in grid.header:
        cells, rules, col = [], [], 1
        for text, span in row:
            if span > 1:
                cells.append(f"\\multicolumn{{{span}}}{{c}}{{{_latex_escape(text)}}}")
                rules.append(f"\\cmidrule(lr){{{col}-{col + span - 1}}}")
            else:
                cells.append(_latex_escape(text))
            col += span
        lines.append(" & ".join(cells) + " \\\\")
        if rules:
            lines.append(" ".join(rules))
    lines.append("\\midrule")
    for i, row in enumerate(grid.body):
        if i in grid.rules:
            lines.append("\\midrule")
        stub, values = row[: grid.stub], row[grid.stub :]
        cells = [_latex_escape(c) for c in stub] + [_latex_cell(c) for c in values]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if grid.note:
        lines += ["", f"\\par\\smallskip{{\\footnotesize {_latex_escape(grid.note)}\\par}}"]
    return "\n".join(lines) + "\n"


def _render_html(grid: Grid) -> str:
    """A standalone ``<table>`` fragment; the note sits in the ``<tfoot>``."""
    n_cols = sum(span for _, span in grid.header[0])
    lines = ['<table class="gvc-table">', "<thead>"]
    for row in grid.header:
        cells = "".join(
            f'<th colspan="{span}">{html.escape(text)}</th>' if span > 1
            else f"<th>{html.escape(text)}</th>"
            for text, span in row
        )
        lines.append(f"<tr>{cells}</tr>")
    lines += ["</thead>", "<tbody>"]
    for i, row in enumerate(grid.body):
        if i in grid.rules:
            lines += ["</tbody>", "<tbody>"]
        cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody>")
    if grid.note:
        note = html.escape(grid.note)
        lines.append(f'<tfoot><tr><td colspan="{n_cols}">{note}</td></tr></tfoot>')
    lines.append("</table>")
    return "\n".join(lines) + "\n"


def render(grid: Grid, fmt: str) -> str:
    """Render ``grid`` as ``"markdown"``, ``"latex"`` or ``"html"``."""
    renderers = {"markdown": _render_markdown, "latex": _render_latex, "html": _render_html}
    if fmt not in renderers:
        raise ValueError(f"unknown table format {fmt!r}; expected one of {FORMATS}")
    return renderers[fmt](grid)
