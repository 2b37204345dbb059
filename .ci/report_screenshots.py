#!/usr/bin/env python3
"""Screenshots of the Snakemake report in headless Chromium: the start page and every reported file.

The report is a JavaScript app that shows a figure or table only after clicks on its category,
subcategory and the file's eye icon. For each file listed with a report place in
results/outputs_map.md, this writes a copy of the report that makes those clicks after loading,
and lets headless Chromium screenshot it. Look at the PNGs: each must show its figure or table.

    python3 .ci/report_screenshots.py results/report.html results/outputs_map.md shots/

Needs `chromium` on the PATH (Debian/Ubuntu: apt-get install -y chromium).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = [
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=20000", "--window-size=1400,1800",
]
CLICKER = """<script>
(function () {
  function click(step) {
    if (step.startsWith("eye:")) {  // the "show" icon in the row of a result file
      const cell = [...document.querySelectorAll("td")]
        .find(e => e.textContent.trim() === step.slice(4));
      const eye = cell && cell.parentElement.querySelector("a[iconname=eye]");
      if (eye) { eye.click(); }
      return;
    }
    const hits = [...document.querySelectorAll("a, button, li, span, div, td, p")]
      .filter(e => e.textContent.trim() === step);
    if (hits.length) { hits[hits.length - 1].click(); }
  }
  STEPS.forEach((step, i) => setTimeout(() => click(step), 1500 * (i + 1)));
})();
</script>
"""


def reported_files(outputs_map: Path) -> list[tuple[str, list[str]]]:
    """(path, clicks) of every output that the outputs map lists with a report place; outputs
    that only some configurations make (the replication report, group comparisons) are left
    out when the run did not make them."""
    rows = []
    for line in outputs_map.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \| ([^|]+?) \|", line)
        if match:
            path, place = match.groups()
            if "{" not in path and not Path(path).exists():
                continue
            rows.append((path, [*place.split(" / "), f"eye:{path}"]))
    return rows


def screenshot(report_html: str, clicks: list[str], target: Path) -> None:
    """Screenshot the report after ``clicks`` (menu texts, or ``eye:<path>`` for a file)."""
    head, body_end, tail = report_html.rpartition("</body>")
    page = head + CLICKER.replace("STEPS", json.dumps(clicks)) + body_end + tail
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp, "report.html")
        copy.write_text(page, encoding="utf-8")
        subprocess.run([*CHROMIUM, f"--user-data-dir={tmp}/profile",
                        f"--screenshot={target.resolve()}", copy.as_uri()],
                       check=True, capture_output=True, timeout=300)


def main(report: str, outputs_map: str, out_dir: str) -> None:
    html = Path(report).read_text(encoding="utf-8")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shots = [("start", [])] + reported_files(Path(outputs_map))
    for path, clicks in shots:
        target = out / (Path(path).name.replace(".", "_") + ".png")
        screenshot(html, clicks, target)
        print(f"{target}: {' > '.join(clicks) or 'start page'}")


if __name__ == "__main__":
    main(*sys.argv[1:])
