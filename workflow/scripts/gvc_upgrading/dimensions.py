"""The registry of upgrading dimensions (config/dimensions.yaml): what each dimension measures,
where its values come from, at which level, and which direction counts as better.

A :class:`Dimension` is data: adding one whose source format is already read is a change of the
registry file, or of the config key ``dimensions.define``, and of ``dimensions.use``. Every stage
reads the registry through :func:`load_dimensions`: harmonisation (which file and indicator to
read, how to turn it into a value per country x value chain x year), the indicator table (the
column names), classification (side, group and direction) and the outputs (labels and units).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import ConfigError, load_yaml, validate

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "dimensions.schema.yaml"
SIDES = ("economic", "social")
SOCIAL_GROUPS = ("measurable_standard", "enabling_right")
ECONOMIC_GROUPS = ("market_position", "value_capture")
SEXES = ("female", "male")
#: The word of each sex in labels ("Mean weekly hours actually worked (women)").
SEX_WORDS = {"female": "women", "male": "men"}


@dataclass(frozen=True)
class Dimension:
    """One dimension of upgrading as the registry declares it (keys: config/dimensions.yaml)."""

    id: str
    label: str
    side: str
    group: str
    column: str
    unit: str
    better: str
    by_sex: bool
    level: str
    source: dict = field(default_factory=dict)

    @property
    def sign(self) -> int:
        """+1 when a rise is better, -1 when a fall is better."""
        return 1 if self.better == "higher" else -1

    @property
    def columns(self) -> list[str]:
        """The indicator-table columns: the total, then women's and men's with ``by_sex``."""
        return [self.column] + ([f"{self.column}_{sex}" for sex in SEXES] if self.by_sex else [])

    @property
    def dataset(self) -> str | None:
        """Key of the config section ``datasets`` that names its raw file (None: a built table)."""
        return self.source.get("dataset")

    @property
    def datasets(self) -> list[str]:
        """Keys of the config section ``datasets`` it reads: its own and its denominator's."""
        keys = [self.dataset, self.source.get("denominator", {}).get("dataset")]
        return [key for key in dict.fromkeys(keys) if key]


def read_registry(path: str | Path, define: dict | None = None) -> dict[str, dict]:
    """The registry file at ``path`` with the entries of ``define`` added or replacing those of
    the same id, validated against the dimensions schema (errors name the id and key)."""
    entries = dict(load_yaml(path))
    entries.update(define or {})
    return validate(entries, SCHEMA, name=f"dimensions ({path})")


def load_dimensions(settings: dict) -> dict[str, Dimension]:
    """The dimensions of config section ``dimensions`` (``file``, ``use``, ``define``), in the
    order of ``use``. An id in ``use`` that the registry lacks, or two dimensions writing one
    column, is a :class:`ConfigError` naming it."""
    entries = read_registry(settings["file"], settings.get("define"))
    unknown = [name for name in settings["use"] if name not in entries]
    if unknown:
        raise ConfigError(f"config key 'dimensions.use': {unknown} not in {settings['file']} or "
                          f"dimensions.define (known: {sorted(entries)})")
    chosen = {name: Dimension(id=name, **entries[name]) for name in settings["use"]}
    owners: dict[str, str] = {}
    for dim in chosen.values():
        for column in dim.columns:
            if column in owners:
                raise ConfigError(f"config key 'dimensions.use': {owners[column]} and {dim.id} "
                                  f"both write column {column!r}")
            owners[column] = dim.id
    return chosen


def registry_dimensions(settings: dict) -> dict[str, Dimension]:
    """Every dimension of the registry and ``dimensions.define``, whether in use or not."""
    entries = read_registry(settings["file"], settings.get("define"))
    return {name: Dimension(id=name, **entry) for name, entry in entries.items()}


def sex_dimension(dim: Dimension, sex: str) -> Dimension:
    """Women's or men's part of a dimension split by sex (``sex``: ``female`` or ``male``), as
    a dimension of its own: id ``<id>_<sex>``, column ``<column>_<sex>``, the label with
    "(women)" or "(men)", everything else as the dimension's."""
    if not dim.by_sex or sex not in SEXES:
        raise ValueError(f"dimension {dim.id} has no {sex!r} part (by_sex: {dim.by_sex})")
    return replace(dim, id=f"{dim.id}_{sex}", column=f"{dim.column}_{sex}",
                   label=f"{dim.label} ({SEX_WORDS[sex]})", by_sex=False)


def sex_dimensions(dimensions: dict[str, Dimension]) -> dict[str, Dimension]:
    """Women's and men's parts (:func:`sex_dimension`) of every dimension split by sex, each
    pair in the order of ``dimensions``: the changes and verdicts for women and for men."""
    return {part.id: part for dim in dimensions.values() if dim.by_sex
            for part in (sex_dimension(dim, sex) for sex in SEXES)}


def by_side(dimensions: dict[str, Dimension], side: str,
            group: str | None = None) -> list[Dimension]:
    """The dimensions of one side (and group), in registry order."""
    return [d for d in dimensions.values() if d.side == side and (group is None or
                                                                   d.group == group)]


