"""Helpers shared by tests: Snakemake runs in a temporary copy of the repository, zip archives
made in memory, provider paths as the workflow passes them, and the pyfixest settings that match
the project's estimator."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COPIED = ["Snakefile", "config", "workflow", "profiles", "envs"]


def zip_bytes(members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``members`` (name -> content), with a fixed date so that the same
    members give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                             compress_type=compression)
    return buffer.getvalue()


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """Write the zip archive of ``members`` (see :func:`zip_bytes`) to ``path``; return it."""
    path.write_bytes(zip_bytes(members))
    return path


def snakemake(workdir, *args, check=True):
    """Run Snakemake in ``workdir``; with ``check``, a failure raises with its output."""
    result = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir,
                            capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def copy_repo(target: Path) -> Path:
    """Copy what the workflow needs to run into ``target`` (created if missing)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def provider_paths(file_format: str, **bases: str) -> dict:
    """The ``paths`` a download of ``file_format`` gets from the workflow (``{"paths": {...}}``
    or ``{}``): the committed ``providers.paths`` with the providers' base URLs ``bases``."""
    from gvc_upgrading.store.providers import download_paths

    providers = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["providers"]
    return download_paths({**providers, **bases}, file_format)


def matching_pyfixest_options(pf) -> dict:
    """pyfixest ``feols`` options that reproduce the project's statsmodels estimator exactly:
    small-sample correction G/(G-1)*(N-1)/(N-K) with every fixed-effect dummy in K, singletons
    kept, and a tight demeaning tolerance."""
    return {"ssc": pf.ssc(k_adj=True, k_fixef="full", G_adj=True, G_df="conventional"),
            "fixef_rm": "none", "demeaner": pf.MapDemeaner(fixef_tol=1e-12)}
