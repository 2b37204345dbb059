"""Tests for gvc_upgrading.outputs.quadrants: the economic x social scatter, its second row
of the dimensions the axes of the first do not show, and labels that do not overlap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from social_tables import classification_table, registry

from gvc_upgrading.outputs.labels import boxes_overlap
from gvc_upgrading.outputs.quadrants import (
    draw_quadrants,
    joint_class,
    plot_quadrants,
    quadrant_pairs,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CLASSES = ["upgrading", "mixed", "downgrading", "insufficient data"]


def make_classification(n_countries: int = 12, seed: int = 0, spread: float = 1.0,
                        full: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for period, start in (("1995-2008", 1995), ("2008-2022", 2008)):
        for i in range(n_countries):
            row = {"country": f"C{i:02d}", "value_chain": "apparel", "period": period,
                   "start_year": start, "end_year": start + 13,
                   "market_share_change": rng.normal(0, spread),
                   "real_wage_change": rng.normal(0, spread),
                   "economic_class": CLASSES[i % 4], "social_class": CLASSES[(i // 4) % 3],
                   "economic_detail": "market share up, unit value down"}
            if full:
                row |= {"unit_value_change": rng.normal(0, spread),
                        "employment_change": rng.normal(0, spread)}
            rows.append(row)
    return pd.DataFrame(rows)


def test_joint_class():
    assert joint_class("upgrading", "upgrading") == "Economic & social upgrading"
    assert joint_class("upgrading", "downgrading") == "Economic upgrading, social downgrading"
    assert joint_class("mixed", "upgrading") == "Mixed signals"
    assert joint_class("upgrading", "insufficient data") == "Insufficient data"


def test_plot_quadrants_writes_png_and_pdf_and_skips_nan(tmp_path):
    classification = make_classification()
    classification.loc[::3, "real_wage_change"] = np.nan
    classification.loc[classification["period"] == "2008-2022", "market_share_change"] = np.nan
    paths = plot_quadrants(classification, "apparel", tmp_path / "quadrants_apparel",
                           formats=("png", "pdf"), dpi=60, chain_label="Apparel")
    assert [p.name for p in paths] == ["quadrants_apparel.png", "quadrants_apparel.pdf"]
    assert paths[0].read_bytes()[:8] == PNG_SIGNATURE
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def _points(ax) -> int:
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))


def test_second_row_shows_what_else_decides_the_class():
    classification = make_classification()
    classification.loc[0, "employment_change"] = np.nan
    fig, _ = draw_quadrants(classification, "apparel")
    panels = [ax for ax in fig.axes if ax.get_xlabel()]
    assert [ax.get_xlabel().split(" (")[0] for ax in panels] == [
        "Change in world export market share"] * 2 + ["Change in export unit value"] * 2
    assert panels[2].get_ylabel() == "Change in employment (log points)"
    first = classification[classification["period"] == "1995-2008"]
    assert _points(panels[0]) == len(first)
    assert _points(panels[2]) == len(first) - 1  # the row without employment is left out
    note = fig.legends[0].get_title().get_text()
    assert "in that quadrant in both rows" in note and "unit value" in note


def test_relative_unit_value_when_the_rule_reads_it_and_one_row_without_it():
    classification = make_classification().assign(
        economic_detail="market share up, relative unit value down",
        relative_unit_value_change=0.1)
    assert quadrant_pairs(classification)[1] == ("relative_unit_value_change",
                                                 "employment_change")
    bare = make_classification(full=False)
    assert quadrant_pairs(bare) == [("market_share_change", "real_wage_change")]
    fig, _ = draw_quadrants(bare, "apparel")
    assert len([ax for ax in fig.axes if ax.get_xlabel()]) == 2
    assert "which these axes do not show" in fig.legends[0].get_title().get_text()


def test_legend_names_further_social_dimensions_of_a_decent_work_rule():
    dims = registry()
    table = classification_table(dims, n_countries=6)
    fig, _ = draw_quadrants(table, "apparel",
                            dimension_labels={k: d.label for k, d in dims.items()})
    note = fig.legends[0].get_title().get_text()
    assert "Gender pay gap" in note and "decent-work figure" in note


def test_tolerance_band_is_shaded_and_said():
    fig, _ = draw_quadrants(make_classification(), "apparel", tolerance=0.05)
    assert "within ±0.05 log points" in fig.legends[0].get_title().get_text()
    assert any(p.get_y() == pytest.approx(-0.05) for p in fig.axes[0].patches
               if hasattr(p, "get_y"))


def test_labels_in_a_crowded_panel_do_not_overlap():
    """Forty countries bunched near the origin (like CHN/EGY and HUN/JPN/DEU in the apparel
    demo) plus a few far out: every label is clear of the others and of every point."""
    classification = make_classification(n_countries=40, seed=3, spread=0.03)
    far = classification["country"].isin(["C00", "C01", "C02"])
    classification.loc[far, "market_share_change"] = [1.0, -0.8, 0.9] * 2
    fig, resolved = draw_quadrants(classification, "apparel")
    assert resolved
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    for ax in (ax for ax in fig.axes if ax.get_xlabel()):
        labels = [t for t in ax.texts if t.get_text().startswith("C")]
        assert len(labels) == 40
        label_boxes = np.array([t.get_window_extent(renderer).extents for t in labels])
        assert len(boxes_overlap(label_boxes)) == 0
        points = np.vstack([c.get_offsets() for c in ax.collections
                            if isinstance(c, PathCollection)])
        pixels = ax.transData.transform(points)
        inside = ((pixels[:, None, 0] > label_boxes[None, :, 0])
                  & (pixels[:, None, 0] < label_boxes[None, :, 2])
                  & (pixels[:, None, 1] > label_boxes[None, :, 1])
                  & (pixels[:, None, 1] < label_boxes[None, :, 3]))
        assert not inside.any(), "a label covers a point"
