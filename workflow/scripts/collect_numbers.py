"""Rule collect_numbers: the in-text numbers of the run, as JSON."""

import json

from gvc_upgrading.io import read_table, rule_logging, write_text
from gvc_upgrading.outputs.numbers import in_text_numbers

with rule_logging(snakemake):
    numbers = in_text_numbers(read_table(snakemake.input.indicators),
                              read_table(snakemake.input.classification),
                              read_table(snakemake.input.estimates))
    write_text(json.dumps(numbers, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
               snakemake.output[0])
