"""Rule tabulate_accounting: the row accounting of every harmonisation step in one table."""

from gvc_upgrading.harmonise.accounting import read_accounting, summary
from gvc_upgrading.io import atomic_path, rule_logging, write_text

with rule_logging(snakemake) as log:
    frame = read_accounting(snakemake.input)
    with atomic_path(snakemake.output.csv) as tmp:
        frame.to_csv(tmp, index=False)
    table = summary(frame)
    write_text(table.to_html(index=False, float_format=lambda x: f"{x:,.0f}", na_rep="",
                             border=0, classes="accounting"), snakemake.output.html)
    log.info("accounting: %d entries from %d files balance", len(frame), len(snakemake.input))
