"""Provenance of a run and the map from outputs to the rules and code that make them.

:func:`describe_provenance` records what went into a run: each configured dataset's registry
entry (source, version, licence) with the size and sha256 of every raw file (and whether it
matches the checksum pinned in the registry), the versions of Python and of the packages
that computed the results, the git revision of the workflow, and the configuration used.
:func:`rule_catalogue` turns the rules of a Snakemake workflow into plain records (rule,
script, library functions, outputs and their report category), from which
:func:`outputs_map` writes the table of "which rule and file makes this output".
"""

from __future__ import annotations

import ast
import hashlib
import html
import importlib.metadata
import os
import platform
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

#: Distributions whose versions are recorded (the pinned dependencies and the library).
PACKAGES = (
    "gvc-upgrading", "snakemake", "pandas", "numpy", "pyarrow", "statsmodels", "scipy",
    "matplotlib", "pycountry", "jsonschema", "PyYAML",
)
LIBRARY = "gvc_upgrading"
_PLUMBING = {f"{LIBRARY}.io"}  # imported by every script; not what makes an output
# "{year,\d{4}}" -> "{year}": wildcard constraints are noise in a map of outputs
_WILDCARD_CONSTRAINT = re.compile(r"\{(\w+),(?:[^{}]|\{[^{}]*\})*\}")
_STYLE = """<style>
body { font-family: sans-serif; font-size: 14px; margin: 1em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
code, pre { font-size: 12px; }
</style>"""


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def package_versions(packages: Iterable[str] = PACKAGES) -> dict[str, str]:
    """``{"python": ..., package: version}``; "not installed" for an absent package."""
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_revision(path: str | os.PathLike) -> str:
    """The commit checked out at ``path`` ("... with uncommitted changes" if the tree is dirty),
    or "not a git checkout"."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout.strip()
    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return f"{commit} with uncommitted changes" if dirty else commit


def _file_record(path: str, pinned: Mapping[str, str]) -> dict:
    """Size and sha256 of one raw file, with the registry's pinned checksum if there is one."""
    sha = sha256_file(path)
    expected = pinned.get(Path(path).name)
    return {
        "path": path,
        "bytes": Path(path).stat().st_size,
        "sha256": sha,
        "pinned_sha256": expected,
        "matches_pin": None if expected is None else sha == expected,
    }


def describe_provenance(
    datasets: Mapping[str, Mapping],
    files: Mapping[str, list[str]],
    config: Mapping,
    config_files: Iterable[str],
    workflow_dir: str | os.PathLike,
) -> dict:
    """The provenance record of a run.

    ``datasets`` maps each input role (``trade``, ``indstat``, ...) to ``{"id": ..., **entry}``
    from the dataset registry, ``files`` maps the role to the raw file paths read, and
    ``config_files`` lists further files that shape the run (value chains, registry).
    """
    records = []
    for role, entry in datasets.items():
        records.append({
            "role": role,
            "id": entry["id"],
            **{key: entry.get(key) for key in ("source", "version", "licence", "url",
                                               "description", "generator")},
            "files": [_file_record(path, entry.get("sha256") or {}) for path in files[role]],
        })
    return {
        "run_name": config.get("run_name"),
        "datasets": records,
        "config_files": [_file_record(path, {}) for path in config_files],
        "software": package_versions(),
        "workflow_revision": git_revision(workflow_dir),
        "config": dict(config),
    }


