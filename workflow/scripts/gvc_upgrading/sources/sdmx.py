"""SDMX REST as the OECD serves it: data URLs, split requests, dataflow structures, error bodies.

* :func:`data_url` builds one data request, :func:`split_requests` several that together ask for
  every country once, each URL no longer than a limit and each with at most so many countries. Layout (SDMX REST 1.x):
  ``{base}/data/{agency},{dataflow},{version}/{key}?startPeriod=..&endPeriod=..&
  dimensionAtObservation=AllDimensions``; the key joins the codes of each dimension with ``+``
  and the dimensions with ``.``; an empty dimension means every code.
* :func:`latest_release` reads the answer to a dataflow structure query
  (``{root}/dataflow/{agency}/{dataflow}/all``, SDMX-ML 2.1 or SDMX-JSON) and returns the
  newest release of the dataflow: the highest edition year named in its English name, then the
  highest version.
* :func:`error_message` finds the readable text of an error body (XML, JSON, HTML or text) that
  an API answered instead of data.

Nothing here knows TiVA's measures; :mod:`gvc_upgrading.sources.tiva` reads the data files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NamedTuple
from xml.etree import ElementTree

from ..errors import InputError

_CODE = re.compile(r"[A-Za-z0-9_-]+")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Requests are split so that no URL is longer than this (a conservative length: a key listing
#: many countries is what servers and proxies in between refuse first, with a 414 or 404).
MAX_URL_LENGTH = 1000


# --- data requests ------------------------------------------------------------------------------

def flow_reference(agency: str, dataflow: str, version: str) -> str:
    """``OECD.STI.PIE,DSD_TIVA_MAINLV@DF_MAINLV,1.1``: the dataflow part of a data URL."""
    for name, value in (("agency", agency), ("dataflow", dataflow), ("version", version)):
        if not re.fullmatch(r"[A-Za-z0-9_.@-]+", value or ""):
            raise ValueError(f"SDMX {name} {value!r} holds characters a data URL cannot carry")
    return f"{agency},{dataflow},{version}"


def data_key(*dimensions) -> str:
    """The key of a data query: each dimension one code or an iterable of codes (joined by
    ``+``), dimensions joined by ``.``; an empty dimension asks for every code."""
    return ".".join(_key_part(codes, f"dimension {position + 1}")
                    for position, codes in enumerate(dimensions))


def data_url(flow_url: str, key: str, start: int | None = None, end: int | None = None, *,
             file_format: str | None = None) -> str:
    """``{flow_url}/{key}?startPeriod=..&endPeriod=..&dimensionAtObservation=AllDimensions``;
    ``flow_url`` is ``{base}/data/{flow_reference}``. ``file_format`` adds ``format=...``
    (``csvfile``, ``csvfilewithlabels``)."""
    query = []
    if start is not None:
        query.append(f"startPeriod={int(start)}")
    if end is not None:
        query.append(f"endPeriod={int(end)}")
    query.append("dimensionAtObservation=AllDimensions")
    if file_format:
        query.append(f"format={_key_part(file_format, 'file_format')}")
    return f"{flow_url.rstrip('/')}/{key}?" + "&".join(query)


def split_requests(flow_url: str, before: list, countries: Iterable[str], after: list,
                   start: int | None = None, end: int | None = None, *,
                   file_format: str | None = None, max_length: int = MAX_URL_LENGTH,
                   max_countries: int | None = None) -> list[tuple[list[str], str]]:
    """Data URLs for every code of ``countries`` (the key dimension between the dimensions
    ``before`` and ``after``), in groups so that no URL is longer than ``max_length`` and no
    group has more than ``max_countries`` codes (None: no such limit; a caller keeps an answer
    under a row limit with it).

    Returns ``(countries of the group, URL)`` pairs; every country is asked for exactly once
    (repeats dropped), in the given order. A single country that does not fit raises
    ValueError naming the limit.
    """
    def url(group: list[str]) -> str:
        return data_url(flow_url, data_key(*before, group, *after), start, end,
                        file_format=file_format)

    if max_countries is not None and max_countries < 1:
        raise ValueError(f"max_countries must be at least 1, got {max_countries}")
    codes = list(dict.fromkeys(_codes(countries)))
    groups: list[list[str]] = []
    for code in codes:
        if (groups and len(url(groups[-1] + [code])) <= max_length
                and (max_countries is None or len(groups[-1]) < max_countries)):
            groups[-1].append(code)
            continue
        if len(url([code])) > max_length:
            raise ValueError(f"the URL for country {code} alone is {len(url([code]))} "
                             f"characters, longer than max_length={max_length}; ask for fewer "
                             "measures or activities per request")
        groups.append([code])
    if not groups:
        if len(url([])) > max_length:
            raise ValueError(f"the URL is longer than max_length={max_length}")
        return [([], url([]))]
    return [(group, url(group)) for group in groups]


def _codes(codes) -> list[str]:
    if codes is None:
        return []
    if isinstance(codes, str):
        return [codes] if codes else []
    return [str(code) for code in codes]


def _key_part(codes, name: str) -> str:
    """Codes of one key dimension joined by ``+``; refuses text that would break the URL."""
    codes = _codes(codes)
    bad = [code for code in codes if not _CODE.fullmatch(code)]
    if bad:
        raise ValueError(f"{name} code {bad[0]!r} is not a code (letters, digits, _ or -)")
    return "+".join(codes)


# --- dataflow structures (release probes) -----------------------------------------------------

class Release(NamedTuple):
    """One published version of a dataflow."""

    dataflow: str
    version: str
    edition: int
    name: str

    @property
    def tag(self) -> str:
        """The release as a registry version: ``<edition>-<dataflow version>`` (``2025-1.1``)."""
        return f"{self.edition}-{self.version}"


def latest_release(structure_text: str, dataflow: str, agency: str, *,
                   source="SDMX dataflow structure response") -> Release:
    """The newest release of ``dataflow`` (of ``agency``) listed in a dataflow structure answer.

    Reads SDMX-ML 2.1 (``<structure:Dataflow id=... agencyID=... version=...>`` with
    ``<common:Name xml:lang="en">... 2025 edition ...``) or SDMX-JSON (``{"data": {"dataflows":
    [{"id", "agencyID", "version", "name" or "names"}]}}``). The edition year comes from the
    English name; the newest is the highest edition, then version. ``source`` names the answer
    in errors.
    """
    text = structure_text.lstrip("\ufeff").strip()
    if not text:
        raise InputError(source, "is empty; expected an SDMX dataflow structure response")
    flows = _json_dataflows(text, source) if text[0] in "{[" else _xml_dataflows(text, source)
    matching = [flow for flow in flows if flow[0] == dataflow and flow[1] in (agency, "")]
    if not matching:
        listed = sorted({flow[0] for flow in flows})
        raise InputError(source, f"lists no dataflow {dataflow} of {agency}; it lists "
                                 f"{listed[:10] or 'none'}", key=dataflow)
    releases = [_release(flow_id, version, name, source)
                for flow_id, _, version, name in matching]
    return max(releases, key=lambda release: (release.edition, _version_order(release.version)))


def _xml_dataflows(text: str, source) -> list[tuple[str, str, str, str]]:
    """``(id, agencyID, version, English name)`` of each Dataflow element."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise InputError(source, f"is not well-formed XML ({error}); expected SDMX-ML") from None
    if _local_name(root.tag) == "Error":
        raise InputError(source, f"is an SDMX error message, not a structure: "
                                 f"{error_message(text)!r}")
    flows = []
    for element in root.iter():
        if _local_name(element.tag) != "Dataflow" or "id" not in element.attrib:
            continue
        names = {child.get(_XML_LANG, ""): (child.text or "").strip() for child in element
                 if _local_name(child.tag) == "Name"}
        flows.append((element.get("id"), element.get("agencyID", ""),
                      element.get("version", ""), names.get("en") or names.get("", "")))
    return flows


