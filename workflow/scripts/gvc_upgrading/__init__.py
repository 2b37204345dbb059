"""gvc_upgrading: economic and social upgrading in global value chains.

The library behind the Snakemake workflow: readers for each source's real file format,
harmonisation to tidy tables, upgrading indicators, classification, regressions, tables,
figures and the generated demo world. Every function works without Snakemake.
"""

__version__ = "0.1.0"
