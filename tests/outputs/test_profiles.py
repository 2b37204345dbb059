"""Tests for gvc_upgrading.outputs.profiles: the self-contained country profile page, built
from hand-built tables with every dimension of the registry."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from social_tables import classification_table, indicator_table, registry

from gvc_upgrading.outputs.profiles import profile_id, profiles_html, write_profiles

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "col", "wbr"}
SVG_LEAVES = {"rect", "line", "polyline", "circle", "path"}


class StrictParser(HTMLParser):
    """Collects elements and fails on a closing tag that does not close the open element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elements, self.problems, self.doctype = [], [], [], None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))
        if tag not in VOID | SVG_LEAVES:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def parse(page: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def dimensions():
    return registry()


@pytest.fixture(scope="module")
def tables(dimensions):
    classification = classification_table(dimensions, n_countries=5)
    return indicator_table(dimensions, classification), classification


@pytest.fixture(scope="module")
def page(dimensions, tables):
    indicators, classification = tables
    return profiles_html(indicators, classification, dimensions,
                         chain_labels={"apparel": "Apparel", "automotive": "Automotive"})


def sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="profile" id="([^"]+)">(.*?)</section>', page,
                           flags=re.S))


def test_page_is_well_formed_html(page):
    parser = parse(page)
    assert parser.doctype == "DOCTYPE html"
    assert parser.problems == [] and parser.stack == []
    assert parser.elements[0][0] == "html" and parser.elements[0][1]["lang"] == "en"
    assert ("meta", {"charset": "utf-8"}, 2) in parser.elements
    ids = [attrs["id"] for _, attrs, _ in parser.elements if "id" in attrs]
    assert len(ids) == len(set(ids))


def test_one_profile_per_country_and_chain_and_one_choice_each(page, tables):
    _, classification = tables
    pairs = classification[["country", "value_chain"]].drop_duplicates()
    expected = sorted(profile_id(c, g) for c, g in pairs.itertuples(index=False))
    assert sorted(sections(page)) == expected
    elements = parse(page).elements
    options = [attrs["value"] for tag, attrs, _ in elements if tag == "option"]
    assert sorted(options) == expected
    links = [attrs["href"] for tag, attrs, _ in elements if tag == "a"]
    assert sorted(links) == [f"#{i}" for i in expected]
    assert [attrs["id"] for tag, attrs, _ in elements if tag == "select"] == ["pick"]


def test_each_profile_embeds_a_chart_per_dimension_with_data(page, tables, dimensions):
    indicators, _ = tables
    for key, body in sections(page).items():
        country, chain = key.split("-", 1)
        rows = indicators[(indicators["country"] == country)
                          & (indicators["value_chain"] == chain)]
        with_data = [d for d in dimensions.values()
                     if any(rows[c].notna().any() for c in d.columns)]
        charts = re.findall(r"<svg .*?</svg>", body, flags=re.S)
        assert len(charts) == len(with_data), key
        assert all("<polyline" in chart or "<circle" in chart for chart in charts)
        economic, social = body.split('<div class="social">')
        assert economic.count("<svg") == sum(d.side == "economic" for d in with_data)
        assert social.count("<svg") == sum(d.side == "social" for d in with_data)


def test_women_and_men_are_drawn_where_the_source_splits_by_sex(page, dimensions):
    by_sex = [d for d in dimensions.values() if d.by_sex]
    body = sections(page)["C02-apparel"]
    for dim in by_sex:
        chart = re.search(rf'<svg [^>]*aria-label="{re.escape(dim.label)}[^"]*".*?</svg>',
                          body, flags=re.S).group(0)
        assert ">women</text>" in chart and ">men</text>" in chart
    # C01 has no value of the first by-sex dimension: its chart is left out and named
    first = by_sex[0]
    body = sections(page)["C01-apparel"]
    assert f'aria-label="{first.label}' not in body
    assert "No data for this country and chain" in body and first.label in body


def test_no_network_needed(page):
    elements = parse(page).elements
    assert not [tag for tag, attrs, _ in elements if "src" in attrs or tag == "link"]
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, not a download
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 1 and "fetch" not in scripts[0] and "import" not in scripts[0]


def test_verdicts_and_the_dimensions_they_rest_on(page, tables, dimensions):
    _, classification = tables
    row = classification[(classification["country"] == "C03")
                         & (classification["value_chain"] == "automotive")].iloc[0]
    body = sections(page)["C03-automotive"]
    assert body.startswith("<h2>C03: Automotive</h2>")  # no name known: the code alone
    assert "Measurable standards" in body and "Enabling rights" in body
    assert "Social class rests on" in body and "Without data" in body
    table = body.split("<h3>Change over each period")[0]
    for dim_id in row["social_dimensions_used"].split(", "):
        assert html.escape(dimensions[dim_id].label) in table
    assert f">{row['economic_class']}</span> {row['economic_detail']}" in table


