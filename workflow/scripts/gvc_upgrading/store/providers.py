"""Where each data provider keeps its files, from config ``providers``.

``providers.<source>`` is the provider's base URL: ``http(s)://``, or a local mirror given as an
absolute folder path or a ``file:///`` URL (read by :mod:`gvc_upgrading.store.fetch` with the
checks of a download). Registry URLs (``config/datasets.yaml``) are written relative to it as
``{base_url}/...``. ``providers.paths`` holds the other locations the workflow and the release
probes use, as URL templates in which ``{base_url}`` is the base URL of the provider the key
starts with (``wdi_countries`` -> ``providers.wdi``):

- ``baci_releases``: CEPII's page linking the BACI release zips;
- ``ilostat_table_of_contents``: ILOSTAT's bulk table of contents (last update per indicator);
- ``wdi_indicator``: one WDI API v2 indicator (``{indicator}``), read for its ``lastupdated``;
- ``wdi_countries``: the WDI API v2 country list, stored with an API download;
- ``comtrade_availability``: UN Comtrade's data availability (``getDataAvailability``,
  ``data/v1/getDa/{typeCode}/{freqCode}/{clCode}``): the release date per reporter and year;
- ``comtrade_reference``: UN Comtrade's reference files (``{name}``: ``HS``, ``Reporters``).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The paths a download of each format needs besides its URL (see :func:`download_paths`).
PATHS_OF_FORMAT = {
    "wdi_api_json": ("wdi_countries",),
    "comtrade_api": ("comtrade_availability", "comtrade_reference"),
}


def base_url(providers: Mapping, source: str) -> str:
    """The base URL (or mirror folder) of ``source``, without a trailing slash."""
    return str(providers[source]).rstrip("/")


def with_base(providers: Mapping, key: str) -> str:
    """The template ``providers.paths.<key>`` with its provider's base URL filled in (other
    fields such as ``{name}`` are left for :func:`fill`)."""
    source = key.split("_", 1)[0]
    return providers["paths"][key].replace("{base_url}", base_url(providers, source))


def provider_url(providers: Mapping, key: str, **fields: str) -> str:
    """The URL of ``providers.paths.<key>`` with its base URL and ``fields`` filled in."""
    return fill(with_base(providers, key), **fields)


def fill(template: str, **fields: str) -> str:
    """A template's ``{field}`` placeholders replaced by ``fields``; a placeholder left without
    a value is an error naming it."""
    try:
        return template.format(**fields)
    except KeyError as exc:
        raise ValueError(f"the provider path {template!r} needs a value for {exc.args[0]!r}; "
                         f"expected only {sorted(fields) or 'no placeholders'}") from None


def download_paths(providers: Mapping, file_format: str) -> dict:
    """``{"paths": {key: template with base URL}}`` for a format that needs provider paths
    besides its download URL, else ``{}`` (so other downloads' rule parameters stay as they
    were)."""
    keys = PATHS_OF_FORMAT.get(file_format, ())
    return {"paths": {key: with_base(providers, key) for key in keys}} if keys else {}