def check_datasets(dimensions: dict[str, Dimension], datasets: dict) -> None:
    """Every dimension read from a raw file names a key of the config section ``datasets``."""
    missing = sorted({key for d in dimensions.values() for key in d.datasets
                      if key not in datasets})
    if missing:
        users = sorted(d.id for d in dimensions.values() if set(d.datasets) & set(missing))
        raise ConfigError(f"config key 'datasets': no entry for {missing}, which dimensions "
                          f"{users} read (add them, or leave those dimensions out of "
                          "dimensions.use)")


def check_indicators(dimensions: dict[str, Dimension], datasets: dict, registry: dict) -> None:
    """A dimension read from an ILOSTAT file names the indicator that the registry entry of its
    dataset names, where the entry names one (with or without the ``_A`` of the bulk file
    name): a ConfigError naming the dataset key, the entry and both ids otherwise. Run after
    :func:`check_datasets`."""
    problems = []
    for dim in dimensions.values():
        reads = [(dim.dataset, dim.source.get("indicator"))]
        if "denominator" in dim.source:
            reads.append((dim.source["denominator"]["dataset"],
                          dim.source["denominator"]["indicator"]))
        for key, indicator in reads:
            entry = registry.get(datasets.get(key), {})
            if entry.get("format") != "ilostat_bulk_csv" or not entry.get("indicator"):
                continue
            if entry["indicator"].removesuffix("_A") != str(indicator).removesuffix("_A"):
                problems.append(f"config key 'datasets.{key}': {datasets[key]} holds "
                                f"{entry['indicator']}; expected {indicator}, which dimension "
                                f"{dim.id} reads")
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))


# --- dimensions read from OECD TiVA -----------------------------------------------------------

TIVA_FORMAT = "tiva_sdmx_csv"
#: Gross exports, asked for with every flow of TiVA levels: the industry's exports, which hold
#: the chain's (and give the derived shares their denominator).
GROSS_EXPORTS = "EXGR"
LEVEL_UNIT = "USD"


def value_added_dimensions(dimensions: dict[str, Dimension]) -> list[Dimension]:
    """The dimensions read from OECD TiVA (format ``tiva_sdmx_csv``), in registry order."""
    return [d for d in dimensions.values() if d.source.get("format") == TIVA_FORMAT]


def value_added_measures(dimensions: dict[str, Dimension], role: str, entry: dict) -> list[str]:
    """The measures to ask the TiVA dataset of ``role`` (registry ``entry``) for: the indicators
    of the dimensions that read it, and gross exports from a flow of levels."""
    measures = {d.source["indicator"] for d in value_added_dimensions(dimensions)
                if d.dataset == role}
    if entry["sdmx"]["unit"] == LEVEL_UNIT:
        measures.add(GROSS_EXPORTS)
    return sorted(measures)


def check_value_added(dimensions: dict[str, Dimension], datasets: dict, registry: dict,
                      gvcs: dict, chains, gvcs_file: str) -> None:
    """Dimensions read from TiVA need a TiVA dataset whose edition lists their measure, and
    every configured chain needs a ``tiva_activity`` that the edition lists (ConfigError naming
    the key, the code and the dataset otherwise). Run after :func:`check_datasets`."""
    found = value_added_dimensions(dimensions)
    problems = []
    for dim in found:
        dataset_id = datasets[dim.dataset]
        entry = registry[dataset_id]
        if entry["format"] != TIVA_FORMAT:
            problems.append(f"config key 'datasets.{dim.dataset}': {dataset_id} has format "
                            f"{entry['format']}; dimension {dim.id} expects {TIVA_FORMAT}")
        elif dim.source["indicator"] not in entry["sdmx"]["measures"]:
            problems.append(f"config key 'dimensions.use': dimension {dim.id} reads measure {dim.source['indicator']}, which "
                            f"{dataset_id} does not list; expected one of its measures "
                            f"({', '.join(entry['sdmx']['measures'])}): leave {dim.id} out of "
                            "dimensions.use or name an edition that publishes it")
    editions = {datasets[d.dataset] for d in found if registry[datasets[d.dataset]]["format"]
                == TIVA_FORMAT}
    for chain in chains:
        activity = gvcs[chain].get("tiva_activity")
        if found and activity is None:
            problems.append(f"value chains key '{chain}.tiva_activity' is missing; expected the "
                            f"TiVA activity that holds the chain, since dimensions "
                            f"{[d.id for d in found]} read OECD TiVA by activity ({gvcs_file})")
            continue
        for dataset_id in sorted(editions):
            listed = registry[dataset_id]["sdmx"]["activities"]
            if activity not in listed:
                close = [code for code in listed if code[:1] == str(activity)[:1]]
                problems.append(f"value chains key '{chain}.tiva_activity': {activity!r} is not "
                                f"an activity of {dataset_id} (codes starting alike: "
                                f"{', '.join(close) or 'none'}) ({gvcs_file})")
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
