"""Tests for gvc_upgrading.outputs.decent_work: the decent-work heat map on hand-built tables
with every social dimension, missing values and dimensions where lower is better."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.patches import Rectangle
from social_tables import classification_table, registry, social

from gvc_upgrading.outputs.decent_work import (
    BLOCK_GAP,
    draw_decent_work,
    plot_decent_work,
    social_columns,
)
from gvc_upgrading.outputs.vocabulary import listed_ids

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def dimensions():
    return registry()


@pytest.fixture(scope="module")
def table(dimensions):
    return classification_table(dimensions)


def change_meshes(ax) -> list[QuadMesh]:
    return [c for c in ax.collections if (c.get_gid() or "").startswith("change:")]


def expected_order(rows: pd.DataFrame, dims) -> list[str]:
    """Countries by dimension-periods better (desc), worse (asc), code -- by plain counting."""
    tally = {}
    for row in rows.itertuples(index=False):
        better = worse = 0
        for d in dims.values():
            value = getattr(row, f"{d.id}_change")
            if np.isnan(value):
                continue
            signed = value if d.better == "higher" else -value
            better, worse = better + (signed > 0), worse + (signed < 0)
        b, w = tally.get(row.country, (0, 0))
        tally[row.country] = (b + better, w + worse)
    return sorted(tally, key=lambda c: (-tally[c][0], tally[c][1], c))


def test_columns_are_the_social_dimensions_standards_first(dimensions):
    columns = social_columns(dimensions)
    assert {c.id for c in columns} == {k for k, d in dimensions.items() if d.side == "social"}
    groups = [c.group for c in columns]
    assert groups == sorted(groups, key=lambda g: g != "measurable_standard")
    assert {c.id: c.sign for c in columns}["hours_worked"] == -1
    assert {c.id: c.sign for c in columns}["union_density"] == 1


def test_cells_are_changes_read_in_the_better_direction(dimensions, table):
    fig = draw_decent_work(table, "apparel", dimensions, chain_label="Apparel")
    rows = table[table["value_chain"] == "apparel"]
    dims = social(dimensions)
    countries = expected_order(rows, dims)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == countries
    columns = social_columns(dimensions)
    for ax, period in zip(fig.axes, ["1995-2008", "2008-2022"]):
        meshes = change_meshes(ax)
        assert [m.get_gid() for m in meshes] == [f"change:{c.id}" for c in columns]
        period_rows = rows[rows["period"] == period].set_index("country").reindex(countries)
        for mesh, column in zip(meshes, columns):
            change = period_rows[f"{column.id}_change"].to_numpy()
            expected = change if dims[column.id].better == "higher" else -change
            drawn = mesh.get_array()
            np.testing.assert_allclose(drawn.filled(np.nan).ravel(), expected)
            assert drawn.mask.ravel().tolist() == np.isnan(change).tolist()
        marks = {}  # row -> class of the social verdict, from the letters drawn
        for collection in ax.collections:
            kind, *rest = (collection.get_gid() or "").split(":")
            if kind == "letter" and rest[0] == "social_class":
                marks |= {int(y): rest[1] for _, y in collection.get_offsets()}
        assert [marks[i] for i in range(len(countries))] == list(period_rows["social_class"])


def test_a_fall_in_hours_worked_is_coloured_better(dimensions, table):
    rows = table[(table["value_chain"] == "apparel") & (table["period"] == "1995-2008")]
    fell = rows.loc[rows["hours_worked_change"] < -0.2, "country"].iloc[0]
    rose = rows.loc[rows["hours_worked_change"] > 0.2, "country"].iloc[0]
    fig = draw_decent_work(table, "apparel", dimensions)
    ax = fig.axes[0]
    countries = [t.get_text() for t in ax.get_yticklabels()]
    position = [c.id for c in social_columns(dimensions)].index("hours_worked")
    mesh = change_meshes(ax)[position]
    colours = mesh.cmap(mesh.norm(mesh.get_array().filled(np.nan).ravel()))
    blue_minus_red = colours[:, 2] - colours[:, 0]
    assert blue_minus_red[countries.index(fell)] > 0.1  # better: towards blue
    assert blue_minus_red[countries.index(rose)] < -0.1  # worse: towards vermillion
    assert "↓" in [t.get_text() for t in ax.get_xticklabels()][position]


def test_groups_are_separated_labelled_and_missing_is_hatched(dimensions, table):
    fig = draw_decent_work(table, "apparel", dimensions)
    ax = fig.axes[0]
    headers = [t.get_text() for t in ax.texts if t.get_text().endswith(
        ("standards", "rights", "Verdict"))]
    assert headers == ["Measurable\nstandards", "Enabling\nrights", "Verdict"]
    meshes = change_meshes(ax)
    lefts = {c.group: [] for c in social_columns(dimensions)}
    for mesh, column in zip(meshes, social_columns(dimensions)):
        lefts[column.group].append(mesh.get_coordinates()[0, 0, 0])
    assert min(lefts["enabling_right"]) - (max(lefts["measurable_standard"]) + 1) == \
        pytest.approx(BLOCK_GAP)
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 3  # one block behind each group and the verdicts
    legend = fig.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "no data" in labels
    assert legend.legend_handles[labels.index("no data")].get_hatch()


def test_a_subset_of_dimensions_and_a_missing_change_column(dimensions, table):
    """Today's demo: only employment and the real wage on the social side, no standards or
    rights verdicts; a registry dimension without a change column is drawn all missing."""
    subset = {k: dimensions[k] for k in ("employment", "real_wage", "hours_worked")}
    demo = table.drop(columns=[c for c in table.columns if c.endswith("_change") and
                               c not in ("employment_change", "real_wage_change")]
                      + ["standards_class", "rights_class", "rule"])
    fig = draw_decent_work(demo, "automotive", subset)
    ax = fig.axes[0]
    meshes = change_meshes(ax)
    assert meshes[2].get_array().mask.all()  # hours_worked: no change column
    assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["Economic", "Social"]
    assert "No dimension of enabling rights is configured" in fig._suptitle.get_text().replace(
        "\n", " ")


def test_plot_writes_png_and_pdf(dimensions, table, tmp_path):
    paths = plot_decent_work(table, "apparel", dimensions, tmp_path / "decent_work_apparel",
                             formats=("png", "pdf"), dpi=60)
    assert [p.name for p in paths] == ["decent_work_apparel.png", "decent_work_apparel.pdf"]
    assert paths[0].read_bytes()[:8] == PNG_SIGNATURE
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="mobile_phones"):
        draw_decent_work(table, "mobile_phones", dimensions)


@pytest.mark.parametrize(("cell", "ids"), [
    ("employment, real_wage", ["employment", "real_wage"]),
    ("hours_worked;informality", ["hours_worked", "informality"]),
    (["union_density"], ["union_density"]),
    (np.array(["a", "b"], dtype=object), ["a", "b"]),
    ("", []), (None, []), (np.nan, []),
])
def test_listed_ids(cell, ids):
    assert listed_ids(cell) == ids


def test_women_and_men_beside_each_dimension_split_by_sex(dimensions, table):
    """With the women's and men's changes of hours worked and informality in the table, each
    gets two columns right after its dimension, read in its better direction, and the women's
    and men's verdicts their columns; the country order stays that of the totals."""
    rng = np.random.default_rng(5)
    split = [d for d in social(dimensions).values() if d.by_sex]
    assert [d.id for d in split] == ["hours_worked", "informality"]
    extra = {f"{d.id}_{sex}_change": rng.normal(0, 0.3, len(table)) for d in split
             for sex in ("female", "male")}
    extra |= {f"social_class_{sex}": rng.choice(["upgrading", "mixed", "downgrading"],
                                                len(table)) for sex in ("female", "male")}
    with_sexes = table.assign(**extra)
    fig = draw_decent_work(with_sexes, "apparel", dimensions)
    ax = fig.axes[0]
    gids = [m.get_gid() for m in change_meshes(ax)]
    for dim in split:
        at = gids.index(f"change:{dim.id}")
        assert gids[at + 1:at + 3] == [f"change:{dim.id}_female", f"change:{dim.id}_male"]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels.count("women ↓") == labels.count("men ↓") == 2  # lower is better for both
    assert labels[-2:] == ["Women", "Men"]
    countries = [t.get_text() for t in ax.get_yticklabels()]
    rows = with_sexes[(with_sexes["value_chain"] == "apparel")]
    assert countries == expected_order(rows, social(dimensions))
    mesh = change_meshes(ax)[gids.index("change:hours_worked_female")]
    period = rows[rows["period"] == "1995-2008"].set_index("country").reindex(countries)
    np.testing.assert_allclose(mesh.get_array().filled(np.nan).ravel(),
                               -period["hours_worked_female_change"].to_numpy())