def _html_table(header: list[str], rows: Iterable[list]) -> str:
    """A plain HTML table; cells are escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row)
        + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pin_text(record: dict) -> str:
    return {None: "no pinned checksum", True: "matches the pin", False: "DIFFERS from the pin"}[
        record["matches_pin"]]


def provenance_html(record: Mapping) -> str:
    """The provenance record as a standalone HTML page (datasets, files, software, config)."""
    datasets = _html_table(
        ["Role", "Dataset id", "Source", "Version", "Licence", "URL"],
        ([d["role"], d["id"], d["source"], d["version"], d["licence"],
          d["url"] or ("generated: " + d["generator"] if d["generator"] else "")]
         for d in record["datasets"]),
    )
    files = _html_table(
        ["Role", "File", "Bytes", "sha256", "Check"],
        ([d["role"], f["path"], f"{f['bytes']:,}", f["sha256"], _pin_text(f)]
         for d in record["datasets"] for f in d["files"]),
    )
    config_files = _html_table(
        ["File", "Bytes", "sha256"],
        ([f["path"], f"{f['bytes']:,}", f["sha256"]] for f in record["config_files"]),
    )
    software = _html_table(["Package", "Version"], record["software"].items())
    config = yaml.safe_dump(record["config"], sort_keys=False, allow_unicode=True)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Provenance of run {html.escape(str(record['run_name']))}</title>",
        _STYLE, "</head><body>",
        f"<h1>Provenance of run <code>{html.escape(str(record['run_name']))}</code></h1>",
        "<h2>Datasets</h2>", datasets,
        "<h2>Raw files read</h2>", files,
        "<h2>Configuration files</h2>", config_files,
        "<h2>Software</h2>",
        f"<p>Workflow revision: <code>{html.escape(record['workflow_revision'])}</code></p>",
        software,
        "<h2>Configuration used</h2>", f"<pre>{html.escape(config)}</pre>",
        "</body></html>", "",
    ])


# --- outputs map ---------------------------------------------------------------------------


def library_functions(script: str | os.PathLike) -> list[str]:
    """``module: name`` of every library name a rule script imports (I/O helpers left out)."""
    tree = ast.parse(Path(script).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARY):
            if node.module not in _PLUMBING:
                found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def rule_catalogue(rules: Iterable, basedir: str | os.PathLike) -> list[dict]:
    """Plain records of Snakemake rules (all but ``all``): name, script and the library
    functions it imports (paths relative to ``basedir``), and each output pattern with its
    report category and subcategory (None when not in the report)."""
    catalogue = []
    for rule in rules:
        if rule.name == "all":
            continue
        script = None
        if rule.script:
            path = Path(os.path.dirname(rule.snakefile), rule.script)
            script = os.path.relpath(path, basedir)
        outputs = []
        for output in rule.output:
            reported = output.flags.get("report")
            outputs.append({
                "path": _WILDCARD_CONSTRAINT.sub(r"{\1}", str(output)),
                "category": getattr(reported, "category", None),
                "subcategory": getattr(reported, "subcategory", None),
            })
        catalogue.append({
            "rule": rule.name,
            "script": script,
            "library": library_functions(Path(basedir, script)) if script else [],
            "outputs": outputs,
        })
    return catalogue


def _outputs_rows(catalogue: Iterable[Mapping]) -> list[list[str]]:
    """One row per output: path, report place, rule, script, library functions."""
    rows = []
    for entry in catalogue:
        for output in entry["outputs"]:
            place = " / ".join(p for p in (output["category"], output["subcategory"]) if p)
            rows.append([output["path"], place, entry["rule"], entry["script"] or "",
                         ", ".join(entry["library"])])
    return rows


OUTPUTS_HEADER = ["Output", "In the report under", "Rule", "Script", "Library functions"]
OUTPUTS_INTRO = ("Every file the workflow writes, the rule that makes it, the rule's script "
                 "(under the repository root) and the library functions that script calls. "
                 "Generated from the workflow's rules on each run.")


def outputs_map(catalogue: Iterable[Mapping], fmt: str) -> str:
    """The outputs map as ``"markdown"`` or ``"html"`` (a standalone page)."""
    rows = _outputs_rows(catalogue)
    if fmt == "markdown":
        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |"
        lines = ["# Outputs map", "", OUTPUTS_INTRO, "", line(OUTPUTS_HEADER),
                 "|" + "---|" * len(OUTPUTS_HEADER)]
        lines += [line([f"`{row[0]}`", row[1], f"`{row[2]}`", f"`{row[3]}`" if row[3] else "",
                        row[4]]) for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "html":
        return "\n".join([
            "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            "<title>Outputs map</title>", _STYLE, "</head><body>", "<h1>Outputs map</h1>",
            f"<p>{html.escape(OUTPUTS_INTRO)}</p>", _html_table(OUTPUTS_HEADER, rows),
            "</body></html>", "",
        ])
    raise ValueError(f"unknown outputs map format {fmt!r}; expected 'markdown' or 'html'")
