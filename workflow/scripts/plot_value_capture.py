"""Rule plot_value_capture: the value-capture figures the dimensions in use allow (domestic
value-added share paths of the path countries; participation positions per chain and period)."""

from pathlib import Path

from gvc_upgrading.io import read_table, rule_logging
from gvc_upgrading.outputs.value_capture_figures import plot_participation, plot_value_added_paths

with rule_logging(snakemake) as log:
    params = snakemake.params
    indicators = read_table(snakemake.input[0])
    figures = Path(snakemake.output[0]).parent
    options = {"formats": params.formats, "dpi": params.dpi, "chain_labels": params.labels}
    if "value_added_paths" in params.figures:
        plot_value_added_paths(indicators, params.countries, figures / "value_added_paths",
                               **options)
    if "participation" in params.figures:
        plot_participation(indicators, params.periods, figures / "participation",
                           endpoint_years=params.endpoint_years, **options)
    log.info("drew %s", ", ".join(params.figures))
