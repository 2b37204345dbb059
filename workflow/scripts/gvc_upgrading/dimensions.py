"""The registry of upgrading dimensions (config/dimensions.yaml): what each dimension measures,
where its values come from, at which level, and which direction counts as better.

A :class:`Dimension` is data: adding one whose source format is already read is a change of the
registry file, or of the config key ``dimensions.define``, and of ``dimensions.use``. Every stage
reads the registry through :func:`load_dimensions`: harmonisation (which file and indicator to
read, how to turn it into a value per country x value chain x year), the indicator table (the
column names), classification (side, group and direction) and the outputs (labels and units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import ConfigError, load_yaml, validate

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "dimensions.schema.yaml"
SIDES = ("economic", "social")
SOCIAL_GROUPS = ("measurable_standard", "enabling_right")
ECONOMIC_GROUPS = ("market_position", "value_capture")
SEXES = ("female", "male")


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