def test_changes_in_levels_are_coloured_on_their_own_scale(dimensions, table):
    """A dimension of classification.level_changes (here the gender pay gap, in percentage
    points, 20 times the size of the log changes) is marked ° and scaled so that its own 95th
    percentile of absolute changes meets the log changes' 95th percentile; the log changes are
    drawn as they are."""
    levels = table.assign(gender_pay_gap_change=table["gender_pay_gap_change"] * 20)
    fig = draw_decent_work(levels, "apparel", dimensions, level_changes=["gender_pay_gap"])
    rows = levels[levels["value_chain"] == "apparel"]
    columns = social_columns(dimensions)
    ids = [c.id for c in columns]
    signs = {c.id: c.sign for c in columns}

    def p95(values):
        values = np.abs(np.asarray(values, dtype="float64"))
        return np.quantile(values[np.isfinite(values)], 0.95)

    logged = [rows[f"{i}_change"] * signs[i] for i in ids if i != "gender_pay_gap"]
    limit = p95(np.concatenate(logged))
    gap_scale = p95(rows["gender_pay_gap_change"])
    ax = fig.axes[0]
    countries = [t.get_text() for t in ax.get_yticklabels()]
    period_rows = rows[rows["period"] == "1995-2008"].set_index("country").reindex(countries)
    meshes = dict(zip(ids, change_meshes(ax)))
    drawn_gap = meshes["gender_pay_gap"].get_array().filled(np.nan).ravel()
    np.testing.assert_allclose(drawn_gap, -period_rows["gender_pay_gap_change"].to_numpy()
                               * limit / gap_scale)
    drawn_hours = meshes["hours_worked"].get_array().filled(np.nan).ravel()
    np.testing.assert_allclose(drawn_hours, -period_rows["hours_worked_change"].to_numpy())
    assert meshes["hours_worked"].norm.vmax == pytest.approx(limit)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[ids.index("gender_pay_gap")].endswith("↓°")
    assert not labels[ids.index("hours_worked")].endswith("°")
    colourbar_label = fig.axes[-1].get_xlabel()
    assert "°: change in levels" in colourbar_label