def test_changes_are_marked_better_or_worse_by_direction(page, tables, dimensions):
    _, classification = tables
    rows = classification[classification["value_chain"] == "apparel"]
    for dim_id in ("hours_worked", "union_density"):
        sign = 1 if dimensions[dim_id].better == "higher" else -1
        row = rows[rows[f"{dim_id}_change"].notna()].iloc[0]
        change = row[f"{dim_id}_change"]
        mood = "better" if change * sign > 0 else "worse"
        body = sections(page)[profile_id(row["country"], "apparel")]
        line = re.search(rf"<tr><td>{re.escape(dimensions[dim_id].label)}</td>.*?</tr>",
                         body).group(0)
        assert f'<td class="num {mood}">{change:+.3f}' in line


def test_demo_tables_without_decent_work_columns(dimensions, tables, tmp_path):
    indicators, classification = tables
    plain = classification.drop(columns=["standards_class", "rights_class",
                                         "social_dimensions_used", "social_dimensions_missing",
                                         "rule"])
    keep = {k: dimensions[k] for k in ("market_share", "unit_value", "relative_unit_value",
                                       "employment", "real_wage")}
    path = write_profiles(indicators[["country", "value_chain", "year"]
                                     + [d.column for d in keep.values()]],
                          plain, keep, tmp_path / "profiles" / "profiles.html")
    page = path.read_text(encoding="utf-8")
    assert parse(page).problems == []
    assert "Social class rests on" not in page and "Measurable standards</th>" not in page
    assert len(sections(page)) == len(plain[["country", "value_chain"]].drop_duplicates())
    assert [p.name for p in path.parent.iterdir()] == ["profiles.html"]  # no temporary left


def test_no_rows_is_an_error(dimensions, tables):
    indicators, classification = tables
    with pytest.raises(ValueError, match="no classification rows"):
        profiles_html(indicators, classification.iloc[0:0], dimensions)
    assert np.isfinite(indicators["year"]).all()


def test_women_and_men_changes_and_verdicts(dimensions, tables):
    """With women's and men's changes and verdicts in the classification, the change table has
    a row for women and one for men below each dimension split by sex, each read in its better
    direction, and the verdicts show Women and Men with their details."""
    indicators, classification = tables
    rng = np.random.default_rng(3)
    split = [d for d in dimensions.values() if d.by_sex]
    extra = {f"{d.id}_{sex}_change": rng.normal(0, 0.3, len(classification)) for d in split
             for sex in ("female", "male")}
    extra |= {"social_class_female": "upgrading", "social_class_male": "downgrading",
              "social_detail_female": "standards: hours worked down (better)",
              "social_detail_male": "standards: hours worked up (worse)"}
    with_sexes = classification.assign(**extra)
    page = profiles_html(indicators, with_sexes, dimensions)
    assert parse(page).problems == []
    row = with_sexes[(with_sexes["country"] == "C02")
                     & (with_sexes["value_chain"] == "apparel")].iloc[0]
    body = sections(page)["C02-apparel"]
    verdicts, changes = body.split("<h3>Change over each period")
    assert "<th>Women</th><th>Men</th>" in verdicts
    assert ">upgrading</span> standards: hours worked down (better)" in verdicts
    labels = re.findall(r"<tr><td>([^<]+)</td>", changes)
    for dim in split:
        at = labels.index(html.escape(dim.label))
        assert labels[at + 1:at + 3] == [html.escape(f"{dim.label} (women)"),
                                         html.escape(f"{dim.label} (men)")]
        change = row[f"{dim.id}_female_change"]
        line = re.search(rf"<tr><td>{re.escape(html.escape(dim.label))} \(women\)</td>.*?</tr>",
                         changes).group(0)
        mood = "better" if change < 0 else "worse"  # lower is better for hours, informality
        assert f'<td class="num {mood}">{change:+.3f}' in line


def test_each_change_says_what_it_is_measured_in(tables, dimensions):
    """Log changes say log points; a dimension of classification.level_changes says it is a
    difference in its own unit (the gender pay gap: per cent of men's earnings)."""
    indicators, classification = tables
    page = profiles_html(indicators, classification, dimensions,
                         level_changes=["gender_pay_gap"])
    body = sections(page)["C00-apparel"]
    assert "<th>Change in</th>" in body

    def measured(dim_id):
        label = re.escape(html.escape(dimensions[dim_id].label))
        return re.search(rf"<tr><td>{label}</td><td>[^<]*</td><td>([^<]*)</td>", body).group(1)

    assert measured("hours_worked") == "log points"
    assert measured("gender_pay_gap") == html.escape(
        f"difference, {dimensions['gender_pay_gap'].unit}")
