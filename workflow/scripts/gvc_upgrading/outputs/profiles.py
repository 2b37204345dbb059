"""The country profile page: one self-contained HTML file with a profile per country x value
chain -- its economic and social paths side by side, the change of every dimension over each
period read as better or worse, and the verdicts of the classification with the dimensions
they rest on.

The page needs no network: its charts are inline SVG (:mod:`.sparklines`), its style and its
few lines of script are in the page. A list (``<select>``) and an index choose the profile; the
script shows the chosen one and hides the others (without script, every profile shows, one
after the other).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from ..io import write_text
from .sparklines import Band, sparkline
from .vocabulary import (
    GROUP_TITLES,
    VERDICT_COLOURS,
    better_sign,
    change_unit,
    listed_ids,
    ordered_periods,
    registry_field,
)

#: Verdict columns shown per period, with their headers and the detail column beside them.
VERDICTS = (("economic_class", "Economic", "economic_detail"),
            ("standards_class", "Measurable standards", None),
            ("rights_class", "Enabling rights", None),
            ("social_class", "Social", "social_detail"),
            ("social_class_female", "Women", "social_detail_female"),
            ("social_class_male", "Men", "social_detail_male"))
#: The women's and men's rows of a dimension split by sex in the change table.
SEX_ROWS = (("female", "women"), ("male", "men"))
#: How a dimension's values are shown: a factor and the unit then (market share in per cent).
DISPLAY = {"market_share": (100.0, "% of world exports")}

NO_DATA = '<p class="note">No data.</p>'
_STYLE = """<style>
body { font-family: sans-serif; font-size: 14px; margin: 1em auto; max-width: 1200px;
       color: #222; padding: 0 1em; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 1.2em; } h3 { font-size: 15px; }
.pick { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ddd; }
select { font-size: 14px; max-width: 100%; }
.paths { display: grid; grid-template-columns: 1fr 2fr; gap: 1.5em; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .6em; }
.economic .charts { grid-template-columns: 1fr; }
svg { width: 100%; height: auto; display: block; }
svg .t { font: bold 11px sans-serif; fill: #222; } svg .u { font: 9px sans-serif; fill: #666; }
svg .a { font: 9px sans-serif; fill: #555; } svg .b { stroke: #fff; stroke-width: 1.5; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { padding: 1px 6px; border-radius: 3px; white-space: nowrap; }
.better { background: #DCEAF5; } .worse { background: #F8E0D2; } .none { color: #888; }
.note { color: #555; font-size: 13px; }
nav.index p { margin: .2em 0; }
</style>"""
_SCRIPT = """<script>
(function () {
  var pick = document.getElementById("pick");
  var profiles = document.querySelectorAll("section.profile");
  function show(id) {
    if (!document.getElementById(id)) { id = pick.options[0].value; }
    profiles.forEach(function (p) { p.hidden = p.id !== id; });
    pick.value = id;
  }
  pick.addEventListener("change", function () { show(pick.value); });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  show(location.hash.slice(1));
})();
</script>"""


def country_name(code: str) -> str:
    """The country's common or official short name (pycountry), or the code itself."""
    country = (pycountry.countries.get(alpha_3=code)
               or pycountry.historic_countries.get(alpha_3=code))
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def country_title(code: str) -> str:
    """"China (CHN)"; the code alone where no name is known."""
    name = country_name(code)
    return code if name == code else f"{name} ({code})"


def profile_id(country: str, chain: str) -> str:
    """The HTML id of a profile (also its address on the page: ``profiles.html#<id>``)."""
    return f"{country}-{chain}"


def _badge(verdict) -> str:
    if not isinstance(verdict, str):
        return '<span class="none">no row</span>'
    colour = VERDICT_COLOURS.get(verdict, "#FFFFFF")
    return f'<span class="verdict" style="background:{colour}">{html.escape(verdict)}</span>'


def _labels(ids: Sequence[str], dimensions: Mapping[str, object]) -> str:
    names = [str(registry_field(dimensions[i], "label", i)) if i in dimensions else i for i in ids]
    return html.escape(", ".join(names)) if names else "–"


def _bands(changes: pd.DataFrame, moves: Mapping[str, np.ndarray], dim_id: str,
           sign: int) -> list[Band]:
    """One band per period, tinted by the sign of the dimension's change in it."""
    values = moves.get(f"{dim_id}_change", np.full(len(changes), np.nan))
    verdicts = np.nan_to_num(np.sign(values) * sign).astype(int)
    return [Band(int(start), int(end), int(verdict)) for start, end, verdict in
            zip(changes["start_year"], changes["end_year"], verdicts)]


def _chart(dim_id: str, dimension, values: Mapping[str, np.ndarray], years: np.ndarray,
           changes: pd.DataFrame, moves: Mapping[str, np.ndarray]) -> str | None:
    """A dimension's chart, with women and men when the table has them; None without data.
    ``values`` holds each indicator column's values per year, ``moves`` each change column's
    values per period."""
    column = str(registry_field(dimension, "column", dim_id))
    factor, unit = DISPLAY.get(dim_id, (1.0, str(registry_field(dimension, "unit", ""))))
    series = {}
    for name, col in (("total", column), ("women", f"{column}_female"),
                      ("men", f"{column}_male")):
        if col in values and np.isfinite(values[col]).any():
            series[name] = values[col] * factor
    if not series:
        return None
    sign = better_sign(dimension)
    label = str(registry_field(dimension, "label", dim_id))
    title = re.sub(r"\s*\(.*\)\s*$", "", label)  # the unit line says what a parenthesis did
    unit += " · lower is better" if sign < 0 else ""
    return sparkline(title, unit, years, series, _bands(changes, moves, dim_id, sign))


def _change_cell(value: float, sign: int, unit: str) -> str:
    if pd.isna(value):
        return '<td class="num none">no data</td>'
    mood = "better" if value * sign > 0 else "worse" if value * sign < 0 else ""
    arrow = "▲" if value > 0 else "▼" if value < 0 else "="
    return f'<td class="num {mood}">{value:+.3f} {arrow}</td>'


def _changes_table(changes: pd.DataFrame, dimensions: Mapping[str, object], unit: str,
                   level_changes: Sequence[str] = ()) -> str:
    """Dimensions x periods: each change, shaded better or worse, and what it is measured in
    (``unit``; for the dimensions of ``level_changes``, a difference in the dimension's own
    unit); a dimension split by sex has a row for women and one for men below its own where
    the table has their changes."""
    head = "".join(f"<th>{html.escape(str(p))}</th>" for p in changes["period"])
    rows = []
    for dim_id, dimension in dimensions.items():
        if f"{dim_id}_change" not in changes.columns:
            continue
        label = str(registry_field(dimension, "label", dim_id))
        side = str(registry_field(dimension, "side", ""))
        if side == "social":
            side = str(registry_field(dimension, "group", side)).replace("_", " ")
        parts = [(dim_id, label)] + [(f"{dim_id}_{sex}", f"{label} ({word})")
                                     for sex, word in SEX_ROWS
                                     if f"{dim_id}_{sex}_change" in changes.columns]
        measured = (f"difference, {registry_field(dimension, 'unit', 'level')}"
                    if dim_id in level_changes else unit)
        for part, text in parts:
            cells = "".join(_change_cell(v, better_sign(dimension), unit)
                            for v in changes[f"{part}_change"])
            rows.append(f"<tr><td>{html.escape(text)}</td><td>{html.escape(side)}</td>"
                        f"<td>{html.escape(measured)}</td>{cells}</tr>")
    return (f"<table><thead><tr><th>Dimension</th><th>Side or group</th><th>Change in</th>"
            f"{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _verdict_table(changes: pd.DataFrame, dimensions: Mapping[str, object]) -> str:
    """Periods x verdicts, each verdict with the detail it rests on; and, where the table
    lists them, the social dimensions used and those without data."""
    shown = [v for v in VERDICTS if v[0] in changes.columns]
    listed = [c for c in ("social_dimensions_used", "social_dimensions_missing")
              if c in changes.columns]
    head = "".join(f"<th>{title}</th>" for _, title, _ in shown)
    head += "".join(f"<th>{'Social class rests on' if c.endswith('used') else 'Without data'}"
                    "</th>" for c in listed)
    rows = []
    for _, row in changes.iterrows():
        cells = []
        for column, _, detail in shown:
            text = f" {html.escape(str(row[detail]))}" if detail in changes.columns else ""
            cells.append(f"<td>{_badge(row[column])}{text}</td>")
        cells += [f"<td>{_labels(listed_ids(row[c]), dimensions)}</td>" for c in listed]
        rows.append(f"<tr><td>{html.escape(str(row['period']))}</td>{''.join(cells)}</tr>")
    return (f"<table><thead><tr><th>Period</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _section(country: str, chain: str, chain_label: str, values: Mapping[str, np.ndarray],
             changes: pd.DataFrame, dimensions: Mapping[str, object], years: np.ndarray,
             unit: str, level_changes: Sequence[str] = ()) -> str:
    """One profile: heading, verdicts, changes, and the economic and social charts."""
    moves = {c: pd.to_numeric(changes[c]).to_numpy(dtype="float64", na_value=np.nan)
             for c in changes.columns if c.endswith("_change")}
    columns, absent = {"economic": [], "social": []}, []
    for dim_id, dimension in dimensions.items():
        chart = _chart(dim_id, dimension, values, years, changes, moves)
        side = str(registry_field(dimension, "side", "social"))
        if chart is None:
            absent.append(dim_id)
        else:
            columns.setdefault(side, []).append(chart)
    title = f"{country_title(country)}: {chain_label}"
    without = (f'<p class="note">No data for this country and chain: '
               f"{_labels(absent, dimensions)}.</p>" if absent else "")
    paths = "".join(
        f'<div class="{side}"><h3>{side.capitalize()}</h3><div class="charts">'
        f"{''.join(charts) or NO_DATA}</div></div>" for side, charts in columns.items())
    return (f'<section class="profile" id="{html.escape(profile_id(country, chain))}">'
            f"<h2>{html.escape(title)}</h2>"
            f"<h3>Verdicts</h3>{_verdict_table(changes, dimensions)}"
            "<h3>Change over each period</h3>"
            f"{_changes_table(changes, dimensions, unit, level_changes)}"
            f'<div class="paths">{paths}</div>{without}</section>')


def _index(entries: Sequence[tuple[str, str]], chain_labels: Mapping[str, str]) -> str:
    """The list to choose from and an index of links, both grouped by country."""
    options, links = [], []
    by_country: dict[str, list[str]] = {}
    for country, chain in entries:
        by_country.setdefault(country, []).append(chain)
    for country, chains in by_country.items():
        name = html.escape(country_title(country))
        options.append(f'<optgroup label="{name}">' + "".join(
            f'<option value="{html.escape(profile_id(country, c))}">{name}: '
            f"{html.escape(chain_labels.get(c, c))}</option>" for c in chains) + "</optgroup>")
        links.append(f"<p>{name}: " + " · ".join(
            f'<a href="#{html.escape(profile_id(country, c))}">'
            f"{html.escape(chain_labels.get(c, c))}</a>" for c in chains) + "</p>")
    return ('<div class="pick"><label for="pick">Country and value chain: </label>'
            f'<select id="pick">{"".join(options)}</select></div>'
            '<details><summary>Index of all profiles</summary><nav class="index">'
            f"{''.join(links)}</nav></details>")


def _yearly_values(indicators: pd.DataFrame, dimensions: Mapping[str, object],
                   years: np.ndarray):
    """A look-up (country, chain) -> {indicator column: values per year of ``years``} for
    the columns of ``dimensions`` (women's and men's too), converted to numbers once."""
    wanted = []
    for dim_id, dimension in dimensions.items():
        column = str(registry_field(dimension, "column", dim_id))
        wanted += [column, f"{column}_female", f"{column}_male"]
    columns = [c for c in dict.fromkeys(wanted) if c in indicators.columns]
    data = indicators[columns].apply(pd.to_numeric).to_numpy(dtype="float64", na_value=np.nan)
    position = indicators["year"].to_numpy(dtype="int64") - int(years[0])
    rows = indicators.groupby(["country", "value_chain"], sort=False).indices

    def lookup(country: str, chain: str) -> dict[str, np.ndarray]:
        full = np.full((len(years), len(columns)), np.nan)
        at = rows.get((country, chain), np.array([], dtype="int64"))
        full[position[at]] = data[at]
        return dict(zip(columns, full.T))

    return lookup


def profiles_html(
    indicators: pd.DataFrame,
    classification: pd.DataFrame,
    dimensions: Mapping[str, object],
    chain_labels: Mapping[str, str] | None = None,
    title: str = "Country profiles",
    level_changes: Sequence[str] = (),
) -> str:
    """The profile page: one section per country x value chain of ``classification`` (in
    country, then chain order), with the yearly paths of ``indicators`` for every dimension of
    ``dimensions`` (registry id -> label, side, group, column, unit, better, by_sex) that has
    data there; the changes of the dimensions of ``level_changes`` are differences in their own
    unit, the others are in the classification's change measure. Returns the page as text."""
    if classification.empty:
        raise ValueError("no classification rows for the profile page")
    chain_labels = dict(chain_labels or {})
    order = {chain: i for i, chain in enumerate(chain_labels)}
    periods = {p: i for i, p in enumerate(ordered_periods(classification))}
    classification = classification.assign(
        _chain=classification["value_chain"].map(order).fillna(len(order)),
        _period=classification["period"].map(periods))
    classification = classification.sort_values(["country", "_chain", "value_chain", "_period"])
    years = np.arange(int(indicators["year"].min()), int(indicators["year"].max()) + 1)
    yearly = _yearly_values(indicators, dimensions, years)
    unit = change_unit(classification)
    entries, sections = [], []
    for (country, chain), changes in classification.groupby(["country", "value_chain"],
                                                             sort=False):
        entries.append((country, chain))
        sections.append(_section(country, chain, chain_labels.get(chain, chain),
                                 yearly(country, chain), changes, dimensions, years, unit,
                                 level_changes))
    groups = " and ".join(g.replace("\n", " ").lower() for g in GROUP_TITLES.values())
    intro = ("Each profile shows a country's paths in one value chain: the economic dimensions "
             "at the left, the social ones (" + groups + ") at the right, each over the "
             "years with data. A period's background is blue when the dimension changed "
             "for the better over it and orange when for the worse (for dimensions marked "
             "\u201clower is better\u201d a fall is better). The verdicts of the "
             "classification and the changes they rest on are above the charts.")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", _STYLE, "</head><body>",
        f"<h1>{html.escape(title)}</h1>", f'<p class="note">{html.escape(intro)}</p>',
        _index(entries, chain_labels), *sections, _SCRIPT, "</body></html>", "",
    ])


def write_profiles(
    indicators: pd.DataFrame,
    classification: pd.DataFrame,
    dimensions: Mapping[str, object],
    path: str | os.PathLike,
    chain_labels: Mapping[str, str] | None = None,
    level_changes: Sequence[str] = (),
) -> Path:
    """Write the profile page (:func:`profiles_html`) atomically to ``path``."""
    return write_text(profiles_html(indicators, classification, dimensions, chain_labels,
                                    level_changes=level_changes), path)
