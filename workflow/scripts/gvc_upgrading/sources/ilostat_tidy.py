"""The checks of an ILOSTAT table and its tidy form: codes, indicator, values within their unit's
range, unique series, years, and the economic activity taken apart (the work of
:func:`gvc_upgrading.sources.ilostat.read_indicator`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import (
    InputError,
)
from .ilostat_codes import (
    ACTIVITY_FORMS,
    ACTIVITY_PREFIX,
    CLASSIF_SEPARATOR,
    NOT_ACTIVITY,
    SERIES_KEY,
    ActivityCode,
    Unit,
    constant_column,
    eco_code_parts,
    file_row,
    file_rows,
    first_position,
    indicator_in_name,
    indicator_unit,
    joined,
    map_categories,
    recode,
    source_type,
    without_frequency,
)
from .ilostat_layouts import dictionary_for

log = logging.getLogger(__name__)


# --- checks and the tidy table -------------------------------------------------------------------

def _check_codes(raw: pd.DataFrame, path, names: dict[str, str],
                 dictionaries: Mapping[str, Mapping[str, str]], columns: tuple[str, ...]) -> None:
    """Refuse a code that the dictionary of its column does not list."""
    for column in columns:
        known = dictionary_for(column, dictionaries)
        if known is None or column not in raw:
            continue
        unknown = [code for code in raw[column].cat.categories if code not in known]
        if unknown:
            position = first_position(raw[column].isin(unknown))
            code = raw[column].iloc[position]
            raise InputError(path, f"{names[column]} code {code!r} is not in the ILOSTAT "
                                   f"{column} dictionary; expected one of its {len(known)} codes",
                             row=file_row(raw, position), key=names[column])


def _check_filled(raw: pd.DataFrame, path, names: dict[str, str]) -> None:
    """Refuse an empty area, indicator, sex or classification."""
    for column in ("ref_area", "indicator", "sex", "classif1", "classif2"):
        if column in raw and raw[column].isna().any():
            position = first_position(raw[column].isna())
            raise InputError(path, f"{names[column]} is empty; expected an ILOSTAT code",
                             row=file_row(raw, position), key=names[column])


def _check_indicator(raw: pd.DataFrame, path, names: dict[str, str], wanted: str | None) -> str:
    """The one indicator of the file: the one asked for, or named by the file name."""
    wanted = without_frequency(wanted) if wanted else None
    named = indicator_in_name(path)
    if wanted and named and wanted != named:
        raise InputError(path, f"indicator {wanted} was asked for, but the file name says "
                               f"{named}; expected the file of {wanted}")
    expected = wanted or named or raw["indicator"].iloc[0]
    origin = ("asked for" if wanted else "named by the file name" if named
              else "of the first row")
    other = (raw["indicator"] != expected).to_numpy()
    if other.any():
        position = first_position(other)
        raise InputError(path, f"{names['indicator']} {raw['indicator'].iloc[position]!r} "
                               f"disagrees with {expected}, the indicator {origin}; expected "
                               "one indicator per file", row=file_row(raw, position),
                         key=names["indicator"])
    return expected


def _check_some_values(raw: pd.DataFrame, path, names: dict[str, str]) -> None:
    if raw["obs_value"].isna().all():
        raise InputError(path, f"every {names['obs_value']} is empty; expected at least one "
                               "observation", key=names["obs_value"])


def _check_unique_series(raw: pd.DataFrame, path, names: dict[str, str]) -> None:
    keys = [column for column in SERIES_KEY if column in raw]
    repeated = _repeated_positions([_codes(raw[column]) for column in keys])
    if len(repeated):
        position = int(repeated.min())
        shown = ", ".join(f"{names[k]}={raw[k].iloc[position]}" for k in keys)
        raise InputError(path, f"observation {shown} is given twice; expected one row per "
                               f"{', '.join(names[k] for k in keys)}", row=file_row(raw, position),
                         key="key")


def _codes(values: pd.Series) -> np.ndarray:
    """Integers that are equal where the values are (categorical codes; -1 for missing)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    return values.to_numpy()


