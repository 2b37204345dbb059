"""Rule tabulate_regressions: the regression table in Markdown, LaTeX and HTML."""

from gvc_upgrading.io import read_table, rule_logging, write_text
from gvc_upgrading.outputs.tables import regression_table

with rule_logging(snakemake):
    estimates = read_table(snakemake.input[0])
    for fmt, path in (("markdown", snakemake.output.md), ("latex", snakemake.output.tex),
                      ("html", snakemake.output.html)):
        write_text(regression_table(estimates, fmt, chain_labels=snakemake.params.labels), path)
