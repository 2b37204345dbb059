"""Loading and validating the workflow's YAML files against the JSON Schemas beside the workflow.

Errors name the key: ``config key 'classification.tolerance': 'x' is not of type 'number'``.
A YAML file that is not UTF-8, does not parse, or gives one key twice in a mapping (plain YAML
keeps the last silently) is refused with its file and line.
"""

from __future__ import annotations

import io
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """A configuration file does not match its schema."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice in one mapping; expected each key once",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: str | Path) -> dict:
    """Read a YAML mapping; an unreadable or non-mapping file is a ConfigError naming it."""
    data_bytes = Path(path).read_bytes()
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data_bytes.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}, line {line}: byte 0x{data_bytes[exc.start]:02x} is not UTF-8 "
                          "text; expected UTF-8 (was the file saved as Latin-1?)") from None
    stream = io.StringIO(text)
    stream.name = str(path)  # YAML's error marks name the stream
    try:
        data = yaml.load(stream, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    return data


def _key(path) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _describe(error: jsonschema.ValidationError) -> list[str]:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        extras = [k for k in error.instance if k not in allowed and not patterns]
        if extras:
            return [f"key '{_key([*error.absolute_path, k])}' is not allowed "
                    f"(allowed: {', '.join(sorted(allowed))})" for k in extras]
    return [f"key '{_key(error.absolute_path)}': {error.message}"]


def validate(instance: dict, schema: dict | str | Path, *, name: str = "config") -> dict:
    """Validate ``instance``; raise ConfigError listing every problem with its key path."""
    if not isinstance(schema, dict):
        schema = load_yaml(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        problems = [f"{name} {line}" for error in errors for line in _describe(error)]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return instance


def window_warnings(config: dict) -> list[str]:
    """Periods too short for their end windows: the first and last ``endpoint_years`` years
    (baseline and robustness choices) overlap, so the change compares partly the same years and
    understates the movement. The workflow logs these before it runs (a short run still runs)."""
    windows = [config["classification"]["endpoint_years"],
               *config.get("robustness", {}).get("endpoint_years", [])]
    messages = []
    for period in config["classification"]["periods"]:
        span = period["end"] - period["start"] + 1
        too_long = sorted({n for n in windows if 2 * n > span})
        if too_long and span >= 1:
            messages.append(
                f"config key 'classification.endpoint_years' (or robustness.endpoint_years): "
                f"period {period['label']!r} has {span} years, too few for end windows of "
                f"{too_long} years (the first and last windows overlap); set at most "
                f"{span // 2}, or a longer period")
    return messages


def check_references(config: dict, gvcs: dict, registry: dict) -> None:
    """Cross-file checks that a schema cannot express: chains and datasets must exist."""
    problems = []
    first, last = config["years"]["start"], config["years"]["end"]
    if first > last:
        problems.append(f"config key 'years': start {first} is after end {last}; expected "
                        "start <= end")
    elif first == last:
        problems.append(f"config key 'years': one year ({first}) cannot show upgrading, which is "
                        "a change between years, nor identify year effects; set years.end "
                        "after years.start (and classification.periods inside them)")
    for chain in config["value_chains"]:
        if chain not in gvcs:
            problems.append(f"config key 'value_chains': {chain!r} is not defined in "
                            f"{config['value_chains_file']} (known: {', '.join(gvcs)})")
    for role, dataset in config["datasets"].items():
        if dataset is not None and dataset not in registry:
            problems.append(f"config key 'datasets.{role}': {dataset!r} is not in the dataset "
                            "registry config/datasets.yaml")
    for period in config["classification"]["periods"]:
        if period["start"] >= period["end"]:
            problems.append(f"config key 'classification.periods': period {period['label']!r} "
                            "must start before it ends")
        elif first <= last and (period["start"] < first or period["end"] > last):
            problems.append(f"config key 'classification.periods': period {period['label']!r} "
                            f"({period['start']}-{period['end']}) is outside the years "
                            f"{first}-{last}; expected a period inside them")

    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