def _json_dataflows(text: str, source) -> list[tuple[str, str, str, str]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, f"is not valid JSON ({error})") from None
    data = document.get("data", {}) if isinstance(document, dict) else {}
    if not isinstance(data, dict) or "dataflows" not in data:
        raise InputError(source, "holds no data.dataflows; expected an SDMX-JSON structure "
                                 f"response: {error_message(text)!r}")
    flows = []
    for flow in data["dataflows"]:
        names = flow.get("names") or {}
        flows.append((flow.get("id", ""), flow.get("agencyID", ""), flow.get("version", ""),
                      names.get("en") or flow.get("name") or ""))
    return flows


def _release(flow_id: str, version: str, name: str, source) -> Release:
    found = re.search(r"\b((?:19|20)\d\d)\s+edition\b", name, flags=re.IGNORECASE)
    if not found:
        raise InputError(source, f"the English name of {flow_id} version {version} ({name!r}) "
                                 "gives no edition year; expected '... <year> edition ...'",
                         key=flow_id)
    if not version:
        raise InputError(source, f"{flow_id} has no version attribute", key=flow_id)
    return Release(flow_id, version, int(found.group(1)), name)


def _version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- error bodies -----------------------------------------------------------------------------

def error_message(text: str) -> str:
    """The readable text of an error body: XML or HTML (its element texts), JSON (its
    ``message``, ``detail``, ``title`` or ``error`` fields) or plain text, on one line."""
    body = text.lstrip("\ufeff").strip()
    if body[:1] == "<":
        return _xml_message(body)
    if body[:1] in "{[":
        return _json_message(body)
    return first_words(body)


def first_words(text: str, limit: int = 200) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    return " ".join(text.split())[:limit]


def _xml_message(text: str) -> str:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return first_words(re.sub(r"<[^>]*>", " ", text))
    parts = [element.text.strip() for element in root.iter()
             if element.text and element.text.strip()]
    return first_words(" ".join(parts)) or _local_name(root.tag)


def _json_message(text: str) -> str:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return first_words(text)
    found: list[str] = []

    def collect(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.lower() in {"message", "detail", "title", "error"} and isinstance(value,
                                                                                         str):
                    found.append(value)
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(document)
    return first_words(" ".join(found) if found else text)
