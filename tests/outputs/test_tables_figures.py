"""Tests for gvc_upgrading.outputs.tables and gvc_upgrading.outputs.figures on small synthetic inputs."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from gvc_upgrading.analysis.estimate import ABSORBED, ESTIMATE_COLUMNS
from gvc_upgrading.outputs.figures import _wage_index, plot_coefficients, plot_paths
from gvc_upgrading.outputs.tables import (
    descriptive_statistics,
    descriptive_table,
    quadrant_counts,
    quadrant_table,
    regression_table,
    stars,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TERMS = ["log_market_share", "log_relative_unit_value"]


def make_estimates(spec_ids=("employment", "real_wage"), chains=("apparel", "automotive")):
    """Tidy estimates with a spread of p-values (one per star level and one insignificant)."""
    p_values = iter([0.001, 0.03, 0.07, 0.4, 0.009, 0.2, 0.049, 0.051] * 4)
    rows = []
    for spec_id in spec_ids:
        for chain in chains:
            for j, term in enumerate(TERMS):
                estimate = 0.5 - j
                rows.append({
                    "spec_id": spec_id, "spec_label": spec_id.replace("_", " ").title(),
                    "value_chain": chain, "outcome": "employment_persons", "term": term,
                    "estimate": estimate, "std_error": 0.1, "t_value": estimate / 0.1,
                    "p_value": next(p_values), "ci_low": estimate - 0.2,
                    "ci_high": estimate + 0.2, "n_obs": 1234, "n_clusters": 40,
                    "r_squared": 0.9, "r_squared_within": 0.4,
                    "fixed_effects": "country+year", "cluster": "country",
                    "outcome_label": "log employment",
                    "variable": term.removeprefix("log_"),
                    "variable_label": term.removeprefix("log_").replace("_", " "),
                    "moderator": "", "moderator_label": "",
                    "term_label": term.replace("_", " "), "role": "regressor",
                    "design": "annual", "weights": "", "sample": "", "note": "",
                })
    return pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)


def make_classification(n_countries: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    classes = ["upgrading", "mixed", "downgrading", "insufficient data"]
    rows = []
    for period, start in (("1995-2008", 1995), ("2008-2022", 2008)):
        for i in range(n_countries):
            rows.append({
                "country": f"C{i:02d}", "value_chain": "apparel", "period": period,
                "start_year": start, "end_year": start + 13,
                "market_share_change": rng.normal(), "real_wage_change": rng.normal(),
                "economic_class": classes[i % 4], "social_class": classes[(i // 4) % 3],
            })
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("p", "mark"), [(0.001, "***"), (0.0099, "***"), (0.01, "**"), (0.049, "**"),
                    (0.05, "*"), (0.099, "*"), (0.10, ""), (np.nan, "")],
)
def test_stars_thresholds(p, mark):
    assert stars(p) == mark


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_regression_table_shows_every_term_with_consistent_stars(fmt):
    est = make_estimates()
    text = regression_table(est, fmt)
    for term in TERMS:
        assert term.replace("_", " ") in text  # the readable label, not the term id
        assert term not in text and term.replace("_", r"\_") not in text
    # Every coefficient cell, in data order, carries the stars its p-value calls for.
    marks = re.findall(r"(-?\d\.\d{3})(?:\$\^\{)?(\**)", text)
    coefficient_marks = [m for number, m in marks if number in ("0.500", "-0.500", "$-$0.500")]
    by_column = est.sort_values(["spec_id", "value_chain"], kind="stable")
    expected = [
        stars(p) for term in TERMS for p in by_column.loc[by_column["term"] == term, "p_value"]
    ]
    assert coefficient_marks == expected
    assert "(0.100)" in text
    assert "N" in text and "1,234" in text
    assert "p < 0.10" in text or "p $<$ 0.10" in text or "p &lt; 0.10" in text


def test_regression_table_columns_follow_specs_then_chains():
    est = make_estimates()
    header = regression_table(est, "markdown").splitlines()[0]
    assert header.count("Employment") == 2 and header.count("Real Wage") == 2
    assert header.index("Employment") < header.index("Real Wage")
    one = regression_table(make_estimates(spec_ids=("employment",)), "markdown")
    two = regression_table(est, "markdown")
    n_cols = lambda text: text.splitlines()[0].count("|") - 1  # noqa: E731
    assert n_cols(two) == n_cols(one) + 2


def test_latex_table_uses_booktabs_and_escapes_underscores():
    text = regression_table(make_estimates(), "latex")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert rule in text
    outside_math = re.sub(r"\$[^$]*\$", "", text)
    assert re.search(r"(?<!\\)_", outside_math) is None
    assert r"\multicolumn{2}{c}{Employment}" in text


def test_html_table_is_a_table_fragment_with_note():
    text = regression_table(make_estimates(), "html")
    assert text.startswith("<table") and text.rstrip().endswith("</table>")
    assert '<th colspan="2">Employment</th>' in text
    assert "<tfoot>" in text and "*** p &lt; 0.01" in text


def test_quadrant_counts_cover_every_pair_and_shares_sum_to_one():
    classification = make_classification()
    counts = quadrant_counts(classification)
    assert list(counts.columns) == [
        "value_chain", "period", "economic_class", "social_class", "count", "share",
    ]
    assert len(counts) == 2 * 16
    assert counts.groupby("period")["count"].sum().eq(12).all()
    np.testing.assert_allclose(counts.groupby("period")["share"].sum(), 1.0)
    row = counts[(counts["period"] == "1995-2008") & (counts["economic_class"] == "upgrading")
                 & (counts["social_class"] == "upgrading")]
    assert int(row["count"].iloc[0]) == 1  # only country 0 is upgrading on both
    for fmt in ("markdown", "html"):
        text = quadrant_table(counts, fmt)
        assert "Social: upgrading" in text and "1 (8%)" in text


def test_quadrant_counts_name_the_rule_that_made_the_classes():
    classification = make_classification().assign(rule="decent_work")
    counts = quadrant_counts(classification)
    assert list(counts.columns) == [
        "rule", "value_chain", "period", "economic_class", "social_class", "count", "share",
    ]
    assert (counts["rule"] == "decent_work").all()
    without_rule = quadrant_counts(classification.drop(columns="rule"))
    pd.testing.assert_frame_equal(counts.drop(columns="rule"), without_rule)
    markdown = quadrant_table(counts, "markdown")
    assert markdown.splitlines()[0].startswith("| Value chain | Period | Economic class |")
    assert markdown.splitlines()[-1].startswith(
        "Classes by the decent_work (Barrientos, Gereffi & Rossi (2011)")
    # two rules side by side: a block per rule, a column naming it, counts per rule
    both = pd.concat([classification, make_classification().assign(rule="bernhardt_milberg")])
    counts = quadrant_counts(both)
    assert counts.groupby(["rule", "period"])["count"].sum().eq(12).all()
    table = quadrant_table(counts, "markdown").splitlines()
    assert table[0].startswith("| Rule | Value chain | Period | Economic class |")
    assert table[2].startswith("| decent_work | apparel | 1995-2008 | upgrading |")
    assert "rules." in table[-1]


def test_descriptive_statistics_per_chain():
    df = pd.DataFrame({"value_chain": ["a", "a", "a", "b"], "country": ["X", "Y", "Z", "X"],
                       "x": [1.0, 2.0, np.nan, 5.0]})
    stats = descriptive_statistics(df, ["x"]).set_index("value_chain")
    assert stats.loc["a", "n"] == 2 and stats.loc["a", "mean"] == 1.5
    assert stats.loc["a", "countries"] == 2  # Z has no value
    assert stats.loc["a", "min"] == 1.0 and stats.loc["a", "max"] == 2.0
    assert stats.loc["a", "sd"] == pytest.approx(np.std([1.0, 2.0], ddof=1))
    with pytest.raises(ValueError, match="'y'"):
        descriptive_statistics(df, ["y"])


def test_plot_coefficients_writes_png(tmp_path):
    est = make_estimates()
    est.loc[0, ["estimate", "ci_low", "ci_high"]] = np.nan
    (path,) = plot_coefficients(est, tmp_path / "coefficients", formats=("png",), dpi=60)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1000


def test_regression_table_lists_controls_after_regressors_and_design_rows():
    base = make_estimates(spec_ids=("employment",), chains=("apparel",))
    lagged = make_estimates(spec_ids=("wage_lagged",), chains=("pooled",)).assign(
        term=lambda d: d["term"] + "_lag1", term_label=lambda d: d["term_label"] + " (t−1)",
        design="lagged", weights="employment_persons",
        sample="years 2000–2010; unit value coverage ≥ 0.5")
    control = lagged.iloc[[0]].assign(term="log_employment_persons", term_label="log employment",
                                      variable="employment_persons", role="control",
                                      estimate=0.25)
    # the control comes first in the data but must be listed after every regressor
    est = pd.concat([base, control, lagged], ignore_index=True)
    lines = regression_table(est, "markdown").splitlines()
    labels = [line.split("|")[1].strip() for line in lines if line.startswith("| ")]
    terms = [label for label in labels if label.startswith("log ")]
    assert terms == ["log market share", "log relative unit value", "log market share (t−1)",
                     "log relative unit value (t−1)", "log employment"]
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in lines if line.startswith("| ")}
    assert rows["Design"] == ["Annual panel", "Lagged regressors"]
    assert rows["Weights"] == ["None", "Employment"]
    assert rows["Sample"] == ["All", "years 2000–2010; unit value coverage ≥ 0.5"]
    assert "All chains" in lines[2] and "pooled" not in lines[2]
    latex = regression_table(est, "latex")
    assert r"$\geq$ 0.5" in latex and "(t$-$1)" in latex and "≥" not in latex


def test_design_rows_are_left_out_when_every_column_is_the_default():
    text = regression_table(make_estimates(), "markdown")
    for row in ("| Design", "| Weights", "| Sample"):
        assert row not in text


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_descriptive_table_formats_numbers_by_magnitude(fmt):
    df = pd.DataFrame({
        "value_chain": ["apparel"] * 3 + ["automotive"] * 2,
        "country": ["BGD", "VNM", "CHN", "MEX", "DEU"],
        "employment_persons": [52_000.0, 1_234_567.0, np.nan, 10.0, 20.0],
        "market_share": [0.0123, 0.2, 0.5, 0.1, 0.3],
    })
    stats = descriptive_statistics(df, ["employment_persons", "market_share"])
    text = descriptive_table(stats, fmt, chain_labels={"apparel": "Apparel"})
    assert "Employment (persons)" in text and "World export market share (0–1)" in text
    assert "643,284" in text  # mean employment in apparel: thousands separated, no decimals
    assert "1,234,567" in text and "0.0123" in text and "0.500" in text
    assert "Apparel" in text and "automotive" in text
    if fmt == "latex":
        assert r"\midrule" in text.split(r"\midrule", 1)[1]  # a rule between the chains


def test_plot_coefficients_panels_per_regressor_and_skips_controls(tmp_path, monkeypatch):
    est = make_estimates()
    est.loc[est.index[-1], ["role", "variable"]] = ["control", "employment_persons"]
    titles = []
    monkeypatch.setattr("gvc_upgrading.outputs.figures.save_figure",
                        lambda fig, *args: titles.extend(ax.get_title() for ax in fig.axes))
    plot_coefficients(est, tmp_path / "coefficients", formats=("png",), dpi=60)
    assert titles == ["Market share", "Relative unit value"]


@pytest.mark.parametrize("n_regressors", [2, 4])
def test_coefficient_panels_axis_labels_do_not_run_into_each_other(tmp_path, monkeypatch,
                                                                    n_regressors):
    est = make_estimates().assign(  # long row labels, as in the demo, leave narrow panels
        spec_label=lambda d: d["spec_label"] + ", long differences, lagged, weighted")
    terms = [f"log_regressor_{i}" for i in range(n_regressors)]
    est = pd.concat([est.assign(term=t, variable=t.removeprefix("log_"), term_label=t)
                     for t in terms], ignore_index=True)
    figures = []
    monkeypatch.setattr("gvc_upgrading.outputs.figures.save_figure",
                        lambda fig, *args: figures.append(fig))
    plot_coefficients(est, tmp_path / "coefficients", formats=("png",), dpi=60)
    fig = figures[0]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = [ax.xaxis.label.get_window_extent(renderer) for ax in fig.axes]
    assert len(boxes) == n_regressors
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 < right.x0, "x-axis labels of neighbouring panels overlap"


def test_coefficient_specifications_beyond_the_palette_differ_by_marker(tmp_path, monkeypatch):
    """Nine specifications and seven colours: each specification keeps its own colour and
    marker pair, in the legend and in the panels."""
    specs = tuple(f"spec_{i}" for i in range(9))
    figures = []
    monkeypatch.setattr("gvc_upgrading.outputs.figures.save_figure",
                        lambda fig, *args: figures.append(fig))
    plot_coefficients(make_estimates(spec_ids=specs, chains=("apparel",)),
                      tmp_path / "coefficients", formats=("png",), dpi=40)
    fig = figures[0]
    handles = fig.legends[0].legend_handles
    pairs = [(matplotlib.colors.to_hex(h.get_color()), h.get_marker()) for h in handles]
    assert len(pairs) == len(specs) == len(set(pairs))
    assert pairs[0][0] == pairs[7][0] and pairs[0][1] != pairs[7][1]
    drawn = {(matplotlib.colors.to_hex(line.get_color()), line.get_marker())
             for ax in fig.axes for line in ax.lines if line.get_marker() not in (None, "None")}
    assert set(pairs) <= drawn


def test_plot_paths_writes_files_and_names_missing_countries(tmp_path):
    rng = np.random.default_rng(1)
    rows = [{"country": c, "value_chain": g, "year": y, "market_share": rng.uniform(0.01, 0.2),
             "real_wage_per_employee_lcu": 1000 * rng.uniform(0.9, 1.1)}
            for c in ("BGD", "VNM", "MEX") for g in ("apparel", "automotive")
            for y in range(2000, 2010)]
    indicators = pd.DataFrame(rows)
    indicators.loc[indicators.index[::4], "real_wage_per_employee_lcu"] = np.nan
    paths = plot_paths(indicators, ["BGD", "VNM"], tmp_path / "paths", formats=("png", "pdf"),
                       dpi=60, chain_labels={"apparel": "Apparel"})
    assert [p.name for p in paths] == ["paths.png", "paths.pdf"]
    assert paths[0].read_bytes()[:8] == PNG_SIGNATURE
    with pytest.raises(ValueError, match="XXX"):
        plot_paths(indicators, ["BGD", "XXX"], tmp_path / "bad", formats=("png",), dpi=60)


def test_wage_index_is_100_in_each_countrys_first_year_with_a_wage():
    rows = pd.DataFrame({"country": ["A", "A", "A", "B", "B"], "value_chain": "x",
                         "year": [2000, 2001, 2002, 2000, 2001],
                         "real_wage_per_employee_lcu": [np.nan, 50.0, 75.0, 10.0, 12.0]})
    index = _wage_index(rows)
    np.testing.assert_allclose(index, [np.nan, 100.0, 150.0, 100.0, 120.0])


# --- interactions, absorbed terms and registry labels (issue 14) -------------------------------


def with_interaction(estimates: pd.DataFrame, absorbed: bool = False) -> pd.DataFrame:
    """``estimates`` whose "real_wage" columns also have an interaction of market share with
    union density and its main effect (absorbed by the fixed effects if ``absorbed``), and a
    control listed before them."""
    rows = estimates[estimates["spec_id"] == "real_wage"]
    first = rows.drop_duplicates("value_chain")
    control = first.assign(term="log_export_value_usd", term_label="log export value",
                           variable="export_value_usd", role="control", estimate=0.125,
                           ci_low=0.0, ci_high=0.25)
    interaction = first.assign(
        term="log_market_share_x_union_density", term_label="log market share × union density",
        role="interaction", moderator="union_density", moderator_label="trade union density",
        estimate=0.0625, ci_low=0.0, ci_high=0.125, p_value=0.2)
    moderator = first.assign(term="union_density", term_label="union density",
                             variable="union_density", variable_label="trade union density",
                             role="moderator", estimate=0.375, ci_low=0.25, ci_high=0.5,
                             p_value=0.2)
    if absorbed:
        moderator = moderator.assign(estimate=np.nan, std_error=np.nan, ci_low=np.nan,
                                     ci_high=np.nan, p_value=np.nan, note=ABSORBED)
    return pd.concat([estimates, control, interaction, moderator], ignore_index=True)


def _rows(text: str) -> dict[str, list[str]]:
    return {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ")}


def test_regression_table_lists_interactions_and_moderators_between_regressors_and_controls():
    text = regression_table(with_interaction(make_estimates()), "markdown")
    labels = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")]
    terms = [label for label in labels if label and label[0].islower()]
    assert terms == ["log market share", "log relative unit value",
                     "log market share × union density", "union density", "log export value"]
    rows = _rows(text)
    assert rows["log market share × union density"] == ["", "", "0.062", "0.062"]
    assert rows["union density"] == ["", "", "0.375", "0.375"]
    assert rows["Outcome"] == ["log employment"] * 4
    assert "a × b are the product of a and b" in text and "Absorbed" not in text
    latex = regression_table(with_interaction(make_estimates()), "latex")
    assert r"log market share $\times$ union density" in latex


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_regression_table_shows_an_absorbed_term_as_absorbed(fmt):
    text = regression_table(with_interaction(make_estimates(), absorbed=True), fmt)
    assert text.count("absorbed") == 2  # the cells of the two real wage columns
    assert "Absorbed: the term is constant within the fixed effects" in text  # the note
    assert "nan" not in text.lower()
    if fmt == "markdown":
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("| union density |"))
        assert _rows(lines[at])["union density"] == ["", "", "absorbed", "absorbed"]
        assert _rows(lines[at + 1])[""] == ["", "", "", ""]  # no standard error below


def test_plot_coefficients_has_a_panel_per_interaction_and_skips_moderators(tmp_path,
                                                                            monkeypatch):
    titles = []
    monkeypatch.setattr("gvc_upgrading.outputs.figures.save_figure",
                        lambda fig, *args: titles.extend(ax.get_title() for ax in fig.axes))
    plot_coefficients(with_interaction(make_estimates(), absorbed=True),
                      tmp_path / "coefficients", formats=("png",), dpi=60)
    assert titles == ["Market share", "Relative unit value",
                      "Market share × trade union\ndensity"]  # long titles wrap


def test_descriptive_table_describes_registry_columns_with_units_and_sex():
    variables = {
        "union_density": {"label": "Trade union density", "unit": "per cent of employees"},
        "hours_per_week": {"label": "Mean weekly hours actually worked",
                           "unit": "hours per week"},
        "hours_per_week_female": {"label": "Mean weekly hours actually worked (women)",
                                  "unit": "hours per week", "of": "hours_per_week",
                                  "sex": "female"},
    }
    df = pd.DataFrame({"value_chain": ["apparel"] * 2, "country": ["BGD", "VNM"],
                       "union_density": [10.0, 20.0], "hours_per_week_female": [50.0, 44.0],
                       "market_share": [0.1, 0.2]})
    stats = descriptive_statistics(df, ["market_share", "union_density", "hours_per_week_female"])
    text = descriptive_table(stats, "markdown", variables=variables)
    assert "World export market share (0–1)" in text
    assert "Trade union density (per cent of employees)" in text
    assert "Mean weekly hours actually worked, women (hours per week)" in text
    assert "Hours per week female" in descriptive_table(stats, "markdown")  # no registry


def test_coverage_of_each_dimension_among_exporters(tmp_path):
    """Per chain, dimension and year, the share of exporting countries with a value: counted
    here by hand; a dimension whose column the table lacks has 0; the figure gets a second
    row of panels with one row per dimension."""
    from gvc_upgrading.outputs.figures import dimension_coverage, plot_coverage

    table = pd.DataFrame({
        "country": ["A", "B", "C", "D", "A", "B"], "value_chain": ["apparel"] * 4 + ["auto"] * 2,
        "year": [2000, 2000, 2000, 2000, 2001, 2001],
        "export_value_usd": [1.0, 2.0, 3.0, np.nan, 1.0, 1.0],
        "employment_persons": [5.0, np.nan, 7.0, 8.0, np.nan, np.nan],
        "real_wage_per_employee_lcu": np.nan,
        "union_density": [10.0, 20.0, 30.0, 40.0, 1.0, np.nan]})
    dimensions = {"employment": {"label": "Employment", "column": "employment_persons"},
                  "union_density": {"label": "Trade union density", "column": "union_density"},
                  "hours_worked": {"label": "Hours", "column": "hours_per_week"}}
    shares = dimension_coverage(table, dimensions).set_index(
        ["value_chain", "dimension", "year"])["share"]
    # apparel 2000: exporters A, B, C (D has no export value)
    assert shares[("apparel", "employment", 2000)] == pytest.approx(2 / 3)
    assert shares[("apparel", "union_density", 2000)] == 1.0
    assert shares[("apparel", "hours_worked", 2000)] == 0.0
    assert shares[("auto", "union_density", 2001)] == 0.5
    paths = plot_coverage(table, tmp_path / "coverage", formats=("png",), dpi=40,
                          dimensions=dimensions)
    assert paths[0].read_bytes()[:4] == b"\x89PNG"


def test_coverage_dimension_labels_stay_inside_the_written_figure(tmp_path, monkeypatch):
    """The layout is computed at the resolution the file is written at, so the longest
    dimension label of the coverage figure's lower panels is not cut at the left edge."""
    from gvc_upgrading.outputs import figures as figures_module
    from gvc_upgrading.outputs.style import save_figure

    rng = np.random.default_rng(3)
    table = pd.DataFrame([{"country": f"C{i:02d}", "value_chain": chain, "year": year,
                           "export_value_usd": 1.0, "employment_persons": 1.0,
                           "real_wage_per_employee_lcu": 1.0,
                           "domestic_value_added_share": rng.uniform()}
                          for i in range(40) for chain in ("apparel", "automotive",
                                                           "horticulture", "mobile_phones")
                          for year in range(1995, 2023)])
    dimensions = {"employment": {"label": "Employment", "column": "employment_persons"},
                  "domestic_value_added_share": {"label": "DVA share",
                                                 "column": "domestic_value_added_share"}}
    written = []
    monkeypatch.setattr(figures_module, "save_figure",
                        lambda fig, *args: written.append(fig) or save_figure(fig, *args))
    plot_coverage_path = figures_module.plot_coverage(table, tmp_path / "coverage",
                                                      formats=("png",), dpi=150,
                                                      dimensions=dimensions)
    assert plot_coverage_path[0].exists()
    fig = written[0]
    fig.set_dpi(150)  # as the file was written
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    lower_left = fig.axes[4]
    labels = [tick.label1 for tick in lower_left.yaxis.get_major_ticks()]
    assert [label.get_text() for label in labels] == ["employment", "domestic value added share"]
    assert min(label.get_window_extent(renderer).x0 for label in labels) >= 0
