"""A stand-in for the OECD SDMX API in tests: data queries answered from SDMX-CSV rows, and
the structure message listing a dataflow's releases (:func:`dataflow_structure`).

:func:`sdmx_data_api` answers ``<prefix>/<agency>,<dataflow>,<version>/<key>?startPeriod=..&
endPeriod=..`` like the API: the rows of the dataflow whose codes match the key (``+`` joins
codes, an empty dimension matches every code; dimensions in the order MEASURE, REF_AREA,
ACTIVITY, COUNTERPART_AREA, UNIT_MEASURE, FREQ) and whose year lies in the period, as
SDMX-CSV 1.0 with CRLF line ends; no matching row is a 404 ``NoRecordsFound``, as the API says.
Another agency than ``OECD.STI.PIE`` or a version it does not have is the API's 404 "Could not
find Dataflow". ``max_rows`` refuses a larger answer with 413 and the SDMX error message
"Response size exceeds service limit" (SDMX error code 510); ``cut_at`` instead cuts an answer
at so many rows without a word, as the OECD's former API did at one million.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from urllib.parse import unquote

from httpserver import Request, Response

KEY_DIMENSIONS = ["MEASURE", "REF_AREA", "ACTIVITY", "COUNTERPART_AREA", "UNIT_MEASURE", "FREQ"]
AGENCY = "OECD.STI.PIE"


def sdmx_error(code: int, text: str) -> bytes:
    """An SDMX-ML 2.1 error message, as the API answers instead of data."""
    return ('<?xml version="1.0" encoding="utf-8"?><message:Error xmlns:message="http://'
            'www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:common="http://www.sdmx'
            f'.org/resources/sdmxml/schemas/v2_1/common"><message:ErrorMessage code="{code}">'
            f'<common:Text xml:lang="en">{text}</common:Text></message:ErrorMessage>'
            "</message:Error>").encode()


NO_RECORDS = sdmx_error(100, "NoRecordsFound")
TOO_LARGE = sdmx_error(510, "Response size exceeds service limit")
NO_DATAFLOW = b"Could not find Dataflow and/or DSD related with this data request"


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    """Header and rows of an SDMX-CSV text."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def sdmx_data_api(flows: dict[str, str], *, versions=("1.1",), max_rows: int | None = None,
                  cut_at: int | None = None) -> Callable[[Request], Response]:
    """A handler answering data queries for each dataflow id of ``flows`` (id -> SDMX-CSV text
    of all its rows) of agency OECD.STI.PIE in ``versions``; ``max_rows`` and ``cut_at`` as in
    the module docstring."""
    tables = {flow: csv_rows(text) for flow, text in flows.items()}

    def answer(request: Request) -> Response:
        reference, key = unquote(request.path).rsplit("/", 2)[-2:]
        agency, flow, version = (reference.split(",") + ["", "", ""])[:3]
        if flow not in tables or agency != AGENCY or version not in versions:
            return Response(404, NO_DATAFLOW, {"Content-Type": "text/plain"})
        header, rows = tables[flow]
        wanted = [set(part.split("+")) - {""} for part in key.split(".")]
        first = int(request.query.get("startPeriod", 0))
        last = int(request.query.get("endPeriod", 9999))
        kept = [row for row in rows
                if all(not codes or row.get(dim) in codes
                       for dim, codes in zip(KEY_DIMENSIONS, wanted))
                and first <= int(row["TIME_PERIOD"]) <= last]
        if not kept:
            return Response(404, NO_RECORDS, {"Content-Type": "application/xml"})
        if max_rows is not None and len(kept) > max_rows:
            return Response(413, TOO_LARGE, {"Content-Type": "application/xml"})
        kept = kept[:cut_at]
        out = io.StringIO()
        writer = csv.DictWriter(out, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(kept)
        return Response(body=out.getvalue().encode(),
                        headers={"Content-Type": "application/vnd.sdmx.data+csv; charset=utf-8"})

    return answer


STRUCTURE = (
    '<?xml version="1.0" encoding="utf-8"?><message:Structure xmlns:message="http://www.sdmx.org/'
    'resources/sdmxml/schemas/v2_1/message" xmlns:structure="http://www.sdmx.org/resources/'
    'sdmxml/schemas/v2_1/structure" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/'
    'v2_1/common"><message:Structures><structure:Dataflows>{flows}</structure:Dataflows>'
    "</message:Structures></message:Structure>")
FLOW = ('<structure:Dataflow id="{dataflow}" agencyID="OECD.STI.PIE" version="{version}">'
        '<common:Name xml:lang="en">Trade in Value Added (TiVA) {edition} edition: Principal '
        'indicators</common:Name></structure:Dataflow>')


def dataflow_structure(dataflow: str, releases) -> bytes:
    """The API's answer to ``dataflow/OECD.STI.PIE/<dataflow>/all``: one ``Dataflow`` per
    release ``(version, edition year)``."""
    flows = "".join(FLOW.format(dataflow=dataflow, version=version, edition=edition)
                    for version, edition in releases)
    return STRUCTURE.format(flows=flows).encode()