def _repeated_positions(keys: list[np.ndarray]) -> np.ndarray:
    """Positions of the records whose ``keys`` equal those of an earlier record: by a stable
    sort, which needs far less memory than hashing millions of composite keys."""
    order = np.lexsort(keys[::-1])
    same = np.ones(max(len(order) - 1, 0), dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    return order[1:][same]


def _activity_column(raw: pd.DataFrame, path, names: dict[str, str]) -> str | None:
    """The classification column that holds economic-activity codes, if one does."""
    found = []
    for column in ("classif1", "classif2"):
        if column not in raw:
            continue
        categories = raw[column].cat.categories
        is_activity = np.array([bool(ACTIVITY_PREFIX.match(code)) for code in categories])
        if is_activity.any() and not is_activity.all():
            position = first_position(raw[column].isin(categories[~is_activity]))
            raise InputError(path, f"{names[column]} {raw[column].iloc[position]!r} is not an "
                                   "economic-activity code, but other rows of the column are; "
                                   "expected one classification per column",
                             row=file_row(raw, position), key=names[column])
        if is_activity.any():
            found.append(column)
    if len(found) > 1:
        raise InputError(path, f"columns {[names[c] for c in found]} both hold economic-activity "
                               "codes; expected one", row=1, key="header")
    return found[0] if found else None


def _other_classification(raw: pd.DataFrame, activity: str | None) -> pd.Series:
    others = [raw[column] for column in ("classif1", "classif2")
              if column in raw and column != activity]
    if not others:
        return constant_column(None, len(raw))
    return others[0] if len(others) == 1 else joined(*others)


def _units(indicator: str, other: pd.Series) -> pd.Series:
    """The unit of each row: one per file, or per currency for ``_CUR_`` earnings."""
    def unit_of(classification: str) -> str | None:
        currency = next((code for code in classification.split(CLASSIF_SEPARATOR)
                         if code.startswith("CUR_TYPE_")), None)
        return indicator_unit(indicator, currency).name

    if "_CUR_" not in indicator:
        return constant_column(indicator_unit(indicator).name, len(other))
    return recode(other.cat.codes.to_numpy(), [unit_of(c) for c in other.cat.categories],
                   other.index)


def _value_key(raw: pd.DataFrame, names: dict[str, str], position: int) -> str:
    """The column of a value: one per file, one per activity in an Excel export."""
    return str(raw["_column"].iloc[position]) if "_column" in raw else names["obs_value"]


def _values_to_clear(raw: pd.DataFrame, path, names: dict[str, str], unit: Unit,
                     impossible: str) -> np.ndarray:
    """Refuse a value outside ``unit``'s range, or (``impossible='missing'``) log such values and
    return where they are, to be set to missing."""
    values = raw["obs_value"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        low = values < unit.minimum if unit.minimum is not None else np.zeros(len(values), bool)
        high = values > unit.maximum if unit.maximum is not None else np.zeros(len(values), bool)
    bad = low | high | np.isinf(values)
    if not bad.any():
        return bad
    expected = _range_text(unit)
    if impossible == "missing":
        rows = file_rows(raw, bad)
        areas = sorted(set(raw["ref_area"].to_numpy()[bad]))
        log.warning("%s: %d value(s) outside %s set to missing: rows %s%s, ref_area %s", path,
                    len(rows), expected, rows[:10].tolist(), " ..." if len(rows) > 10 else "",
                    ", ".join(map(str, areas)))
        return bad
    position = first_position(bad)
    reason = (f"below {unit.minimum:g}" if low[position] else
              f"above {unit.maximum:g}" if high[position] else "not finite")
    raise InputError(path, f"{names['obs_value']} {values[position]:g} (ref_area "
                           f"{raw['ref_area'].iloc[position]}, {raw['time'].iloc[position]}) is "
                           f"{reason}; expected {expected} (impossible='missing' sets such values "
                           "to missing)", row=file_row(raw, position),
                     key=_value_key(raw, names, position))


def _range_text(unit: Unit) -> str:
    name = unit.name or "values"
    if unit.minimum is not None and unit.maximum is not None:
        return f"{name} from {unit.minimum:g} to {unit.maximum:g}"
    if unit.minimum is not None:
        return f"{name} of at least {unit.minimum:g}"
    if unit.maximum is not None:
        return f"{name} of at most {unit.maximum:g}"
    return f"finite {name}"


def _check_activity_codes(raw: pd.DataFrame, column: str | None, path,
                          names: dict[str, str]) -> None:
    """Refuse an ``ECO_``/``EC2_`` code that :func:`eco_code_parts` cannot take apart."""
    def parts(code: str) -> None:
        if not any(pattern.fullmatch(code) for pattern, _ in ACTIVITY_FORMS):
            raise ValueError(NOT_ACTIVITY)

    if column is not None:
        map_categories(raw, column, path, names, parts)


def _activity_parts(raw: pd.DataFrame, column: str | None) -> dict[str, pd.Series]:
    """``activity`` and its parts (checked by :func:`_check_activity_codes`)."""
    if column is None:
        return {key: constant_column(None, len(raw)) for key in ("activity", *ActivityCode._fields)}
    values = raw[column]
    parsed = [eco_code_parts(code) for code in values.cat.categories]
    parts = {"activity": values}
    for index, field in enumerate(ActivityCode._fields):
        parts[field] = recode(values.cat.codes.to_numpy(), [p[index] for p in parsed],
                               values.index)
    return parts


def tidy_table(raw: pd.DataFrame, path, names: dict[str, str], *, indicator: str | None,
          years: tuple[int, int] | None, impossible: str,
          dictionaries: Mapping[str, Mapping[str, str]] | None = None,
          code_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The tidy table of a raw frame in standard column names: every row checked, then the rows
    within ``years`` kept (the caller must not hold ``raw``: a large file is then freed)."""
    if dictionaries:
        _check_codes(raw, path, names, dictionaries, code_columns)
    _check_filled(raw, path, names)
    indicator = _check_indicator(raw, path, names, indicator)
    _check_some_values(raw, path, names)
    _check_unique_series(raw, path, names)
    activity = _activity_column(raw, path, names)
    _check_activity_codes(raw, activity, path, names)
    clear = _values_to_clear(raw, path, names, indicator_unit(indicator), impossible)
    if clear.any():
        raw = raw.assign(obs_value=raw["obs_value"].mask(clear))
        if raw["obs_value"].isna().all():
            raise InputError(path, f"every {names['obs_value']} is empty or outside its unit's "
                                   "range (see the warning above); expected observations in "
                                   "the indicator's units", key=names["obs_value"])
    raw = _within_years(raw, path, years)
    return _tidy_columns(raw, indicator, activity)


def _within_years(raw: pd.DataFrame, path, years: tuple[int, int] | None) -> pd.DataFrame:
    """The records of the years (first, last); how many others were dropped is logged."""
    if years is None:
        return raw
    first, last = years
    inside = ((raw["time"] >= first) & (raw["time"] <= last)).to_numpy()
    if inside.all():
        return raw
    log.info("%s: %d row(s) outside the years %d-%d dropped", path, int((~inside).sum()),
             first, last)
    kept = raw[inside].reset_index(drop=True)
    for column in kept.columns:
        if isinstance(kept[column].dtype, pd.CategoricalDtype):
            kept[column] = kept[column].cat.remove_unused_categories()
    return kept


def _tidy_columns(raw: pd.DataFrame, indicator: str, activity: str | None) -> pd.DataFrame:
    """The columns of :data:`TIDY_COLUMNS` from the checked raw frame (no copy of its codes)."""
    length = len(raw)
    parts = _activity_parts(raw, activity)
    other = _other_classification(raw, activity)
    source = raw["source"] if "source" in raw else constant_column(None, length)
    return pd.DataFrame({
        "country": raw["ref_area"],
        "indicator": raw["indicator"],
        "source": source,
        "source_type": recode(source.cat.codes.to_numpy(),
                               [source_type(s) for s in source.cat.categories], raw.index),
        "sex": raw["sex"] if "sex" in raw else constant_column("SEX_T", length),
        "activity": parts["activity"],
        "isic_revision": parts["revision"],
        "isic_level": parts["level"],
        "isic_code": parts["code"],
        "classif_other": other,
        "year": raw["time"].to_numpy(dtype=np.int64),
        "value": raw["obs_value"].to_numpy(),
        "unit": _units(indicator, other),
        "obs_status": raw["obs_status"] if "obs_status" in raw else constant_column(None, length),
    }, index=raw.index, copy=False)
